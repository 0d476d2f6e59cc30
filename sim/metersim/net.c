/* The gateway's TCP side: three listening ports (DL/T 645, Modbus TCP,
 * control), one single-threaded poll loop. Requests from both protocols go
 * to the bus in arrival order; control lines are answered at once. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/metersim/msim.h"

#define MAX_CONNS 64
#define CONN_BUF 8192
#define TICK_MS 100
#define SAVE_EVERY_MS 2000

typedef struct conn {
    int fd; /* -1 = free */
    uint32_t gen;
    msim_proto_t proto;
    simrx_t dlt;
    uint8_t buf[CONN_BUF]; /* Modbus bytes, or a control line */
    size_t n;
} conn_t;

typedef struct net {
    msim_t *s;
    int lfd[3]; /* by msim_proto_t */
    conn_t conns[MAX_CONNS];
    msim_bus_t bus;
} net_t;

/* "dlt645 P\nmodbus P\ncontrol P\n", appearing whole. */
static bool write_ports(const char *path, const net_t *net)
{
    char text[96];
    snprintf(text, sizeof text, "dlt645 %d\nmodbus %d\ncontrol %d\n", simio_port_of(net->lfd[MSIM_DLT645]),
             simio_port_of(net->lfd[MSIM_MODBUS]), simio_port_of(net->lfd[MSIM_CONTROL]));
    return simio_write_file(path, text);
}

static void close_conn(conn_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->gen++;
}

/* The bus's way out: to connection i if it is still generation gen. */
static bool conn_send(void *ctx, int i, uint32_t gen, const uint8_t *p, size_t n)
{
    conn_t *c = &((net_t *)ctx)->conns[i];
    if (c->fd < 0 || c->gen != gen)
        return false;
    if (simio_send_all(c->fd, p, n))
        return true;
    close_conn(c);
    return false;
}

