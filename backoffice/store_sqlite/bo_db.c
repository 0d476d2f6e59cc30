/* The connection's helpers (bo_db.h): SQLite here, PostgreSQL in
 * bo_db_pg.c; each engine's codes become kerr_t only in these two files. */
#include "backoffice/store_sqlite/bo_db_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG(db) ((db)->engine == BO_ENGINE_POSTGRESQL)

bo_engine_t bo_db_engine_of(const char *database)
{
    if (strncmp(database, "postgresql://", 13) == 0 || strncmp(database, "postgres://", 11) == 0)
        return BO_ENGINE_POSTGRESQL;
    return BO_ENGINE_SQLITE;
}

bo_engine_t bo_db_engine(const bo_db_t *db)
{
    return db->engine;
}

kerr_t bo_db_open(const char *database, bo_db_t **out, kmsg_t *msg)
{
    bo_db_t *db = calloc(1, sizeof *db);
    if (!db)
        return kmsg_set(msg, K_EIO, "out of memory opening the database");
    db->engine = bo_db_engine_of(database);
    kerr_t rc = PG(db) ? bo__pg_connect(db, database, msg) : bo__db_open_sqlite(database, &db->lite, msg);
    if (rc == K_OK)
        rc = bo__db_migrate(db, msg);
    if (rc) {
        bo_db_close(db);
        return rc;
    }
    *out = db;
    return K_OK;
}

/* The kept statement for sql, prepared on first use (PostgreSQL: and on
 * the first use on a connection made again). */
static kerr_t kept(bo_db_t *db, const char *sql, bo_cur_t **st, kmsg_t *msg)
{
    kerr_t ready = PG(db) ? bo__pg_ready(db, false, msg) : K_OK;
    if (ready)
        return ready;
    size_t h = ((uintptr_t)sql >> 3) % BO_DB_KEPT;
    for (size_t n = 0; n < BO_DB_KEPT; n++, h = (h + 1) % BO_DB_KEPT) {
        bo_cur_t *r = &db->kept[h];
        if (r->sql == sql) {
            kerr_t rc = PG(db) && r->n == 0 ? bo__pg_prepare(db, r, msg) : K_OK;
            *st = rc ? *st : r;
            return rc;
        }
        if (r->sql)
            continue;
        *r = (bo_cur_t){.db = db, .sql = sql};
        kerr_t rc = K_OK;
        if (PG(db))
            rc = bo__pg_prepare(db, r, msg);
        else if (sqlite3_prepare_v3(db->lite, sql, -1, SQLITE_PREPARE_PERSISTENT, &r->st, NULL) != SQLITE_OK)
            rc = kmsg_set(msg, K_EIO, "database error preparing a query: %s", sqlite3_errmsg(db->lite));
        if (rc) {
            *r = (bo_cur_t){0};
            return rc;
        }
        *st = r;
        return K_OK;
    }
    return kmsg_set(msg, K_EIO, "internal: more than %d kept statements", BO_DB_KEPT);
}

void bo_db_close(bo_db_t *db)
{
    if (!db)
        return;
    for (int i = 0; i < BO_DB_KEPT; i++) {
        bo_db_end(&db->kept[i]);
        if (db->kept[i].st)
            sqlite3_finalize(db->kept[i].st);
    }
    if (PG(db))
        bo__pg_close(db);
    else
        sqlite3_close(db->lite);
    free(db);
}

static kerr_t translate(bo_db_t *db, int src, const char *doing, kmsg_t *msg)
{
    kerr_t code = (src & 0xff) == SQLITE_CONSTRAINT ? K_ECONFLICT : K_EIO;
    return kmsg_set(msg, code, "database error while %s: %s", doing, sqlite3_errmsg(db->lite));
}

static kerr_t exec(bo_db_t *db, const char *sql, const char *doing, kmsg_t *msg)
{
    if (PG(db))
        return bo__pg_exec(db, sql, doing, msg);
    char *err = NULL;
    int src = sqlite3_exec(db->lite, sql, NULL, NULL, &err);
    if (src == SQLITE_OK)
        return K_OK;
    kerr_t code = (src & 0xff) == SQLITE_CONSTRAINT ? K_ECONFLICT : K_EIO;
    kmsg_set(msg, code, "database error while %s: %s", doing, err ? err : sqlite3_errstr(src));
    sqlite3_free(err);
    return code;
}

/* PostgreSQL: every writing transaction of every instance takes this lock
 * first (held until it ends, released by the server if the instance dies),
 * so that they run one at a time as SQLite's BEGIN IMMEDIATE does: the
 * back office's read-then-write sequences stay correct whichever instance
 * runs them, and rows get their identity values in commit order. Keyed
 * transactions take it shared, so that they run beside each other but
 * never beside one of those. The number is the one migrations use plus
 * one (docs/instances.md). */
