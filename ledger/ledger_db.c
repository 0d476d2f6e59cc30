/* Opening the ledger file and the SQLite helpers every part uses. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "ledger/ledger_int.h"

/* The ledger's file, for messages ("the ledger" if it has no name). */
static const char *file_of(ledger_t *l)
{
    const char *f = l && l->db ? sqlite3_db_filename(l->db, "main") : NULL;
    return f && f[0] ? f : "the ledger";
}

kerr_t ledger__err(ledger_t *l, int rc, const char *what, kmsg_t *msg)
{
    const char *text = l && l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc);
    kerr_t code;
    int os = l && l->db && (rc & 0xFF) == SQLITE_IOERR ? sqlite3_system_errno(l->db) : 0;
    if (os == ENOSPC || os == EDQUOT)
        rc = SQLITE_FULL; /* the write that failed ran out of room */
    else if (os == EROFS)
        rc = SQLITE_READONLY;
    if ((rc & 0xFF) == SQLITE_FULL)
        return kmsg_set(msg, K_EIO, "%s: the disk holding %s is full: nothing of this step was recorded; free space "
                                    "on it, then try again", what, file_of(l));
    if ((rc & 0xFF) == SQLITE_READONLY)
        return kmsg_set(msg, K_EIO, "%s: %s cannot be written (a read-only file, folder or file system): nothing of "
                                    "this step was recorded; make it writable for the kiosk's user", what, file_of(l));
    if ((rc & 0xFF) == SQLITE_CANTOPEN)
        return kmsg_set(msg, K_EIO, "%s: cannot open %s or the files SQLite keeps beside it (-wal, -shm): the file or "
                                    "its folder is not writable for this user, or the path is wrong", what,
                        file_of(l));
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

sale_method_t ledger__col_method(sqlite3_stmt *st, int col)
{
    char name[LEDGER_TAG_LEN];
    sale_method_t m;
    ledger__col_text(st, col, name, sizeof name);
    return sale_method_from_name(name, &m) ? m : METHOD_NONE;
}

sale_channel_t ledger__col_channel(sqlite3_stmt *st, int col)
{
    char name[LEDGER_TAG_LEN];
    sale_channel_t c;
    ledger__col_text(st, col, name, sizeof name);
    return sale_channel_from_name(name, &c) ? c : CHANNEL_REMOTE;
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
    t->method = ledger__col_method(st, 4);
    t->channel = ledger__col_channel(st, 5);
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

#define WAL_TRIES 100
#define WAL_PAUSE_US 50000

/* WAL so readers never block the writer; FULL so a commit survives power
 * loss; foreign keys so no row points at nothing. */
static kerr_t set_pragmas(ledger_t *l, kmsg_t *msg)
{
    sqlite3_busy_timeout(l->db, 5000);
    bool wal = false;
    /* A new file another program is making at the same moment keeps its
     * first journal mode while that one holds it: ask again for a while. */
    for (int tries = 0; !wal && tries < WAL_TRIES; tries++) {
        sqlite3_stmt *st;
        kerr_t rc = ledger__prepare(l, "PRAGMA journal_mode=WAL", &st, msg);
        if (rc)
            return rc;
        const unsigned char *mode = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
        wal = mode && strcmp((const char *)mode, "wal") == 0;
        sqlite3_finalize(st);
        if (!wal)
            usleep(WAL_PAUSE_US);
    }
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

/* Makes a missing ledger file mode 0600 whatever the umask (it holds PIN
 * hashes), before SQLite opens it; SQLite gives its -wal and -shm files the
 * same mode. The descriptor is closed again before SQLite locks the file. */
static kerr_t create_private(const char *path, kmsg_t *msg)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == EEXIST)
        return K_OK;
    if (fd < 0)
        return kmsg_set(msg, K_EIO, "%s: cannot create the ledger: %s (check ledger.path and that its folder is "
                                    "writable)", path, strerror(errno));
    int rc = fchmod(fd, 0600);
    close(fd);
    return rc == 0 ? K_OK : kmsg_set(msg, K_EIO, "%s: cannot make the ledger private: %s", path, strerror(errno));
}

/* A file SQLite could only open read-only: say so before anything fails
 * on it less clearly. */
static kerr_t check_writable(ledger_t *l, kmsg_t *msg)
{
    if (sqlite3_db_readonly(l->db, "main") != 1)
        return K_OK;
    return kmsg_set(msg, K_EIO, "the ledger cannot be written (a read-only file, folder or file system): the kiosk "
                                "can record nothing; make it writable for the kiosk's user");
}

kerr_t ledger_open(const char *path, ledger_open_mode_t mode, const kclock_t *clk, ledger_t **out,
                   kmsg_t *msg)
{
    struct stat sb;
    *out = NULL;
    if (mode == LEDGER_EXISTING && stat(path, &sb) != 0)
        return kmsg_set(msg, K_ENOTFOUND, "%s: no ledger there (check ledger.path)", path);
    kerr_t e = mode == LEDGER_CREATE ? create_private(path, msg) : K_OK;
    ledger_t *l = e == K_OK ? calloc(1, sizeof *l) : NULL;
    if (!l)
        return e ? e : kmsg_set(msg, K_EIO, "out of memory");
    l->clk = clk;
    l->lock_fd = -1;
    int rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL);
    e = rc == SQLITE_OK ? check_writable(l, msg) : ledger__err(l, rc, path, msg);
    if (e == K_OK)
        e = set_pragmas(l, msg);
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
    if (l->lock_fd >= 0)
        close(l->lock_fd); /* drops the lock if it was still held */
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
