#include "sim/cashsim_client.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "drivers/cash/cctalk_frame.h"
#include "support/support.h"

#define TAIL_MS 20

static bool read_ports(void *ctx)
{
    cs_sim_t *s = ctx;
    char *text = file_read(s->sc.dir, "ports");
    bool ok = text && sscanf(text, "control %d pty %599s", &s->sc.control, s->pty) == 2;
    free(text);
    return ok;
}

bool cs_start(cs_sim_t *s, const char *bin, const char *dir, const char *const *extra)
{
    char state[600], ports[600], log[600];
    memset(s, 0, sizeof *s);
    snprintf(s->sc.dir, sizeof s->sc.dir, "%s", dir);
    snprintf(s->link, sizeof s->link, "%s/bv", dir);
    snprintf(state, sizeof state, "%s/state.json", dir);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    snprintf(log, sizeof log, "%s/cashsim.log", dir);
    unlink(ports);
    const char *argv[] = {bin, "--link", s->link, "--ports-file", ports, "--state", state, "--log-level", "debug", NULL};
    return sc_launch(&s->sc, log, argv, extra, read_ports, s);
}

int cs_open_port(const char *path)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    struct termios t;
    if (fd < 0 || tcgetattr(fd, &t) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    cfmakeraw(&t);
    cfsetispeed(&t, B9600);
    cfsetospeed(&t, B9600);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        close(fd);
        return -1;
    }
    tcflush(fd, TCIOFLUSH);
    return fd;
}

/* Reads what arrives until deadline; -1 on error, 0 on timeout. */
static ssize_t read_until(int fd, uint8_t *buf, size_t cap, int64_t deadline)
{
    int64_t left = deadline - sc_now_ms();
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (left <= 0 || cap == 0 || poll(&p, 1, (int)left) <= 0)
        return 0;
    ssize_t r = read(fd, buf, cap);
    return r > 0 ? r : -1;
}

size_t cs_exchange(int fd, const uint8_t *req, size_t n, uint8_t *raw, size_t cap, int timeout_ms, bool *framed)
{
    cctalk_stream_t st;
    cctalk_frame_t f;
    size_t got = 0;
    memset(&st, 0, sizeof st);
    *framed = false;
    if (n && write(fd, req, n) != (ssize_t)n)
        return 0;
    int64_t deadline = sc_now_ms() + timeout_ms;
    while (got < cap) {
        ssize_t r = read_until(fd, raw + got, cap - got, deadline);
        if (r <= 0)
            break;
        cctalk_stream_feed(&st, raw + got, (size_t)r);
        got += (size_t)r;
        if (!*framed && cctalk_stream_next(&st, CCTALK_HOST, &f)) {
            *framed = true;
            deadline = sc_now_ms() + TAIL_MS;
        }
    }
    return got;
}

void cs_hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && at + 4 <= cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%02X", i ? " " : "", p[i]);
}