#define PG_WRITE_LOCK "SELECT pg_advisory_xact_lock(7261544)"
#define PG_WRITE_LOCK_SHARED "SELECT pg_advisory_xact_lock_shared(7261544)"

/* A write a keyed transaction may not make: refused, and the transaction
 * can no longer commit (whatever the caller does with the refusal). */
static kerr_t refuse(bo_db_t *db, const char *doing, kmsg_t *msg)
{
    db->refused = true;
    return kmsg_set(msg, K_EBUSY, "%s needs the whole write lock", doing);
}

kerr_t bo_db_exec(bo_db_t *db, const char *sql, const char *doing, kmsg_t *msg)
{
    return db->keyed ? refuse(db, doing, msg) : exec(db, sql, doing, msg);
}

kerr_t bo_db_begin(bo_db_t *db, kmsg_t *msg)
{
    db->keyed = db->refused = false;
    if (PG(db) && bo__pg_ready(db, true, msg))
        return K_EIO;
    return exec(db, PG(db) ? "BEGIN; " PG_WRITE_LOCK : "BEGIN IMMEDIATE", "starting", msg);
}

/* FNV-1a of the key's text, taken as PostgreSQL's two-part advisory key:
 * a space apart from the one-number locks above. */
uint64_t bo_db_key_number(const char *key)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *key; key++)
        h = (h ^ (uint8_t)*key) * 1099511628211ULL;
    return h;
}

static int by_number(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The most key locks a keyed transaction takes: PostgreSQL's lock table
 * holds max_locks_per_transaction (64 by default) times its connections
 * in all, shared by every session; a transaction with more keys takes the
 * write lock exclusive instead (docs/instances.md). */
#define KEYS_MAX 256

/* "BEGIN; " the shared write lock, then each key's lock in ascending
 * order (once each); NULL if out of memory or more than KEYS_MAX keys. */
static char *keyed_begin_sql(const char *const *keys, size_t n)
{
    static const char head[] = "BEGIN; " PG_WRITE_LOCK_SHARED ";";
    uint64_t *k = malloc((n ? n : 1) * sizeof *k);
    size_t cap = sizeof head + n * 56, len, distinct = 0;
    char *sql = k ? malloc(cap) : NULL;
    for (size_t i = 0; sql && i < n; i++)
        k[i] = bo_db_key_number(keys[i]);
    if (sql)
        qsort(k, n, sizeof *k, by_number);
    len = sql ? (size_t)snprintf(sql, cap, "%s", head) : 0;
    for (size_t i = 0; sql && i < n && distinct <= KEYS_MAX; i++)
        if (i == 0 || k[i] != k[i - 1]) {
            distinct++;
            len += (size_t)snprintf(sql + len, cap - len, " SELECT pg_advisory_xact_lock(%d, %d);",
                                    (int32_t)(uint32_t)(k[i] >> 32), (int32_t)(uint32_t)k[i]);
        }
    free(k);
    if (distinct > KEYS_MAX) {
        free(sql);
        return NULL;
    }
    return sql;
}

kerr_t bo_db_begin_keyed(bo_db_t *db, const char *const *keys, size_t n, kmsg_t *msg)
{
    char *sql = PG(db) ? keyed_begin_sql(keys, n) : NULL;
    if (!sql) /* SQLite, too many keys, or out of memory: the whole lock */
        return bo_db_begin(db, msg);
    db->keyed = db->refused = false;
    kerr_t rc = bo__pg_ready(db, true, msg) ? K_EIO : exec(db, sql, "starting", msg);
    free(sql);
    db->keyed = rc == K_OK;
    return rc;
}

kerr_t bo_db_commit(bo_db_t *db, kmsg_t *msg)
{
    if (db->refused) {
        bo_db_rollback(db);
        return kmsg_set(msg, K_EBUSY, "the transaction needs the whole write lock");
    }
    db->keyed = false;
    return exec(db, "COMMIT", "committing", msg);
}

void bo_db_rollback(bo_db_t *db)
{
    db->keyed = db->refused = false;
    if (PG(db))
        bo__pg_rollback(db);
    else if (!sqlite3_get_autocommit(db->lite))
        exec(db, "ROLLBACK", "abandoning", NULL);
}

kerr_t bo_db_ping(bo_db_t *db, int timeout_ms, kmsg_t *msg)
{
    if (PG(db))
        return bo__pg_ping(db, timeout_ms, msg);
    int64_t one = 0;
    kerr_t rc = bo_db_int(db, "SELECT count(*) FROM sqlite_schema", NULL, &one, msg);
    return rc;
}

kerr_t bo_db_int(bo_db_t *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg)
{
    if (PG(db))
        return bo__pg_int(db, sql, param, out, msg);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) != SQLITE_OK)
        return kmsg_set(msg, K_EIO, "database error preparing a query: %s", sqlite3_errmsg(db->lite));
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return kmsg_set(msg, K_EIO, "database error reading a value: %s", sqlite3_errmsg(db->lite));
    return K_OK;
}

