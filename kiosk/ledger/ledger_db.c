/* Opening the ledger file and the SQLite helpers every part uses. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiosk/app/log.h"
#include "kiosk/ledger/ledger_int.h"

kerr_t ledger__err(ledger_t *l, int rc, const char *what, kmsg_t *msg)
{
    const char *text = l && l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc);
    kerr_t code;
    switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: code = K_EBUSY; break;
    case SQLITE_CONSTRAINT: code = K_ECONFLICT; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: code = K_ECORRUPT; break;
    default: code = K_EIO; break;
    }
    return kmsg_set(msg, code, "%s: %s", what, text);
}

kerr_t ledger__exec(ledger_t *l, const char *sql, kmsg_t *msg)
{
    int rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? K_OK : ledger__err(l, rc, "ledger", msg);
}

kerr_t ledger__prepare(ledger_t *l, const char *sql, sqlite3_stmt **st, kmsg_t *msg)
{
    int rc = sqlite3_prepare_v2(l->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? K_OK : ledger__err(l, rc, "ledger query", msg);
}

kerr_t ledger__cached(ledger_t *l, const char *sql, sqlite3_stmt **st, kmsg_t *msg)
{
    for (int i = 0; i < l->n_cached; i++)
        if (l->cache[i].sql == sql) {
            *st = l->cache[i].st;
            sqlite3_clear_bindings(*st);
            return K_OK;
        }
    int rc = sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK)
        return ledger__err(l, rc, "ledger query", msg);
    if (l->n_cached < LEDGER_STMT_CACHE) {
        l->cache[l->n_cached].sql = sql;
        l->cache[l->n_cached++].st = *st;
    }
    return K_OK;
}

void ledger__release(ledger_t *l, sqlite3_stmt *st)
{
    for (int i = 0; i < l->n_cached; i++)
        if (l->cache[i].st == st) {
            sqlite3_reset(st);
            return;
        }
    sqlite3_finalize(st);
}

kerr_t ledger__run(ledger_t *l, sqlite3_stmt *st, const char *what, kmsg_t *msg)
{
    int rc = sqlite3_step(st);
    kerr_t e = rc == SQLITE_DONE ? K_OK : ledger__err(l, rc, what, msg);
    ledger__release(l, st);
    return e;
}

static kerr_t run_cached(ledger_t *l, const char *sql, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, sql, &st, msg);
    return rc ? rc : ledger__run(l, st, "ledger", msg);
}

kerr_t ledger__begin(ledger_t *l, kmsg_t *msg)
{
    return run_cached(l, "BEGIN IMMEDIATE", msg);
}

kerr_t ledger__commit(ledger_t *l, kmsg_t *msg)
{
    kerr_t rc = run_cached(l, "COMMIT", msg);
    if (rc != K_OK)
        ledger__rollback(l);
    return rc;
}

void ledger__rollback(ledger_t *l)
{
    if (!sqlite3_get_autocommit(l->db))
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

int64_t ledger__now(ledger_t *l)
{
    return kclock_wall(l->clk);
}

void ledger__col_text(sqlite3_stmt *st, int col, char *dst, size_t len)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    size_t n = s ? strlen((const char *)s) : 0;
    if (n >= len)
        n = len - 1;
    if (n)
        memcpy(dst, s, n);
    dst[n] = '\0';
}

void ledger__row_txn(sqlite3_stmt *st, ledger_txn_t *t)
{
    char state[32];
    memset(t, 0, sizeof *t);
    ledger__col_text(st, 0, t->id, sizeof t->id);
    ledger__col_text(st, 1, state, sizeof state);
    t->state = txn_state_from_name(state);
    ledger__col_text(st, 2, t->meter, sizeof t->meter);
    ledger__col_text(st, 3, t->customer, sizeof t->customer);
    ledger__col_text(st, 4, t->method, sizeof t->method);
    ledger__col_text(st, 5, t->channel, sizeof t->channel);
    ledger__col_text(st, 6, t->currency, sizeof t->currency);
    t->amount = sqlite3_column_int64(st, 7);
    t->paid = sqlite3_column_int64(st, 8);
    t->delivered = sqlite3_column_int64(st, 9);
    t->refunded = sqlite3_column_int64(st, 10);
    t->purchase_count = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 11);
    ledger__col_text(st, 12, t->reason, sizeof t->reason);
    t->retry_at = sqlite3_column_int64(st, 13);
    t->retries = sqlite3_column_int64(st, 14);
    t->created_at = sqlite3_column_int64(st, 15);
    t->updated_at = sqlite3_column_int64(st, 16);
    ledger__col_text(st, 17, t->card, sizeof t->card);
}

/* WAL so readers never block the writer; FULL so a commit survives power
 * loss; foreign keys so no row points at nothing. */
static kerr_t set_pragmas(ledger_t *l, kmsg_t *msg)
{
    sqlite3_busy_timeout(l->db, 5000);
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, "PRAGMA journal_mode=WAL", &st, msg);
    if (rc)
        return rc;
    bool wal = sqlite3_step(st) == SQLITE_ROW &&
               strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    if (!wal)
        return kmsg_set(msg, K_EIO, "ledger: the file system does not allow write-ahead logging");
    return ledger__exec(l, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", msg);
}

/* LEDGER_EXISTING opens without changing the schema: the file must be a
 * ledger at exactly this program's version. */
static kerr_t check_version(ledger_t *l, kmsg_t *msg)
{
    int v = ledger_schema_version(l);
    if (v == 0)
        return kmsg_set(msg, K_ENOTFOUND, "not a kiosk ledger (no schema)");
    if (v > LEDGER_SCHEMA_VERSION)
        return kmsg_set(msg, K_EVERSION, "schema version %d is newer than this program's %d; upgrade the software",
                        v, LEDGER_SCHEMA_VERSION);
    if (v < LEDGER_SCHEMA_VERSION)
        return kmsg_set(msg, K_EVERSION, "schema version %d is older than %d; run 'kioskctl recover' once to migrate it",
                        v, LEDGER_SCHEMA_VERSION);
    return K_OK;
}

kerr_t ledger_open(const char *path, ledger_open_mode_t mode, const kclock_t *clk, ledger_t **out,
                   kmsg_t *msg)
{
    struct stat sb;
    *out = NULL;
    if (mode == LEDGER_EXISTING && stat(path, &sb) != 0)
        return kmsg_set(msg, K_ENOTFOUND, "%s: no ledger there (check ledger.path)", path);
    ledger_t *l = calloc(1, sizeof *l);
    if (!l)
        return kmsg_set(msg, K_EIO, "out of memory");
    l->clk = clk;
    int flags = SQLITE_OPEN_READWRITE | (mode == LEDGER_CREATE ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &l->db, flags | SQLITE_OPEN_FULLMUTEX, NULL);
    kerr_t e = rc == SQLITE_OK ? set_pragmas(l, msg) : ledger__err(l, rc, path, msg);
    if (e == K_OK)
        e = mode == LEDGER_CREATE ? ledger__migrate(l, msg) : check_version(l, msg);
    if (e != K_OK) {
        if (rc == SQLITE_OK)
            kmsg_prefix(msg, "%s: ", path);
        ledger_close(l);
        return e;
    }
    LOG_D("ledger", "opened %s (schema %d)", path, ledger_schema_version(l));
    *out = l;
    return K_OK;
}

void ledger_close(ledger_t *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n_cached; i++)
        sqlite3_finalize(l->cache[i].st);
    sqlite3_close(l->db);
    free(l);
}

int ledger_schema_version(ledger_t *l)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(l->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}
