/* SQLite helpers: SQLite's codes become kerr_t only here. */
#include "backoffice/store_sqlite/bo_db.h"

#define CACHE_SIZE 64

/* Prepared statements kept across requests, by connection and SQL text
 * address. Used under the server's lock (or by the one CLI thread). */
static struct cached {
    sqlite3 *db;
    const char *sql;
    sqlite3_stmt *st;
} cache[CACHE_SIZE];

kerr_t bo_db_cached(sqlite3 *db, const char *sql, sqlite3_stmt **st, kmsg_t *msg)
{
    int free_slot = -1;
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (cache[i].db == db && cache[i].sql == sql) {
            *st = cache[i].st;
            return K_OK;
        }
        if (!cache[i].db && free_slot < 0)
            free_slot = i;
    }
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return kmsg_set(msg, K_EIO, "database error preparing a query: %s", sqlite3_errmsg(db));
    if (free_slot >= 0)
        cache[free_slot] = (struct cached){db, sql, *st};
    else
        return kmsg_set(msg, K_EIO, "internal: more than %d cached statements", CACHE_SIZE);
    return K_OK;
}

kerr_t bo_db_done(sqlite3 *db, sqlite3_stmt *st, const char *doing, kmsg_t *msg)
{
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        ;
    kerr_t code = src == SQLITE_DONE ? K_OK : (src & 0xff) == SQLITE_CONSTRAINT ? K_ECONFLICT : K_EIO;
    if (code)
        kmsg_set(msg, code, "database error while %s: %s", doing, sqlite3_errmsg(db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return code;
}

void bo_db_close(sqlite3 *db)
{
    for (int i = 0; i < CACHE_SIZE; i++)
        if (cache[i].db == db) {
            sqlite3_finalize(cache[i].st);
            cache[i] = (struct cached){0};
        }
    sqlite3_close(db);
}

kerr_t bo_db_exec(sqlite3 *db, const char *sql, const char *doing, kmsg_t *msg)
{
    char *err = NULL;
    int src = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (src == SQLITE_OK)
        return K_OK;
    kerr_t code = (src & 0xff) == SQLITE_CONSTRAINT ? K_ECONFLICT : K_EIO;
    kmsg_set(msg, code, "database error while %s: %s", doing, err ? err : sqlite3_errstr(src));
    sqlite3_free(err);
    return code;
}

kerr_t bo_db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, kmsg_t *msg)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
        return K_OK;
    return kmsg_set(msg, K_EIO, "database error preparing a query: %s", sqlite3_errmsg(db));
}

kerr_t bo_db_run(sqlite3 *db, sqlite3_stmt *st, const char *doing, kmsg_t *msg)
{
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        return K_OK;
    kerr_t code = (src & 0xff) == SQLITE_CONSTRAINT ? K_ECONFLICT : K_EIO;
    return kmsg_set(msg, code, "database error while %s: %s", doing, sqlite3_errmsg(db));
}

void bo_db_text(sqlite3_stmt *st, int i, const char *text)
{
    sqlite3_bind_text(st, i, text ? text : "", -1, SQLITE_TRANSIENT);
}

kerr_t bo_db_int(sqlite3 *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, sql, &st, msg);
    if (rc)
        return rc;
    if (param)
        bo_db_text(st, 1, param);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return kmsg_set(msg, K_EIO, "database error reading a value: %s", sqlite3_errmsg(db));
    return K_OK;
}

const char *bo_db_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

int bo_db_version(sqlite3 *db)
{
    int64_t v = -1;
    if (bo_db_int(db, "PRAGMA user_version", NULL, &v, NULL) != K_OK)
        return -1;
    return (int)v;
}