kerr_t bo_db_text(bo_db_t *db, const char *sql, char *out, size_t len, bool *found, kmsg_t *msg)
{
    if (PG(db))
        return bo__pg_text(db, sql, out, len, found, msg);
    sqlite3_stmt *st;
    *found = false;
    snprintf(out, len, "%s", "");
    if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) != SQLITE_OK)
        return kmsg_set(msg, K_EIO, "database error preparing a query: %s", sqlite3_errmsg(db->lite));
    int src = sqlite3_step(st);
    *found = src == SQLITE_ROW;
    if (*found && sqlite3_column_text(st, 0))
        snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return kmsg_set(msg, K_EIO, "database error reading a value: %s", sqlite3_errmsg(db->lite));
    return K_OK;
}

int bo_db_version(bo_db_t *db)
{
    int64_t v = -1;
    const char *sql = PG(db) ? "SELECT coalesce(max(version), 0) FROM bo_schema_version" : "PRAGMA user_version";
    if (bo_db_int(db, sql, NULL, &v, NULL) != K_OK)
        return -1;
    return (int)v;
}

static void bind(sqlite3_stmt *st, const char *types, va_list ap)
{
    for (int i = 1; *types; types++, i++) {
        if (*types == 't') {
            const char *t = va_arg(ap, const char *);
            sqlite3_bind_text(st, i, t ? t : "", -1, SQLITE_TRANSIENT);
        } else if (*types == 'i') {
            sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
        } else if (*types == 'p') {
            int64_t v = va_arg(ap, int64_t);
            if (v > 0)
                sqlite3_bind_int64(st, i, v);
        } else if (*types == 's') {
            const char *t = va_arg(ap, const char *);
            int n = va_arg(ap, int);
            sqlite3_bind_text(st, i, t, n, SQLITE_TRANSIENT);
        } else if (*types == 'b') {
            const void *p = va_arg(ap, const void *);
            int n = va_arg(ap, int);
            sqlite3_bind_blob(st, i, p, n, SQLITE_STATIC);
        }
    }
}

void bo_db_end(bo_cur_t *st)
{
    if (!st)
        return;
    if (st->st) {
        sqlite3_reset(st->st);
        sqlite3_clear_bindings(st->st);
    }
    if (st->res)
        bo__pg_end(st);
}

/* Binds and runs st once: *row says whether a row is ready (SQLite) or
 * whether the result has one (PostgreSQL). */
static kerr_t run(bo_db_t *db, bo_cur_t *st, bool *row, const char *doing, kmsg_t *msg, const char *types,
                  va_list ap)
{
    if (PG(db)) {
        kerr_t rc = bo__pg_run(db, st, types, ap, doing, msg);
        *row = rc == K_OK && st->rows > 0;
        return rc;
    }
    bind(st->st, types, ap);
    int src = sqlite3_step(st->st);
    *row = src == SQLITE_ROW;
    if (src == SQLITE_ROW || src == SQLITE_DONE)
        return K_OK;
    return translate(db, src, doing, msg);
}

/* bo_db_write's body; keyed: the write may run in a keyed transaction. */
static kerr_t write_v(bo_db_t *db, bool keyed, bool *changed, kmsg_t *msg, const char *doing, const char *sql,
                      const char *types, va_list ap)
{
    if (db->keyed && !keyed)
        return refuse(db, doing, msg);
    bo_cur_t *st;
    kerr_t rc = kept(db, sql, &st, msg);
    if (rc)
        return rc;
    bool alone = PG(db) && !bo__pg_in_txn(db); /* a write outside a transaction: one of its own */
    if (alone && (rc = bo_db_begin(db, msg)) != K_OK)
        return rc;
    bool row;
    db->writing = true;
    rc = run(db, st, &row, doing, msg, types, ap);
    db->writing = false;
    if (alone && rc == K_OK)
        rc = bo_db_commit(db, msg);
    else if (alone)
        bo_db_rollback(db);
    while (rc == K_OK && row && !PG(db))
        row = bo_db_next(db, st, &rc, msg);
    if (!PG(db))
        db->changes = rc == K_OK ? sqlite3_changes(db->lite) : 0;
    if (changed)
        *changed = rc == K_OK && db->changes > 0;
    bo_db_end(st);
    return rc;
}

kerr_t bo_db_write(bo_db_t *db, bool *changed, kmsg_t *msg, const char *doing, const char *sql, const char *types,
                   ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = write_v(db, false, changed, msg, doing, sql, types, ap);
    va_end(ap);
    return rc;
}

