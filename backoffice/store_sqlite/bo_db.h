/* Between the store's files: the connection's helpers, for either engine
 * (SQLite, or PostgreSQL through libpq: docs/storage.md). The engine's
 * codes become kerr_t only here. The statements are string literals, kept
 * prepared by connection and address (the caller holds the connection
 * alone: the server's lock, or the command line's one thread). Parameters
 * are written ?1, ?2... or ?; the PostgreSQL side numbers them $1, $2... */
#ifndef BACKOFFICE_STORE_SQLITE_BO_DB_H
#define BACKOFFICE_STORE_SQLITE_BO_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "base/err.h"

#define BO_SCHEMA_VERSION 25

/* A connection to the back office's database, of either engine. */
typedef struct bo_db bo_db_t;

/* A kept statement, on its current row once run. */
typedef struct bo_cur bo_cur_t;

/* The storage engines. */
typedef enum bo_engine { BO_ENGINE_SQLITE, BO_ENGINE_POSTGRESQL } bo_engine_t;

/* The engine a database setting names: a postgresql:// or postgres://
 * connection URI is PostgreSQL, anything else a SQLite file's path. */
bo_engine_t bo_db_engine_of(const char *database);

/* Opens (creating if needed) the database named (bo_db_engine_of) and
 * brings its schema up to BO_SCHEMA_VERSION; a database written by a newer
 * program is refused (K_EVERSION). */
kerr_t bo_db_open(const char *database, bo_db_t **out, kmsg_t *msg);

/* Finalizes db's kept statements and closes it. */
void bo_db_close(bo_db_t *db);

/* The engine of an open connection. */
bo_engine_t bo_db_engine(const bo_db_t *db);

/* Runs SQL text without results (several statements allowed); the message
 * names what was being done. */
kerr_t bo_db_exec(bo_db_t *db, const char *sql, const char *doing, kmsg_t *msg);

/* Starts a transaction that writes (SQLite: BEGIN IMMEDIATE; PostgreSQL:
 * BEGIN), commits it, or abandons it if one is open. */
kerr_t bo_db_begin(bo_db_t *db, kmsg_t *msg);
kerr_t bo_db_commit(bo_db_t *db, kmsg_t *msg);
void bo_db_rollback(bo_db_t *db);

/* Starts a write transaction that may run beside other keyed ones
 * (docs/instances.md): on PostgreSQL it takes the write lock shared, then
 * a lock for each of the n keys (texts naming what the work touches: a
 * kiosk, a meter, a transaction), all in one order, so that keyed
 * transactions with a key in common run one after the other and none
 * waits for another in a circle. Only bo_db_write_keyed writes in it: any
 * other write fails K_EBUSY and so does the commit, whatever the caller did
 * with the write's failure; the caller then does the work again under
 * bo_db_begin. SQLite, or more than 256 distinct keys (PostgreSQL's lock
 * table is shared by all sessions): bo_db_begin. */
kerr_t bo_db_begin_keyed(bo_db_t *db, const char *const *keys, size_t n, kmsg_t *msg);

/* The number of a key's lock: on PostgreSQL bo_db_begin_keyed takes
 * pg_advisory_xact_lock(its high 32 bits, its low 32 bits), each as a
 * signed int4. */
uint64_t bo_db_key_number(const char *key);

/* Checks that the connection answers a trivial query within timeout_ms
 * (the health probe); K_EIO with the reason if it does not. PostgreSQL:
 * like a transaction's start or a statement outside one, it first makes a
 * lost connection again (at most once a second; docs/storage.md). */
kerr_t bo_db_ping(bo_db_t *db, int timeout_ms, kmsg_t *msg);

/* Which connection the database is on: 1 once opened, one more each time
 * a lost PostgreSQL connection is made again (what the session held, its
 * advisory locks and prepared statements, went with the one before); 0
 * while it is known to be lost. SQLite: always 1. */
unsigned bo_db_connection(bo_db_t *db);

/* A connection of its own that hears the database's notices of changes to
 * central commands and QR orders, whichever process made them
 * (PostgreSQL: LISTEN bo_changed; the schema's triggers notify). */
typedef struct bo_db_watch bo_db_watch_t;

/* Opens a watch on the database named; *out is NULL for an engine that
 * has none (SQLite: one server, whose own changes wake its polls). */