static void accept_conn(net_t *net, msim_proto_t p)
{
    int fd = p == MSIM_MODBUS ? msim_mb_accept(net->s, net->lfd[p])
                              : accept4(net->lfd[p], NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    conn_t *c = NULL;
    for (int i = 0; i < MAX_CONNS && !c; i++)
        c = net->conns[i].fd < 0 ? &net->conns[i] : NULL;
    if (!c) {
        LOG_W(MSIM_LOG, "more than %d connections: refusing one", MAX_CONNS);
        close(fd);
        return;
    }
    simio_tune_conn(fd, true);
    c->fd = fd;
    c->proto = p;
    c->n = 0;
    msim_dlt_rx_init(&c->dlt);
}

/* Queues the whole frames a DL/T 645 connection has sent. */
static void pump_dlt(net_t *net, int i)
{
    conn_t *c = &net->conns[i];
    msim_request_t r = {.conn = i, .gen = c->gen, .proto = MSIM_DLT645};
    while (msim_bus_has_room(&net->bus) && msim_dlt_next(&c->dlt, &r.frame))
        if (!(r.frame.ctrl & MSIM_DLT_REPLY))
            msim_bus_push(&net->bus, &r);
}

/* Queues the whole ADUs a Modbus connection has sent (MBAP framing). */
static void pump_mb(net_t *net, int i)
{
    conn_t *c = &net->conns[i];
    while (c->n >= 7 && msim_bus_has_room(&net->bus)) {
        unsigned proto = (unsigned)(c->buf[2] << 8 | c->buf[3]), len = (unsigned)(c->buf[4] << 8 | c->buf[5]);
        if (proto != 0 || len < 2 || 6 + len > MSIM_MB_MAX_ADU) {
            LOG_W(MSIM_LOG, "Modbus connection sent a bad MBAP header (protocol %u, length %u): closing it", proto,
                  len);
            close_conn(c);
            return;
        }
        size_t total = 6 + len;
        if (c->n < total)
            return;
        msim_request_t r = {.conn = i, .gen = c->gen, .proto = MSIM_MODBUS, .len = total};
        memcpy(r.adu, c->buf, total);
        msim_bus_push(&net->bus, &r);
        memmove(c->buf, c->buf + total, c->n - total);
        c->n -= total;
    }
}

/* Answers each whole line a control connection has sent. */
static char *answer(void *ctx, char *line)
{
    return msim_control(ctx, line);
}

static void pump_control(net_t *net, conn_t *c)
{
    if (!simio_answer_lines(c->fd, (char *)c->buf, &c->n, CONN_BUF, answer, net->s))
        close_conn(c);
}

/* How many bytes connection c can take now (0: wait for the bus). */
static size_t room_of(const net_t *net, const conn_t *c)
{
    switch (c->proto) {
    case MSIM_DLT645: return msim_bus_has_room(&net->bus) ? c->dlt.cap - c->dlt.n : 0;
    case MSIM_MODBUS: return msim_bus_has_room(&net->bus) ? CONN_BUF - c->n : 0;
    case MSIM_CONTROL: return CONN_BUF - c->n;
    }
    return 0;
}

static void read_conn(net_t *net, int i)
{
    conn_t *c = &net->conns[i];
    uint8_t buf[CONN_BUF];
    size_t room = room_of(net, c);
    ssize_t r = room ? recv(c->fd, buf, room, 0) : -1;
    if (r == 0 || (r < 0 && room && errno != EINTR && errno != EAGAIN)) {
        close_conn(c);
        return;
    }
    if (r < 0)
        return;
    if (c->proto == MSIM_DLT645) {
        simrx_feed(&c->dlt, buf, (size_t)r);
        return;
    }
    memcpy(c->buf + c->n, buf, (size_t)r);
    c->n += (size_t)r;
    if (c->proto == MSIM_CONTROL)
        pump_control(net, c);
}

static void pump_all(net_t *net)
{
    for (int i = 0; i < MAX_CONNS; i++) {
        if (net->conns[i].fd < 0)
            continue;
        if (net->conns[i].proto == MSIM_DLT645)
            pump_dlt(net, i);
        else if (net->conns[i].proto == MSIM_MODBUS)
            pump_mb(net, i);
    }
}

/* Fills fds (listeners first, then connections); idx maps back. */
static nfds_t poll_set(const net_t *net, struct pollfd *fds, int *idx)
{
    nfds_t n = 0;
    for (int p = 0; p < 3; p++)
        fds[n++] = (struct pollfd){.fd = net->lfd[p], .events = POLLIN};
    for (int i = 0; i < MAX_CONNS; i++) {
        const conn_t *c = &net->conns[i];
        if (c->fd < 0)
            continue;
        idx[n] = i;
        fds[n++] = (struct pollfd){.fd = c->fd, .events = room_of(net, c) ? POLLIN : 0};
    }
    return n;
}

static void handle_events(net_t *net, const struct pollfd *fds, const int *idx, nfds_t n)
{
    for (nfds_t k = 0; k < 3; k++)
        if (fds[k].revents & POLLIN)
            accept_conn(net, (msim_proto_t)k);
    for (nfds_t k = 3; k < n; k++) {
        if (fds[k].revents & POLLIN)
            read_conn(net, idx[k]);
        else if (fds[k].revents & (POLLHUP | POLLERR))
            close_conn(&net->conns[idx[k]]);
    }
}

static int timeout_ms(int64_t next_us, int64_t now_us)
{
    if (next_us == INT64_MAX || next_us - now_us >= (int64_t)TICK_MS * 1000)
        return TICK_MS;
    return next_us <= now_us ? 0 : (int)((next_us - now_us + 999) / 1000);
}

static void loop(net_t *net)
{
    msim_t *s = net->s;
    struct pollfd fds[3 + MAX_CONNS];
    int idx[3 + MAX_CONNS];
    while (!simio_stop_signal()) {
        int64_t now = msim_now_us();
        msim_advance(s, now / 1000);
        pump_all(net);
        int64_t next = msim_bus_run(s, &net->bus, now);
        if (s->dirty && now / 1000 - s->saved_mono_ms >= SAVE_EVERY_MS)
            msim_state_save(s);
        nfds_t n = poll_set(net, fds, idx);
        int rc = poll(fds, n, timeout_ms(next, msim_now_us()));
        if (rc > 0)
            handle_events(net, fds, idx, n);
        else if (rc < 0 && errno != EINTR)
            LOG_E(MSIM_LOG, "poll: %s", strerror(errno));
    }
}

static kerr_t open_ports(net_t *net, const msim_listen_t *l, kmsg_t *msg)
{
    kerr_t rc = msim_mb_open(net->s, l->addr, l->modbus, &net->lfd[MSIM_MODBUS], msg);
    if (rc)
        return rc;
    if ((net->lfd[MSIM_DLT645] = simio_listen_tcp(l->addr, l->dlt645, msg)) < 0 ||
        (net->lfd[MSIM_CONTROL] = simio_listen_tcp(l->addr, l->control, msg)) < 0)
        return K_EIO;
    if (l->ports_file && !write_ports(l->ports_file, net))
        return kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", l->ports_file, strerror(errno));
    LOG_I(MSIM_LOG, "%zu meters; listening on %s: dlt645 %d, modbus %d, control %d", net->s->n, l->addr,
          simio_port_of(net->lfd[MSIM_DLT645]), simio_port_of(net->lfd[MSIM_MODBUS]), simio_port_of(net->lfd[MSIM_CONTROL]));
    return K_OK;
}

static void close_all(net_t *net)
{
    for (int i = 0; i < MAX_CONNS; i++)
        close_conn(&net->conns[i]);
    for (int p = 0; p < 3; p++)
        if (net->lfd[p] >= 0)
            close(net->lfd[p]);
    msim_mb_close(net->s);
}

int msim_serve(msim_t *s, const msim_listen_t *l)
{
    net_t *net = calloc(1, sizeof *net);
    if (!net) {
        LOG_E(MSIM_LOG, "out of memory");
        return 1;
    }
    net->s = s;
    net->bus.send = conn_send;
    net->bus.send_ctx = net;
    for (int p = 0; p < 3; p++)
        net->lfd[p] = -1;
    for (int i = 0; i < MAX_CONNS; i++)
        net->conns[i].fd = -1;
    simio_catch_signals();
    kmsg_t msg = {""};
    int status = 0;
    if (open_ports(net, l, &msg) != K_OK) {
        fprintf(stderr, "metersim: %s\n", msg.text);
        status = 1;
    } else {
        loop(net);
        LOG_I(MSIM_LOG, "signal %d: saving the state and stopping", simio_stop_signal());
    }
    if (!msim_state_save(s))
        status = 1;
    close_all(net);
    free(net);
    return status;
}
