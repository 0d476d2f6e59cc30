#include "drivers/transport/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static speed_t speed_of(unsigned baud)
{
    switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    default: return B0;
    }
}

/* t made raw 8N1 at speed, no flow control, reads that never block. */
static bool set_raw(int fd, struct termios *t, speed_t speed)
{
    cfmakeraw(t);
    cfsetispeed(t, speed);
    cfsetospeed(t, speed);
    t->c_cflag &= ~(tcflag_t)(PARENB | CSTOPB | CSIZE | CRTSCTS);
    t->c_cflag |= CS8 | CLOCAL | CREAD;
    t->c_cc[VMIN] = 0;
    t->c_cc[VTIME] = 0;
    return tcsetattr(fd, TCSANOW, t) == 0;
}

kerr_t serial_open(const char *path, unsigned baud, const char *setting, int *fd, kmsg_t *msg)
{
    struct termios t;
    speed_t speed = speed_of(baud);
    *fd = -1;
    if (speed == B0)
        return kmsg_set(msg, K_EINVAL, "%s: %u baud is not a serial speed", path, baud);
    int d = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (d < 0)
        return kmsg_set(msg, K_EIO, "%s: %s (check %s)", path, strerror(errno), setting);
    if (tcgetattr(d, &t) != 0) {
        kmsg_set(msg, K_EIO, "%s is not a serial device: %s (check %s)", path, strerror(errno), setting);
        close(d);
        return K_EIO;
    }
    if (!set_raw(d, &t, speed)) {
        kmsg_set(msg, K_EIO, "%s: cannot set %u 8N1: %s", path, baud, strerror(errno));
        close(d);
        return K_EIO;
    }
    tcflush(d, TCIOFLUSH);
    *fd = d;
    return K_OK;
}

bool serial_write(int fd, const uint8_t *buf, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            poll(&p, 1, 100);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        return false;
    }
    return true;
}

long serial_read(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int rc;
    do
        rc = poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    if (rc <= 0)
        return rc == 0 ? 0 : -1;
    ssize_t r = read(fd, buf, cap);
    if (r > 0)
        return (long)r;
    return r < 0 && (errno == EAGAIN || errno == EINTR) ? 0 : -1;
}

void serial_drain(int fd)
{
    uint8_t junk[64];
    while (read(fd, junk, sizeof junk) > 0) {
    }
}
