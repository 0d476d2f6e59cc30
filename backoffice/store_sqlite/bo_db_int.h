/* Inside bo_db.c and bo_db_pg.c: a connection and its kept statements,
 * and the PostgreSQL side's functions (bo_db_pg.c) that bo_db.c calls when
 * the connection is PostgreSQL's. */
#ifndef BACKOFFICE_STORE_SQLITE_BO_DB_INT_H
#define BACKOFFICE_STORE_SQLITE_BO_DB_INT_H

#include <sqlite3.h>
#include <stdarg.h>

#include "backoffice/store_sqlite/bo_db.h"

#define BO_DB_KEPT 256

struct pg_conn;
struct pg_result;

struct bo_cur {
    bo_db_t *db;
    const char *sql;          /* the literal this statement was prepared from */
    sqlite3_stmt *st;         /* SQLite */
    struct pg_result *res;    /* PostgreSQL: the result of the last run */
    int row, rows, params, n; /* PostgreSQL: the current row, rows, parameters, statement number (0: not
                               * prepared on the current connection) */
};

struct bo_db {
    bo_engine_t engine;
    sqlite3 *lite;
    struct pg_conn *pg;
    int64_t changes;
    bool writing; /* a bo_db_write is running (PostgreSQL: under a savepoint) */
    bool keyed;   /* in a bo_db_begin_keyed transaction: only keyed writes */
    bool refused; /* ... and one was refused: it cannot commit */
    int statements;
    bo_cur_t kept[BO_DB_KEPT]; /* open addressing on the SQL text's address */
    /* PostgreSQL: making a lost connection again (bo__pg_ready) */
    char *conninfo;     /* what it was opened with, to connect again */
    unsigned conn;      /* connections made: 1 once opened, one more each time again */
    bool open;          /* a transaction was open before the last statement */
    int64_t lost_at;    /* when the loss was seen (monotonic ms), 0: not lost */
    int64_t tried_at;   /* the last try to connect again */
    int tries;          /* tries since the loss */
    unsigned led;       /* the store's lead (bo_sq_store.c): the connection holding its lock, 0: none */
};

/* Connects db to the PostgreSQL database at uri. */
kerr_t bo__pg_connect(bo_db_t *db, const char *uri, kmsg_t *msg);
void bo__pg_close(bo_db_t *db);

/* Whether the next statement may run: K_OK if the connection is up or was
 * made again now. A lost connection is made again (the same conninfo, the
 * session set up as at the start, every kept statement to be prepared
 * again) at most once a second, the first try a second after the loss is
 * seen; never under the transaction it broke (K_EIO until that is
 * abandoned) unless starting says a new one begins. */
kerr_t bo__pg_ready(bo_db_t *db, bool starting, kmsg_t *msg);

/* Abandons the transaction, if one is open; a lost connection's is
 * abandoned already, and the next statement may connect again. */
void bo__pg_rollback(bo_db_t *db);
kerr_t bo__pg_exec(bo_db_t *db, const char *sql, const char *doing, kmsg_t *msg);
bool bo__pg_in_txn(bo_db_t *db);
kerr_t bo__pg_text(bo_db_t *db, const char *sql, char *out, size_t len, bool *found, kmsg_t *msg);
kerr_t bo__pg_int(bo_db_t *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg);

/* Prepares the kept statement r (r->sql) on the server. */
kerr_t bo__pg_prepare(bo_db_t *db, bo_cur_t *r, kmsg_t *msg);

/* Runs r with the parameters after types (as bo_db_write); its rows are
 * then r->res. A constraint's breach is K_ECONFLICT, undone alone when a
 * transaction is open. */
kerr_t bo__pg_run(bo_db_t *db, bo_cur_t *r, const char *types, va_list ap, const char *doing, kmsg_t *msg);
void bo__pg_end(bo_cur_t *r);

const char *bo__pg_col(bo_cur_t *r, int i);
bool bo__pg_null(bo_cur_t *r, int i);
int bo__pg_cols(bo_cur_t *r);
const char *bo__pg_name(bo_cur_t *r, int i);
bo_cell_t bo__pg_kind(bo_cur_t *r, int i);
const char *bo__pg_error(bo_db_t *db);
kerr_t bo__pg_ping(bo_db_t *db, int timeout_ms, kmsg_t *msg);

/* Applies the migrations the database lacks (bo_schema.c). */
kerr_t bo__db_migrate(bo_db_t *db, kmsg_t *msg);

/* Opens the SQLite file at path (bo_schema.c). */
kerr_t bo__db_open_sqlite(const char *path, sqlite3 **out, kmsg_t *msg);

#endif
