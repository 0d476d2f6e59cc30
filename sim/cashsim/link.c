/* The serial line: a pseudo-terminal pair. The simulator keeps the master
 * side open for its whole life; the host opens the slave side through a
 * symlink, and may close and reopen it. While no host has it open, the
 * master reports a hangup (EIO on read) and is only checked now and then. */
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
#include "sim/cashsim/csim.h"

#define WRITE_WAIT_MS 100
#define WRITE_TRIES 20

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
    char tmp[CSIM_PATH_MAX + 32];
    if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
        return kmsg_set(msg, K_EINVAL, "--link %s exists and is not a symlink: not replacing it", path);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    unlink(tmp);
    if (symlink(target, tmp) != 0 || rename(tmp, path) != 0) {
        kmsg_set(msg, K_EIO, "cannot make the symlink %s -> %s: %s", path, target, strerror(errno));
        unlink(tmp);
        return K_EIO;
    }
    return K_OK;
}

kerr_t csim_link_open(csim_link_t *l, const char *path, kmsg_t *msg)
{
    memset(l, 0, sizeof *l);
    csim_frame_rx_init(&l->rx);
    snprintf(l->path, sizeof l->path, "%s", path);
    l->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    const char *name = NULL;
    if (l->master < 0 || grantpt(l->master) != 0 || unlockpt(l->master) != 0 || !(name = ptsname(l->master)) ||
        !make_raw(l->master)) {
        kmsg_set(msg, K_EIO, "cannot open a pseudo-terminal: %s", strerror(errno));
        if (l->master >= 0)
            close(l->master);
        l->master = -1;
        return K_EIO;
    }
    snprintf(l->slave, sizeof l->slave, "%s", name);
    kerr_t rc = make_symlink(path, l->slave, msg);
    if (rc != K_OK) {
        close(l->master);
        l->master = -1;
    }
    return rc;
}

static void hang_up(csim_link_t *l)
{
    if (!l->hung)
        LOG_I(CSIM_LOG, "the host closed %s", l->path);
    l->hung = true;
    csim_frame_rx_init(&l->rx); /* a half-received frame dies with the session */
}

long csim_link_read(csim_link_t *l, uint8_t *buf, size_t cap)
{
    ssize_t r = read(l->master, buf, cap);
    if (r > 0)
        return (long)r;
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (r < 0 && errno != EIO)
        LOG_W(CSIM_LOG, "reading the pty: %s", strerror(errno));
    hang_up(l);
    return -1;
}

bool csim_link_check(csim_link_t *l)
{
    struct pollfd p = {.fd = l->master, .events = POLLIN};
    if (poll(&p, 1, 0) < 0 || (p.revents & POLLHUP))
        return false;
    l->hung = false;
    LOG_I(CSIM_LOG, "a host opened %s", l->path);
    return true;
}

bool csim_link_write(csim_link_t *l, const uint8_t *p, size_t n)
{
    int tries = 0;
    while (n > 0) {
        ssize_t w = write(l->master, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN && ++tries < WRITE_TRIES) {
            poll(&(struct pollfd){.fd = l->master, .events = POLLOUT}, 1, WRITE_WAIT_MS);
            continue;
        }
        LOG_W(CSIM_LOG, "writing the pty: %s (%zu bytes lost)", w < 0 ? strerror(errno) : "nothing written", n);
        return false;
    }
    return true;
}

void csim_link_close(csim_link_t *l)
{
    char target[sizeof l->slave];
    ssize_t n = l->path[0] ? readlink(l->path, target, sizeof target - 1) : -1;
    if (n > 0) {
        target[n] = '\0';
        if (strcmp(target, l->slave) == 0)
            unlink(l->path);
    }
    if (l->master >= 0)
        close(l->master);
    l->master = -1;
}
