#include "sim/paysim_client.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/hex.h"
#include "support/support.h"

static bool read_ports(void *ctx)
{
    ps_sim_t *p = ctx;
    char *text = file_read(p->sc.dir, "ports");
    bool ok = text && sscanf(text, "zvt %d control %d", &p->zvt, &p->sc.control) == 2;
    free(text);
    return ok;
}

bool ps_start(ps_sim_t *p, const char *bin, const char *dir, const char *const *extra)
{
    char state[600], ports[600], log[600];
    memset(p, 0, sizeof *p);
    snprintf(p->sc.dir, sizeof p->sc.dir, "%s", dir);
    snprintf(state, sizeof state, "%s/state.json", dir);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    snprintf(log, sizeof log, "%s/paysim.log", dir);
    unlink(ports);
    const char *argv[] = {bin,     "--port",  "0",   "--control",   "0",     "--ports-file",
                          ports,   "--state", state, "--log-level", "debug", NULL};
    return sc_launch(&p->sc, log, argv, extra, read_ports, p);
}

int ps_stop(ps_sim_t *p)
{
    return sc_stop(&p->sc);
}

bool ps_connect(const ps_sim_t *p, ps_ecr_t *e)
{
    memset(e, 0, sizeof *e);
    e->fd = sc_connect(p->zvt);
    return e->fd >= 0;
}

void ps_close(ps_ecr_t *e)
{
    if (e->fd >= 0)
        close(e->fd);
    e->fd = -1;
}

bool ps_send_bytes(ps_ecr_t *e, const uint8_t *b, size_t n)
{
    return e->fd >= 0 && send(e->fd, b, n, MSG_NOSIGNAL) == (ssize_t)n;
}

bool ps_send_hex(ps_ecr_t *e, const char *hex)
{
    uint8_t b[ZVT_MAX_DATA + 5];
    return ps_send_bytes(e, b, hex_bytes(hex, b, sizeof b));
}

size_t ps_encode(const zvt_apdu_t *a, uint8_t *out, size_t cap)
{
    return zvt_encode(a, out, cap);
}

bool ps_send(ps_ecr_t *e, const zvt_apdu_t *a)
{
    uint8_t b[ZVT_MAX_DATA + 5];
    size_t n = zvt_encode(a, b, sizeof b);
    return n > 0 && ps_send_bytes(e, b, n);
}

int ps_recv(ps_ecr_t *e, zvt_apdu_t *a, int timeout_ms)
{
    int64_t deadline = sc_now_ms() + timeout_ms;
    for (;;) {
        bool bad = false;
        if (zvt_stream_next(&e->rx, a, &bad))
            return 1;
        if (bad || e->fd < 0)
            return -1;
        int64_t left = deadline - sc_now_ms();
        struct pollfd pfd = {.fd = e->fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return 0;
        uint8_t buf[512];
        ssize_t r = recv(e->fd, buf, sizeof buf, 0);
        if (r <= 0 || !zvt_stream_feed(&e->rx, buf, (size_t)r))
            return -1;
    }
}
