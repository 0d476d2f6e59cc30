/* SQLite helpers (bo_db.h): SQLite's codes become kerr_t only here. */
#include "backoffice/store_sqlite/bo_db.h"

#include <stdarg.h>
#include <stdio.h>

#define CACHE_SIZE 256

/* Prepared statements kept across calls, by connection and SQL text
 * address: open addressing on the address. */
static struct cached {
    sqlite3 *db;
    const char *sql;
    sqlite3_stmt *st;
} cache[CACHE_SIZE];

static kerr_t kept(sqlite3 *db, const char *sql, sqlite3_stmt **st, kmsg_t *msg)
{
    size_t h = ((uintptr_t)sql >> 3) % CACHE_SIZE;
    for (size_t n = 0; n < CACHE_SIZE; n++, h = (h + 1) % CACHE_SIZE) {
        if (cache[h].db == db && cache[h].sql == sql) {
            *st = cache[h].st;
            return K_OK;
        }
        if (cache[h].db)
            continue;
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
            return kmsg_set(msg, K_EIO, "database error preparing a query: %s", sqlite3_errmsg(db));
        cache[h] = (struct cached){db, sql, *st};
        return K_OK;
    }
    return kmsg_set(msg, K_EIO, "internal: more than %d kept statements", CACHE_SIZE);
}

/* Slots are freed only when their connection closes; a statement of
 * another connection found later past a slot freed so is prepared again
 * (and both are finalized when that connection closes). */
void bo_db_close(sqlite3 *db)
{
    for (int i = 0; i < CACHE_SIZE; i++)
        if (cache[i].db == db) {
            sqlite3_finalize(cache[i].st);
            cache[i] = (struct cached){0};
        }
    sqlite3_close(db);
}

static kerr_t translate(sqlite3 *db, int src, const char *doing, kmsg_t *msg)
{
    kerr_t code = (src & 0xff) == SQLITE_CONSTRAINT ? K_ECONFLICT : K_EIO;
    return kmsg_set(msg, code, "database error while %s: %s", doing, sqlite3_errmsg(db));
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

kerr_t bo_db_int(sqlite3 *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return kmsg_set(msg, K_EIO, "database error preparing a query: %s", sqlite3_errmsg(db));
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return kmsg_set(msg, K_EIO, "database error reading a value: %s", sqlite3_errmsg(db));
    return K_OK;
}

int bo_db_version(sqlite3 *db)
{
    int64_t v = -1;
    if (bo_db_int(db, "PRAGMA user_version", NULL, &v, NULL) != K_OK)
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

void bo_db_end(sqlite3_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

kerr_t bo_db_write(sqlite3 *db, bool *changed, kmsg_t *msg, const char *doing, const char *sql, const char *types,
                   ...)
{
    sqlite3_stmt *st;
    kerr_t rc = kept(db, sql, &st, msg);
    if (rc)
        return rc;
    va_list ap;
    va_start(ap, types);
    bind(st, types, ap);
    va_end(ap);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        ;
    rc = src == SQLITE_DONE ? K_OK : translate(db, src, doing, msg);
    if (changed)
        *changed = rc == K_OK && sqlite3_changes(db) > 0;
    bo_db_end(st);
    return rc;
}

static kerr_t first_v(sqlite3 *db, sqlite3_stmt **st, bool *found, kmsg_t *msg, const char *sql, const char *types,
                      va_list ap)
{
    *found = false;
    *st = NULL;
    kerr_t rc = kept(db, sql, st, msg);
    if (rc)
        return rc;
    bind(*st, types, ap);
    int src = sqlite3_step(*st);
    *found = src == SQLITE_ROW;
    if (src == SQLITE_ROW || src == SQLITE_DONE)
        return K_OK;
    rc = kmsg_set(msg, K_EIO, "database error reading: %s", sqlite3_errmsg(db));
    bo_db_end(*st);
    *st = NULL;
    return rc;
}

kerr_t bo_db_first(sqlite3 *db, sqlite3_stmt **st, bool *found, kmsg_t *msg, const char *sql, const char *types,
                   ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = first_v(db, st, found, msg, sql, types, ap);
    va_end(ap);
    return rc;
}

/* The first column of sql's first row as an integer into *i, or as text
 * into text (len bytes; "" if no row); *found if there was a row. */
static kerr_t get(sqlite3 *db, int64_t *i, char *text, size_t len, bool *found, kmsg_t *msg, const char *sql,
                  const char *types, va_list ap)
{
    sqlite3_stmt *st;
    bool row;
    kerr_t rc = first_v(db, &st, &row, msg, sql, types, ap);
    if (i && rc == K_OK && row && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *i = sqlite3_column_int64(st, 0);
    if (text && len)
        snprintf(text, len, "%s", rc == K_OK && row ? bo_db_col(st, 0) : "");
    if (found)
        *found = row;
    bo_db_end(st);
    return rc;
}

kerr_t bo_db_get_int(sqlite3 *db, int64_t *out, bool *found, kmsg_t *msg, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = get(db, out, NULL, 0, found, msg, sql, types, ap);
    va_end(ap);
    return rc;
}

kerr_t bo_db_get_text(sqlite3 *db, char *out, size_t len, bool *found, kmsg_t *msg, const char *sql,
                      const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    kerr_t rc = get(db, NULL, out, len, found, msg, sql, types, ap);
    va_end(ap);
    return rc;
}

bool bo_db_next(sqlite3 *db, sqlite3_stmt *st, kerr_t *rc, kmsg_t *msg)
{
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        return true;
    if (src != SQLITE_DONE)
        *rc = kmsg_set(msg, K_EIO, "database error reading: %s", sqlite3_errmsg(db));
    return false;
}

const char *bo_db_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

void bo_db_copy(sqlite3_stmt *st, int i, char *out, size_t len)
{
    snprintf(out, len, "%s", bo_db_col(st, i));
}