kerr_t bo_db_watch_open(const char *database, bo_db_watch_t **out, kmsg_t *msg);

/* Waits up to timeout_ms for notices: how many came (0: none), -1 if the
 * watch's connection is lost. */
int bo_db_watch_wait(bo_db_watch_t *w, int timeout_ms);

void bo_db_watch_close(bo_db_watch_t *w);

/* Reads a single integer from sql with one optional text parameter; *out
 * is left as it was if there is no row. */
kerr_t bo_db_int(bo_db_t *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg);

/* Reads the first column of sql's first row (SQL text run once, not kept;
 * no parameters) as text into out (len bytes; "" if there is none);
 * *found says whether there was a row. */
kerr_t bo_db_text(bo_db_t *db, const char *sql, char *out, size_t len, bool *found, kmsg_t *msg);

/* The schema version the database holds, -1 on error. */
int bo_db_version(bo_db_t *db);

/* Runs the kept statement sql (a literal) with the values after types
 * bound to ?1, ?2...: 't' text (NULL binds ""), 'i' int64_t, 'p' a
 * positive int64_t or NULL for 0 or less, 's' text of a length (const
 * char *, int), 'b' a blob (const void *, int length, kept until the
 * statement ends). *changed (if not NULL) says whether a row changed. A uniqueness
 * breach is K_ECONFLICT (the transaction goes on), anything else K_EIO, the
 * message naming doing. */
kerr_t bo_db_write(bo_db_t *db, bool *changed, kmsg_t *msg, const char *doing, const char *sql, const char *types,
                   ...);

/* bo_db_write for a write that stays correct in a keyed transaction: one
 * that touches only rows of the transaction's keys (or adds rows no other
 * keyed transaction can add), having read only such rows or rows that
 * only bo_db_begin's transactions change. */
kerr_t bo_db_write_keyed(bo_db_t *db, bool *changed, kmsg_t *msg, const char *doing, const char *sql,
                         const char *types, ...);

/* How many rows the last bo_db_write changed. */
int64_t bo_db_changes(bo_db_t *db);

/* The id the last INSERT gave a table's INTEGER PRIMARY KEY. */
int64_t bo_db_last_id(bo_db_t *db);

/* Binds as bo_db_write and runs the kept statement sql: when *found its
 * first row is ready to read; the caller then reads it and ends the
 * statement with bo_db_end (also when not found). */
kerr_t bo_db_first(bo_db_t *db, bo_cur_t **st, bool *found, kmsg_t *msg, const char *sql, const char *types,
                   ...);

/* Reads the first column of sql's first row (bound as bo_db_write) as an
 * integer into *out, left as it was if there is no row or it is NULL;
 * *found (if not NULL) says whether there was a row. */
kerr_t bo_db_get_int(bo_db_t *db, int64_t *out, bool *found, kmsg_t *msg, const char *sql, const char *types, ...);

/* The same as text into out (len bytes; "" if there is no row). */
kerr_t bo_db_get_text(bo_db_t *db, char *out, size_t len, bool *found, kmsg_t *msg, const char *sql,
                      const char *types, ...);

/* Moves st to its next row: true if there is one; *rc is K_EIO with the
 * message on a failure (and false). */
bool bo_db_next(bo_db_t *db, bo_cur_t *st, kerr_t *rc, kmsg_t *msg);

/* Resets a kept statement for its next use (NULL: nothing). */
void bo_db_end(bo_cur_t *st);

/* The column's text, "" for NULL (a truth value reads "1" or "0"). */
const char *bo_db_col(bo_cur_t *st, int i);

/* Copies the column's text into out (len bytes). */
void bo_db_copy(bo_cur_t *st, int i, char *out, size_t len);

/* The column as an integer (0 for NULL). */
int64_t bo_cur_int(bo_cur_t *st, int i);

/* Whether the column is NULL. */
bool bo_cur_null(bo_cur_t *st, int i);

/* The row's number of columns, a column's name, and the kind of a cell. */
int bo_cur_cols(bo_cur_t *st);
const char *bo_cur_name(bo_cur_t *st, int i);
bo_cell_t bo_cur_kind(bo_cur_t *st, int i);

/* The last error the engine reported on db. */
const char *bo_db_error(bo_db_t *db);

#endif
