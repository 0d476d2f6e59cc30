/* The SQLite store's online backup (the backup op, docs/backup.md):
 * SQLite's backup API copies every page in one read transaction, so the
 * copy is the database as it stood at one instant while `backoffice
 * serve` goes on writing (WAL: readers do not block the writer). The copy
 * is made beside its final name, checked (PRAGMA integrity_check), synced,
 * and only then linked to that name, which it never overwrites. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/store_sqlite/bo_db_int.h"
#include "backoffice/store_sqlite/bo_sq_int.h"

enum { BUSY_TRIES = 200, BUSY_WAIT_MS = 50 };

static kerr_t lite_fail(sqlite3 *db, const char *doing, kmsg_t *msg)
{
    return kmsg_set(msg, K_EIO, "backup: %s: %s", doing, db ? sqlite3_errmsg(db) : "out of memory");
}

/* Copies src's main database into dst in one step (one snapshot),
 * waiting while a writer holds a lock the copy needs. */
static kerr_t copy_pages(sqlite3 *src, sqlite3 *dst, bo_backup_info_t *out, kmsg_t *msg)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b)
        return lite_fail(dst, "cannot start the copy", msg);
    int rc = SQLITE_OK;
    for (int i = 0; i < BUSY_TRIES; i++) {
        rc = sqlite3_backup_step(b, -1);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        sqlite3_sleep(BUSY_WAIT_MS);
    }
    out->pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return kmsg_set(msg, K_EIO, "backup: the copy stopped: %s", sqlite3_errstr(rc));
    return K_OK;
}

/* The copy's integrity check, its size and schema version. */
static kerr_t check_copy(sqlite3 *dst, bo_backup_info_t *out, kmsg_t *msg)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return lite_fail(dst, "cannot check the copy", msg);
    int rc = sqlite3_step(st);
    const char *verdict = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    bool ok = verdict && strcmp(verdict, "ok") == 0;
    if (!ok)
        kmsg_set(msg, K_ECORRUPT, "backup: the copy fails its integrity check: %s",
                 verdict ? verdict : sqlite3_errmsg(dst));
    sqlite3_finalize(st);
    if (!ok)
        return K_ECORRUPT;
    int page_size = 0;
    if (sqlite3_prepare_v2(dst, "SELECT (SELECT user_version FROM pragma_user_version),"
                                " (SELECT page_size FROM pragma_page_size)", -1, &st, NULL) != SQLITE_OK)
        return lite_fail(dst, "cannot read the copy's schema version", msg);
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->schema = sqlite3_column_int(st, 0);
        page_size = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    out->bytes = out->pages * page_size;
    return K_OK;
}

/* Makes the copy at tmp (created here, mode 600) and checks it. */
static kerr_t make_copy(sqlite3 *src, const char *tmp, bo_backup_info_t *out, kmsg_t *msg)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return kmsg_set(msg, K_EIO, "backup: cannot create %s: %s", tmp, strerror(errno));
    close(fd);
    sqlite3 *dst = NULL;
    kerr_t rc = K_OK;
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        rc = lite_fail(dst, "cannot open the copy", msg);
    if (rc == K_OK)
        rc = copy_pages(src, dst, out, msg);
    if (rc == K_OK)
        rc = check_copy(dst, out, msg);
    if (sqlite3_close(dst) != SQLITE_OK && rc == K_OK)
        rc = lite_fail(dst, "cannot close the copy", msg);
    return rc;
}

/* Syncs the file at path (a folder too: the new name in it). */
static kerr_t sync_path(const char *path, kmsg_t *msg)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        kmsg_set(msg, K_EIO, "backup: cannot sync %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return K_EIO;
    }
    close(fd);
    return K_OK;
}

/* The folder path is in ("." for a bare name). */
static void folder_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, len, ".");
    else if (slash == path)
        snprintf(out, len, "/");
    else
        snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* Gives the checked copy at tmp its final name, never over a file. */
static kerr_t publish(const char *tmp, const char *path, kmsg_t *msg)
{
    char dir[PATH_MAX];
    kerr_t rc = sync_path(tmp, msg);
    if (rc == K_OK && link(tmp, path) != 0)
        rc = kmsg_set(msg, errno == EEXIST ? K_ECONFLICT : K_EIO, "backup: cannot name the copy %s: %s", path,
                      strerror(errno));
    folder_of(path, dir, sizeof dir);
    if (rc == K_OK)
        rc = sync_path(dir, msg);
    return rc;
}

kerr_t bo__sq_backup(void *ctx, const char *path, bo_backup_info_t *out, kmsg_t *msg)
{
    bo_db_t *db = ctx;
    *out = (bo_backup_info_t){0};
    if (db->engine == BO_ENGINE_POSTGRESQL)
        return kmsg_set(msg, K_ESTATE, "backup: the database is PostgreSQL's: back it up with pg_basebackup and "
                                       "WAL archiving (packaging/backup/, docs/backup.md)");
    if (access(path, F_OK) == 0)
        return kmsg_set(msg, K_ECONFLICT, "backup: %s exists; name a new file", path);
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.part-%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return kmsg_set(msg, K_EINVAL, "backup: the path is too long");
    kerr_t rc = make_copy(db->lite, tmp, out, msg);
    if (rc == K_OK)
        rc = publish(tmp, path, msg);
    unlink(tmp);
    return rc;
}
