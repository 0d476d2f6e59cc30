/* The terminal's TCP side: the ZVT port (one ECR connection at a time; a
 * new one replaces the old), the control port (text lines), one
 * single-threaded poll loop that also runs the command's timed steps. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kiosk/app/clock.h"
#include "kiosk/app/log.h"
#include "sim/common/simio.h"
#include "sim/paysim/psim.h"

#define MAX_CONTROL 16
#define CTL_LINE_MAX 4096
#define TICK_MS 1000
#define SEND_TIMEOUT_S 2

enum { L_ZVT, L_CONTROL, N_LISTEN };

typedef struct ctl_conn {
    int fd; /* -1 = free */
    char buf[CTL_LINE_MAX];
    size_t n;
} ctl_conn_t;

typedef struct net {
    psim_t *s;
    int lfd[N_LISTEN];
    zvt_stream_t rx; /* what the ECR sent, not yet whole APDUs */
    ctl_conn_t ctl[MAX_CONTROL];
} net_t;

/* "zvt P\ncontrol P\n", appearing whole. */
static bool write_ports(const char *path, const net_t *net)
{
    char text[64];
    snprintf(text, sizeof text, "zvt %d\ncontrol %d\n", simio_port_of(net->lfd[L_ZVT]),
             simio_port_of(net->lfd[L_CONTROL]));
    return simio_write_file(path, text);
}

void psim_net_hang_up(psim_t *s)
{
    if (s->ecr_fd < 0)
        return;
    close(s->ecr_fd);
    s->ecr_fd = -1;
    LOG_I(PSIM_LOG, "ECR link closed");
}

bool psim_net_send(psim_t *s, const zvt_apdu_t *a)
{
    uint8_t out[ZVT_MAX_DATA + 5];
    size_t n = zvt_encode(a, out, sizeof out);
    if (s->ecr_fd < 0 || n == 0)
        return false;
    log_hex(LOG_DEBUG, PSIM_LOG, "PT -> ECR", out, n);
    if (simio_send_all(s->ecr_fd, out, n))
        return true;
    LOG_W(PSIM_LOG, "cannot send to the ECR: %s", strerror(errno));
    psim_net_hang_up(s);
    return false;
}

/* The ECR link went away under us: close it and end the command. */
static void ecr_lost(net_t *net, const char *why)
{
    LOG_I(PSIM_LOG, "ECR link: %s", why);
    psim_net_hang_up(net->s);
    psim_pt_link_lost(net->s);
}

