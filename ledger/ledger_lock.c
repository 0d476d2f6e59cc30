/* One writer at a time (docs/ledger.md, "One writer"): a process that sells
 * or recovers holds an exclusive lock on "<ledger>.lock" for as long as a
 * transaction it started is not at rest. The kernel drops the lock when the
 * process dies, so whoever holds it next may take over every unfinished
 * transaction: none belongs to a live process any more. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timefmt.h"
#include "ledger/ledger_int.h"

#define POLL_US 50000

/* Opens "<ledger_path>.lock" (mode 0600) into *fd. */
static kerr_t open_lock(const char *ledger_path, int *fd, kmsg_t *msg)
{
    char path[LEDGER_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s.lock", ledger_path ? ledger_path : "");
    if (!ledger_path || !ledger_path[0] || n < 0 || (size_t)n >= sizeof path)
        return kmsg_set(msg, K_EINVAL, "the ledger's lock file has no path (an in-memory or over-long path)");
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (*fd < 0)
        return kmsg_set(msg, K_EIO, "%s: cannot open the ledger's lock file: %s (the ledger's folder must be writable)",
                        path, strerror(errno));
    return K_OK;
}

/* What the lock file says about its holder ("kioskctl (pid 42): sale since
 * 2026-12-01T10:00:00.000Z"), or a general phrase. */
static void holder(int fd, char *out, size_t len)
{
    ssize_t n = pread(fd, out, len - 1, 0);
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    if (!out[0])
        snprintf(out, len, "another program");
}

/* Says who holds the lock now, for the next process that has to wait. */
static void announce(int fd, const char *what)
{
    char line[200], since[40];
    ktime_format_iso(kclock_wall(NULL), since, sizeof since);
    int n = snprintf(line, sizeof line, "%s (pid %ld): %s since %s\n", program_invocation_short_name,
                     (long)getpid(), what, since);
    if (n > 0 && ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) != n)
        LOG_D("ledger", "the lock file does not say who holds it: %s", strerror(errno));
}

/* Takes the lock on fd, waiting up to wait_ms; K_EBUSY names the holder. */
static kerr_t take(int fd, const char *what, int64_t wait_ms, kmsg_t *msg)
{
    int64_t deadline = kclock_mono(NULL) + wait_ms; /* a real wait: never the test clock */
    bool said = false;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char who[160];
        if (errno != EWOULDBLOCK && errno != EINTR)
            return kmsg_set(msg, K_EIO, "locking the ledger: %s", strerror(errno));
        holder(fd, who, sizeof who);
        if (kclock_mono(NULL) >= deadline)
            return kmsg_set(msg, K_EBUSY, "the ledger is in use by %s; try again once it is done%s", who,
                            wait_ms > 0 ? " (waited for it)" : "");
        if (!said)
            LOG_W("ledger", "waiting for the ledger (up to %lld s): in use by %s", (long long)(wait_ms / 1000), who);
        said = true;
        usleep(POLL_US);
    }
    announce(fd, what);
    return K_OK;
}

kerr_t ledger_lock(ledger_t *l, const char *what, int64_t wait_ms, kmsg_t *msg)
{
    if (l->lock_depth > 0) {
        l->lock_depth++;
        return K_OK;
    }
    kerr_t rc = l->lock_fd >= 0 ? K_OK : open_lock(sqlite3_db_filename(l->db, "main"), &l->lock_fd, msg);
    if (rc == K_OK && (rc = take(l->lock_fd, what, wait_ms, msg)) == K_OK)
        l->lock_depth = 1;
    return rc;
}

kerr_t ledger_lock_path(const char *path, const char *what, int *fd, kmsg_t *msg)
{
    kerr_t rc = open_lock(path, fd, msg);
    if (rc == K_OK && (rc = take(*fd, what, 0, msg)) != K_OK) {
        close(*fd);
        *fd = -1;
    }
    return rc;
}

static void let_go(int fd)
{
    if (ftruncate(fd, 0) != 0)
        LOG_D("ledger", "clearing the lock file: %s", strerror(errno));
    flock(fd, LOCK_UN);
}

void ledger_unlock_path(int fd)
{
    if (fd < 0)
        return;
    let_go(fd);
    close(fd);
}

void ledger_unlock(ledger_t *l)
{
    if (!l || l->lock_depth == 0)
        return;
    if (--l->lock_depth == 0)
        let_go(l->lock_fd);
}

bool ledger_locked(const ledger_t *l)
{
    return l && l->lock_depth > 0;
}
