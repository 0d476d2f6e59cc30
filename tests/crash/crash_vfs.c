/* The power-cut VFS (crash_vfs.h): SQLite's "unix" VFS with every write,
 * truncate, sync and delete of a database, WAL or journal also told to
 * crash_disk, which keeps what a disk would keep. Everything else passes
 * through unchanged. */
#include "crash_vfs.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crash_disk.h"

typedef struct cv_file {
    sqlite3_file base;
    disk_file_t *disk;  /* NULL: a temporary file, not tracked */
    sqlite3_file *real; /* the unix VFS's file, right after this struct */
} cv_file_t;

static sqlite3_vfs *unix_vfs;
static crash_vfs_opts_t opts;
static long ops;
static char *trace; /* one letter per operation */
static size_t trace_cap;

#define REAL(f) (((cv_file_t *)(f))->real)

/* Counts one operation on a tracked file; cuts the power before the
 * chosen one. */
static void op(cv_file_t *f, const char *what, long long a, long long b)
{
    if ((size_t)ops + 2 > trace_cap) {
        trace_cap = trace_cap ? trace_cap * 2 : 1024;
        if (!(trace = realloc(trace, trace_cap)))
            abort();
    }
    trace[ops] = what[0];
    trace[ops + 1] = '\0';
    if (++ops != opts.cut_at_op)
        return;
    char why[256];
    snprintf(why, sizeof why, "op %ld: %s %lld %lld of %s", ops, what, a, b, disk_name(f->disk));
    crash_vfs_cut(why);
}

static int cv_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int cv_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int cv_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    cv_file_t *c = (cv_file_t *)f;
    if (c->disk)
        op(c, "write", n, off);
    int rc = REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
    if (rc == SQLITE_OK && c->disk)
        disk_write(c->disk, off, buf, n);
    return rc;
}

static int cv_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    cv_file_t *c = (cv_file_t *)f;
    if (c->disk)
        op(c, "truncate", size, 0);
    int rc = REAL(f)->pMethods->xTruncate(REAL(f), size);
    if (rc == SQLITE_OK && c->disk)
        disk_truncate(c->disk, size);
    return rc;
}

static int cv_sync(sqlite3_file *f, int flags)
{
    cv_file_t *c = (cv_file_t *)f;
    if (c->disk)
        op(c, "sync", flags, 0);
    int rc = REAL(f)->pMethods->xSync(REAL(f), flags);
    if (rc == SQLITE_OK && c->disk)
        disk_sync(c->disk);
    return rc;
}

static int cv_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int cv_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int cv_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int cv_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int cv_control(sqlite3_file *f, int op_code, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op_code, arg);
}

static int cv_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int cv_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int cv_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, out);
}

static int cv_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void cv_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int cv_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static int cv_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int cv_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods cv_methods = {
    .iVersion = 3,
    .xClose = cv_close,
    .xRead = cv_read,
    .xWrite = cv_write,
    .xTruncate = cv_truncate,
    .xSync = cv_sync,
    .xFileSize = cv_size,
    .xLock = cv_lock,
    .xUnlock = cv_unlock,
    .xCheckReservedLock = cv_check_lock,
    .xFileControl = cv_control,
    .xSectorSize = cv_sector,
    .xDeviceCharacteristics = cv_device,
    .xShmMap = cv_shm_map,
    .xShmLock = cv_shm_lock,
    .xShmBarrier = cv_shm_barrier,
    .xShmUnmap = cv_shm_unmap,
    .xFetch = cv_fetch,
    .xUnfetch = cv_unfetch,
};

/* The files whose content outlives the process: the rest SQLite deletes
 * when it closes them. */
static bool durable_kind(int flags)
{
    return flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL | SQLITE_OPEN_SUPER_JOURNAL);
}

static int cv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    cv_file_t *c = (cv_file_t *)f;
    c->real = (sqlite3_file *)(c + 1);
    c->disk = NULL;
    struct stat st;
    bool track = name && durable_kind(flags) && !(flags & SQLITE_OPEN_DELETEONCLOSE);
    bool existed = track && stat(name, &st) == 0;
    int rc = unix_vfs->xOpen(unix_vfs, name, c->real, flags, out_flags);
    if (rc != SQLITE_OK || !c->real->pMethods) {
        f->pMethods = NULL;
        return rc;
    }
    if (track)
        c->disk = disk_open(name, !existed);
    f->pMethods = &cv_methods;
    return SQLITE_OK;
}

static int cv_delete(sqlite3_vfs *vfs, const char *name, int dir_sync)
{
    (void)vfs;
    int rc = unix_vfs->xDelete(unix_vfs, name, dir_sync);
    if (rc == SQLITE_OK)
        disk_delete(name, dir_sync != 0);
    return rc;
}

static int cv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return unix_vfs->xAccess(unix_vfs, name, flags, out);
}

static int cv_full_path(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return unix_vfs->xFullPathname(unix_vfs, name, n, out);
}

static void *cv_dl_open(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return unix_vfs->xDlOpen(unix_vfs, name);
}

static void cv_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    unix_vfs->xDlError(unix_vfs, n, out);
}

static void (*cv_dl_sym(sqlite3_vfs *vfs, void *lib, const char *name))(void)
{
    (void)vfs;
    return unix_vfs->xDlSym(unix_vfs, lib, name);
}

static void cv_dl_close(sqlite3_vfs *vfs, void *lib)
{
    (void)vfs;
    unix_vfs->xDlClose(unix_vfs, lib);
}

static int cv_random(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return unix_vfs->xRandomness(unix_vfs, n, out);
}

static int cv_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return unix_vfs->xSleep(unix_vfs, us);
}

static int cv_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return unix_vfs->xCurrentTime(unix_vfs, out);
}

static int cv_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return unix_vfs->xGetLastError(unix_vfs, n, out);
}

static int cv_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return unix_vfs->xCurrentTimeInt64(unix_vfs, out);
}

static sqlite3_vfs cv_vfs = {
    .iVersion = 2,
    .zName = "crash-power-cut",
    .xOpen = cv_open,
    .xDelete = cv_delete,
    .xAccess = cv_access,
    .xFullPathname = cv_full_path,
    .xDlOpen = cv_dl_open,
    .xDlError = cv_dl_error,
    .xDlSym = cv_dl_sym,
    .xDlClose = cv_dl_close,
    .xRandomness = cv_random,
    .xSleep = cv_sleep,
    .xCurrentTime = cv_time,
    .xGetLastError = cv_last_error,
    .xCurrentTimeInt64 = cv_time64,
};

bool crash_vfs_install(const crash_vfs_opts_t *o)
{
    opts = *o;
    if (!(unix_vfs = sqlite3_vfs_find("unix")))
        return false;
    cv_vfs.szOsFile = (int)sizeof(cv_file_t) + unix_vfs->szOsFile;
    cv_vfs.mxPathname = unix_vfs->mxPathname;
    return sqlite3_vfs_register(&cv_vfs, 1) == SQLITE_OK;
}

void crash_vfs_cut(const char *why)
{
    disk_cut(opts.seed);
    char path[600], line[400];
    snprintf(path, sizeof path, "%s/cut.log", opts.log_dir ? opts.log_dir : ".");
    snprintf(line, sizeof line, "%s%s\n", why, opts.seed ? " (a random subset of the unsynced writes landed)" : "");
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        ssize_t n = write(fd, line, strlen(line));
        (void)n;
        close(fd);
    }
    kill(getpid(), SIGKILL);
    _exit(137);
}

long crash_vfs_ops(void)
{
    return ops;
}

const char *crash_vfs_trace(void)
{
    return trace ? trace : "";
}