static void accept_ecr(net_t *net)
{
    psim_t *s = net->s;
    int fd = accept4(net->lfd[L_ZVT], NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (s->ecr_fd >= 0)
        ecr_lost(net, "a new ECR connection replaces this one");
    struct timeval tv = {.tv_sec = SEND_TIMEOUT_S};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s->ecr_fd = fd;
    s->ecr_connections++;
    memset(&net->rx, 0, sizeof net->rx);
    LOG_I(PSIM_LOG, "ECR connected");
}

/* Hands each whole APDU to pt.c; a length no APDU can have drops the link. */
static void pump_ecr(net_t *net)
{
    psim_t *s = net->s;
    int fd = s->ecr_fd;
    zvt_apdu_t a;
    bool bad = false;
    while (s->ecr_fd == fd && zvt_stream_next(&net->rx, &a, &bad)) {
        uint8_t raw[ZVT_MAX_DATA + 5];
        log_hex(LOG_DEBUG, PSIM_LOG, "ECR -> PT", raw, zvt_encode(&a, raw, sizeof raw));
        psim_pt_received(s, &a);
    }
    if (bad && s->ecr_fd == fd) {
        LOG_W(PSIM_LOG, "the ECR sent a length no APDU can have (over %d bytes): dropping the link", ZVT_MAX_DATA);
        ecr_lost(net, "dropped");
    }
}

static void read_ecr(net_t *net)
{
    uint8_t buf[sizeof net->rx.buf];
    size_t room = sizeof net->rx.buf - net->rx.n;
    ssize_t r = recv(net->s->ecr_fd, buf, room, MSG_DONTWAIT);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (r <= 0) {
        ecr_lost(net, r == 0 ? "closed by the ECR" : strerror(errno));
        return;
    }
    if (!zvt_stream_feed(&net->rx, buf, (size_t)r)) {
        ecr_lost(net, "more bytes than any APDU: dropped");
        return;
    }
    pump_ecr(net);
}

static void close_ctl(ctl_conn_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->n = 0;
}

static void accept_ctl(net_t *net)
{
    int fd = accept4(net->lfd[L_CONTROL], NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < MAX_CONTROL; i++)
        if (net->ctl[i].fd < 0) {
            struct timeval tv = {.tv_sec = SEND_TIMEOUT_S};
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            net->ctl[i].fd = fd;
            net->ctl[i].n = 0;
            return;
        }
    LOG_W(PSIM_LOG, "more than %d control connections: refusing one", MAX_CONTROL);
    close(fd);
}

/* Answers each whole line a control connection has sent. */
static char *answer(void *ctx, char *line)
{
    return psim_control(ctx, line);
}

static void pump_ctl(net_t *net, ctl_conn_t *c)
{
    if (!simio_answer_lines(c->fd, c->buf, &c->n, CTL_LINE_MAX, answer, net->s))
        close_ctl(c);
}

static void read_ctl(net_t *net, ctl_conn_t *c)
{
    ssize_t r = recv(c->fd, c->buf + c->n, CTL_LINE_MAX - c->n, MSG_DONTWAIT);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (r <= 0) {
        close_ctl(c);
        return;
    }
    c->n += (size_t)r;
    pump_ctl(net, c);
}

/* Fills fds: the listeners, the ECR, the control connections; idx maps
 * control entries back (-1 for the others). */
static nfds_t poll_set(const net_t *net, struct pollfd *fds, int *idx)
{
    nfds_t n = 0;
    for (int l = 0; l < N_LISTEN; l++) {
        idx[n] = -1;
        fds[n++] = (struct pollfd){.fd = net->lfd[l], .events = POLLIN};
    }
    idx[n] = -1;
    fds[n++] = (struct pollfd){.fd = net->s->ecr_fd, .events = POLLIN}; /* -1: ignored by poll */
    for (int i = 0; i < MAX_CONTROL; i++)
        if (net->ctl[i].fd >= 0) {
            idx[n] = i;
            fds[n++] = (struct pollfd){.fd = net->ctl[i].fd, .events = POLLIN};
        }
    return n;
}

/* Reads before it accepts, so that a descriptor closed and reused within
 * one round is never read under its old events. */
static void handle_events(net_t *net, const struct pollfd *fds, const int *idx, nfds_t n)
{
    const struct pollfd *ecr = &fds[N_LISTEN];
    if (ecr->fd >= 0 && ecr->fd == net->s->ecr_fd && (ecr->revents & (POLLIN | POLLHUP | POLLERR)))
        read_ecr(net);
    for (nfds_t k = N_LISTEN + 1; k < n; k++)
        if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
            read_ctl(net, &net->ctl[idx[k]]);
    if (fds[L_ZVT].revents & POLLIN)
        accept_ecr(net);
    if (fds[L_CONTROL].revents & POLLIN)
        accept_ctl(net);
}

static int timeout_ms(int64_t next, int64_t now)
{
    if (next == INT64_MAX || next - now >= TICK_MS)
        return TICK_MS;
    return next <= now ? 0 : (int)(next - now);
}

static void loop(net_t *net)
{
    struct pollfd fds[N_LISTEN + 1 + MAX_CONTROL];
    int idx[N_LISTEN + 1 + MAX_CONTROL];
    while (!simio_stop_signal()) {
        int64_t next = psim_pt_tick(net->s, kclock_mono(NULL));
        nfds_t n = poll_set(net, fds, idx);
        int rc = poll(fds, n, timeout_ms(next, kclock_mono(NULL)));
        if (rc > 0)
            handle_events(net, fds, idx, n);
        else if (rc < 0 && errno != EINTR)
            LOG_E(PSIM_LOG, "poll: %s", strerror(errno));
    }
}

static kerr_t open_ports(net_t *net, const psim_listen_t *l, kmsg_t *msg)
{
    if ((net->lfd[L_ZVT] = simio_listen_tcp(l->addr, l->zvt, msg)) < 0 ||
        (net->lfd[L_CONTROL] = simio_listen_tcp(l->addr, l->control, msg)) < 0)
        return K_EIO;
    if (l->ports_file && !write_ports(l->ports_file, net))
        return kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", l->ports_file, strerror(errno));
    LOG_I(PSIM_LOG, "terminal %u listening on %s: zvt %d, control %d", PSIM_TERMINAL_ID, l->addr,
          simio_port_of(net->lfd[L_ZVT]), simio_port_of(net->lfd[L_CONTROL]));
    return K_OK;
}

static void close_all(net_t *net)
{
    psim_net_hang_up(net->s);
    for (int i = 0; i < MAX_CONTROL; i++)
        close_ctl(&net->ctl[i]);
    for (int l = 0; l < N_LISTEN; l++)
        if (net->lfd[l] >= 0)
            close(net->lfd[l]);
}

int psim_serve(psim_t *s, const psim_listen_t *l)
{
    net_t *net = calloc(1, sizeof *net);
    if (!net) {
        LOG_E(PSIM_LOG, "out of memory");
        return 1;
    }
    net->s = s;
    s->ecr_fd = -1;
    for (int i = 0; i < N_LISTEN; i++)
        net->lfd[i] = -1;
    for (int i = 0; i < MAX_CONTROL; i++)
        net->ctl[i].fd = -1;
    simio_catch_signals();
    kmsg_t msg = {""};
    int status = 0;
    if (open_ports(net, l, &msg) != K_OK) {
        fprintf(stderr, "paysim: %s\n", msg.text);
        status = 1;
    } else {
        loop(net);
        LOG_I(PSIM_LOG, "signal %d: stopping", simio_stop_signal());
    }
    if (!psim_state_save(s))
        status = 1;
    close_all(net);
    free(net);
    return status;
}
