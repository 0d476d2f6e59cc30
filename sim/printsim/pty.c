/* The printer's serial side: a pseudo-terminal whose master the simulator
 * holds for its whole life, and a symlink to the slave that the kiosk
 * opens as its serial device, closes and opens again. While no process has
 * the slave open, reads on the master fail with EIO; the server then only
 * looks now and then whether a host came back. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "kiosk/app/log.h"
#include "sim/printsim/prsim.h"

enum { WRITE_WAIT_MS = 100, WRITE_TRIES = 20 };

static bool set_raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0)
        return false;
    cfmakeraw(&t);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    return tcsetattr(fd, TCSANOW, &t) == 0;
}

/* Renames a fresh symlink over path, so that path never goes missing;
 * anything at path other than a symlink is left alone. */
static kerr_t point_link(const char *path, const char *target, kmsg_t *msg)
{
    struct stat st;
    char tmp[PRSIM_PATH_MAX + 32];
    if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
        return kmsg_set(msg, K_EINVAL, "--link %s exists and is not a symlink: not replacing it", path);
    snprintf(tmp, sizeof tmp, "%s.%ld.new", path, (long)getpid());
    unlink(tmp);
    if (symlink(target, tmp) == 0 && rename(tmp, path) == 0)
        return K_OK;
    kmsg_set(msg, K_EIO, "cannot point %s at %s: %s", path, target, strerror(errno));
    unlink(tmp);
    return K_EIO;
}

kerr_t prsim_pty_open(prsim_pty_t *t, const char *path, kmsg_t *msg)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s", path);
    t->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    const char *slave = NULL;
    if (t->master < 0 || grantpt(t->master) != 0 || unlockpt(t->master) != 0 || !(slave = ptsname(t->master)) ||
        !set_raw(t->master)) {
        kmsg_set(msg, K_EIO, "cannot open a pseudo-terminal: %s", strerror(errno));
        prsim_pty_close(t);
        return K_EIO;
    }
    snprintf(t->slave, sizeof t->slave, "%s", slave);
    kerr_t rc = point_link(path, t->slave, msg);
    if (rc != K_OK) {
        t->path[0] = '\0';
        prsim_pty_close(t);
    }
    return rc;
}

long prsim_pty_read(prsim_pty_t *t, uint8_t *buf, size_t cap)
{
    ssize_t r = read(t->master, buf, cap);
    if (r > 0)
        return (long)r;
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (r < 0 && errno != EIO)
        LOG_W(PRSIM_LOG, "reading the pty: %s", strerror(errno));
    if (!t->hung)
        LOG_I(PRSIM_LOG, "the host closed %s", t->path);
    t->hung = true;
    return -1;
}

bool prsim_pty_check(prsim_pty_t *t)
{
    struct pollfd p = {.fd = t->master, .events = POLLIN};
    if (poll(&p, 1, 0) < 0 || (p.revents & POLLHUP))
        return false;
    t->hung = false;
    LOG_I(PRSIM_LOG, "a host opened %s", t->path);
    return true;
}

bool prsim_pty_write(prsim_pty_t *t, const uint8_t *p, size_t n)
{
    for (int tries = 0; n > 0;) {
        ssize_t w = write(t->master, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EAGAIN && ++tries < WRITE_TRIES) {
            poll(&(struct pollfd){.fd = t->master, .events = POLLOUT}, 1, WRITE_WAIT_MS);
        } else if (!(w < 0 && errno == EINTR)) {
            LOG_W(PRSIM_LOG, "writing the pty: %s", w < 0 ? strerror(errno) : "nothing written");
            return false;
        }
    }
    return true;
}

void prsim_pty_close(prsim_pty_t *t)
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
