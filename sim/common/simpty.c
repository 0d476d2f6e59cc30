#include "sim/common/simpty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/log.h"

enum { WRITE_WAIT_MS = 100, WRITE_TRIES = 20 };

/* Raw 8N1 at 9600 (the speed means nothing on a pty). */
static bool make_raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0)
        return false;
    cfmakeraw(&t);
    cfsetispeed(&t, B9600);
    cfsetospeed(&t, B9600);
    t.c_cflag &= ~(tcflag_t)(PARENB | CSTOPB | CSIZE | CRTSCTS);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    return tcsetattr(fd, TCSANOW, &t) == 0;
}

/* Points path at target through a temporary link and a rename, so that a
 * host never sees it missing; refuses to replace anything but a symlink. */
static kerr_t make_symlink(const char *path, const char *target, kmsg_t *msg)
{
    struct stat st;
    char tmp[SIMPTY_PATH_MAX + 32];
    if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
        return kmsg_set(msg, K_EINVAL, "--link %s exists and is not a symlink: not replacing it", path);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    unlink(tmp);
    if (symlink(target, tmp) == 0 && rename(tmp, path) == 0)
        return K_OK;
    kmsg_set(msg, K_EIO, "cannot make the symlink %s -> %s: %s", path, target, strerror(errno));
    unlink(tmp);
    return K_EIO;
}

kerr_t simpty_open(simpty_t *t, const char *path, const char *log, kmsg_t *msg)
{
    memset(t, 0, sizeof *t);
    t->log = log;
    t->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    const char *slave = NULL;
    if (t->master < 0 || grantpt(t->master) != 0 || unlockpt(t->master) != 0 || !(slave = ptsname(t->master)) ||
        !make_raw(t->master)) {
        kmsg_set(msg, K_EIO, "cannot open a pseudo-terminal: %s", strerror(errno));
        simpty_close(t);
        return K_EIO;
    }
    snprintf(t->slave, sizeof t->slave, "%s", slave);
    kerr_t rc = make_symlink(path, t->slave, msg);
    if (rc != K_OK) {
        simpty_close(t);
        return rc;
    }
    snprintf(t->path, sizeof t->path, "%s", path);
    return K_OK;
}

long simpty_read(simpty_t *t, uint8_t *buf, size_t cap)
{
    ssize_t r = read(t->master, buf, cap);
    if (r > 0)
        return (long)r;
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (r < 0 && errno != EIO)
        LOG_W(t->log, "reading the pty: %s", strerror(errno));
    if (!t->hung)
        LOG_I(t->log, "the host closed %s", t->path);
    t->hung = true;
    return -1;
}

bool simpty_check(simpty_t *t)
{
    struct pollfd p = {.fd = t->master, .events = POLLIN};
    if (poll(&p, 1, 0) < 0 || (p.revents & POLLHUP))
        return false;
    t->hung = false;
    LOG_I(t->log, "a host opened %s", t->path);
    return true;
}

bool simpty_write(simpty_t *t, const uint8_t *p, size_t n)
{
    for (int tries = 0; n > 0;) {
        ssize_t w = write(t->master, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EAGAIN && ++tries < WRITE_TRIES) {
            poll(&(struct pollfd){.fd = t->master, .events = POLLOUT}, 1, WRITE_WAIT_MS);
        } else if (!(w < 0 && errno == EINTR)) {
            LOG_W(t->log, "writing the pty: %s (%zu bytes lost)", w < 0 ? strerror(errno) : "nothing written", n);
            return false;
        }
    }
    return true;
}

void simpty_close(simpty_t *t)
{
    char target[sizeof t->slave];
    ssize_t n = t->path[0] ? readlink(t->path, target, sizeof target - 1) : -1;
    if (n > 0) {
        target[n] = '\0';
        if (strcmp(target, t->slave) == 0)
            unlink(t->path);
    }
    if (t->master >= 0)
        close(t->master);
    t->master = -1;
}