kerr_t bo_db_write_keyed(bo_db_t *db, bool *changed, kmsg_t *msg, const char *doing, const char *sql,
                         const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = write_v(db, true, changed, msg, doing, sql, types, ap);
    va_end(ap);
    return rc;
}

int64_t bo_db_changes(bo_db_t *db)
{
    return db->changes;
}

int64_t bo_db_last_id(bo_db_t *db)
{
    int64_t id = 0;
    if (PG(db))
        bo__pg_int(db, "SELECT lastval()", NULL, &id, NULL);
    else
        id = sqlite3_last_insert_rowid(db->lite);
    return id;
}

static kerr_t first_v(bo_db_t *db, bo_cur_t **st, bool *found, kmsg_t *msg, const char *sql, const char *types,
                      va_list ap)
{
    *found = false;
    *st = NULL;
    kerr_t rc = kept(db, sql, st, msg);
    if (rc)
        return rc;
    rc = run(db, *st, found, "reading", msg, types, ap);
    if (rc == K_OK)
        return K_OK;
    bo_db_end(*st);
    *st = NULL;
    return rc == K_ECONFLICT ? K_EIO : rc;
}

kerr_t bo_db_first(bo_db_t *db, bo_cur_t **st, bool *found, kmsg_t *msg, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = first_v(db, st, found, msg, sql, types, ap);
    va_end(ap);
    return rc;
}

/* The first column of sql's first row as an integer into *i, or as text
 * into text (len bytes; "" if no row); *found if there was a row. */
static kerr_t get(bo_db_t *db, int64_t *i, char *text, size_t len, bool *found, kmsg_t *msg, const char *sql,
                  const char *types, va_list ap)
{
    bo_cur_t *st;
    bool row;
    kerr_t rc = first_v(db, &st, &row, msg, sql, types, ap);
    if (i && rc == K_OK && row && !bo_cur_null(st, 0))
        *i = bo_cur_int(st, 0);
    if (text && len)
        snprintf(text, len, "%s", rc == K_OK && row ? bo_db_col(st, 0) : "");
    if (found)
        *found = row;
    bo_db_end(st);
    return rc;
}

kerr_t bo_db_get_int(bo_db_t *db, int64_t *out, bool *found, kmsg_t *msg, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = get(db, out, NULL, 0, found, msg, sql, types, ap);
    va_end(ap);
    return rc;
}

kerr_t bo_db_get_text(bo_db_t *db, char *out, size_t len, bool *found, kmsg_t *msg, const char *sql,
                      const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = get(db, NULL, out, len, found, msg, sql, types, ap);
    va_end(ap);
    return rc;
}

bool bo_db_next(bo_db_t *db, bo_cur_t *st, kerr_t *rc, kmsg_t *msg)
{
    if (PG(db))
        return ++st->row < st->rows;
    int src = sqlite3_step(st->st);
    if (src == SQLITE_ROW)
        return true;
    if (src != SQLITE_DONE)
        *rc = kmsg_set(msg, K_EIO, "database error reading: %s", sqlite3_errmsg(db->lite));
    return false;
}

const char *bo_db_col(bo_cur_t *st, int i)
{
    if (st->res)
        return bo__pg_col(st, i);
    const unsigned char *t = sqlite3_column_text(st->st, i);
    return t ? (const char *)t : "";
}

void bo_db_copy(bo_cur_t *st, int i, char *out, size_t len)
{
    snprintf(out, len, "%s", bo_db_col(st, i));
}

int64_t bo_cur_int(bo_cur_t *st, int i)
{
    if (st->res)
        return strtoll(bo__pg_col(st, i), NULL, 10);
    return sqlite3_column_int64(st->st, i);
}

bool bo_cur_null(bo_cur_t *st, int i)
{
    return st->res ? bo__pg_null(st, i) : sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

int bo_cur_cols(bo_cur_t *st)
{
    return st->res ? bo__pg_cols(st) : sqlite3_column_count(st->st);
}

const char *bo_cur_name(bo_cur_t *st, int i)
{
    return st->res ? bo__pg_name(st, i) : sqlite3_column_name(st->st, i);
}

bo_cell_t bo_cur_kind(bo_cur_t *st, int i)
{
    if (st->res)
        return bo__pg_kind(st, i);
    int t = sqlite3_column_type(st->st, i);
    return t == SQLITE_INTEGER ? BO_CELL_INT : t == SQLITE_TEXT ? BO_CELL_TEXT : BO_CELL_OTHER;
}

const char *bo_db_error(bo_db_t *db)
{
    return PG(db) ? bo__pg_error(db) : sqlite3_errmsg(db->lite);
}

