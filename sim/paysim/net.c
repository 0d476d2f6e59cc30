/* The terminal's TCP side: the ZVT port (one ECR connection at a time; a
 * new one replaces the old), the control port (text lines), one
 * single-threaded poll loop that also runs the command's timed steps. */
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
#include "sim/paysim/psim.h"

#define TICK_MS 1000

typedef struct net {
    psim_t *s;
    int zvt_lfd;     /* the ZVT port's listener */
    psim_rx_t rx;    /* what the ECR sent, not yet whole APDUs */
    simio_ctl_t ctl; /* the control port */
} net_t;

/* "zvt P\ncontrol P\n", appearing whole. */
static bool write_ports(const char *path, const net_t *net)
{
    char text[64];
    snprintf(text, sizeof text, "zvt %d\ncontrol %d\n", simio_port_of(net->zvt_lfd), simio_port_of(net->ctl.lfd));
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

bool psim_net_send(psim_t *s, const psim_apdu_t *a)
{
    uint8_t out[PSIM_APDU_MAX];
    size_t n = psim_apdu_encode(a, out, sizeof out);
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
    int fd = accept4(net->zvt_lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (s->ecr_fd >= 0)
        ecr_lost(net, "a new ECR connection replaces this one");
    simio_tune_conn(fd, true);
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
    psim_apdu_t a;
    psim_next_t got = PSIM_NEXT_MORE;
    while (s->ecr_fd == fd && (got = psim_rx_next(&net->rx, &a)) == PSIM_NEXT_ONE) {
        uint8_t raw[PSIM_APDU_MAX];
        log_hex(LOG_DEBUG, PSIM_LOG, "ECR -> PT", raw, psim_apdu_encode(&a, raw, sizeof raw));
        psim_pt_received(s, &a);
    }
    if (got == PSIM_NEXT_BAD && s->ecr_fd == fd) {
        LOG_W(PSIM_LOG, "the ECR sent a length no APDU can have (over %d bytes): dropping the link",
              PSIM_APDU_MAX_DATA);
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
    if (!psim_rx_feed(&net->rx, buf, (size_t)r)) {
        ecr_lost(net, "more bytes than any APDU: dropped");
        return;
    }
    pump_ecr(net);
}

/* Answers each whole line a control connection has sent. */
static char *answer(void *ctx, char *line)
{
    return psim_control(ctx, line);
}

enum { P_ZVT, P_ECR, P_CTL };

/* Fills fds: the ZVT listener, the ECR, then the control port. */
static nfds_t poll_set(net_t *net, struct pollfd *fds)
{
    fds[P_ZVT] = (struct pollfd){.fd = net->zvt_lfd, .events = POLLIN};
    fds[P_ECR] = (struct pollfd){.fd = net->s->ecr_fd, .events = POLLIN}; /* -1: ignored by poll */
    return simio_ctl_poll_set(&net->ctl, fds, P_CTL);
}

/* Reads before it accepts, so that a descriptor closed and reused within
 * one round is never read under its old events. */
static void handle_events(net_t *net, const struct pollfd *fds)
{
    const struct pollfd *ecr = &fds[P_ECR];
    if (ecr->fd >= 0 && ecr->fd == net->s->ecr_fd && (ecr->revents & (POLLIN | POLLHUP | POLLERR)))
        read_ecr(net);
    simio_ctl_handle(&net->ctl, fds);
    if (fds[P_ZVT].revents & POLLIN)
        accept_ecr(net);
}

static int timeout_ms(int64_t next, int64_t now)
{
    if (next == INT64_MAX || next - now >= TICK_MS)
        return TICK_MS;
    return next <= now ? 0 : (int)(next - now);
}

static void loop(net_t *net)
{
    struct pollfd fds[P_CTL + SIMIO_CTL_POLLFDS];
    while (!simio_stop_signal()) {
        int64_t next = psim_pt_tick(net->s, kclock_mono(NULL));
        nfds_t n = poll_set(net, fds);
        int rc = poll(fds, n, timeout_ms(next, kclock_mono(NULL)));
        if (rc > 0)
            handle_events(net, fds);
        else if (rc < 0 && errno != EINTR)
            LOG_E(PSIM_LOG, "poll: %s", strerror(errno));
    }
}

static kerr_t open_ports(net_t *net, const psim_listen_t *l, kmsg_t *msg)
{
    if ((net->zvt_lfd = simio_listen_tcp(l->addr, l->zvt, msg)) < 0 ||
        (net->ctl.lfd = simio_listen_tcp(l->addr, l->control, msg)) < 0)
        return K_EIO;
    if (l->ports_file && !write_ports(l->ports_file, net))
        return kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", l->ports_file, strerror(errno));
    LOG_I(PSIM_LOG, "terminal %u listening on %s: zvt %d, control %d", PSIM_TERMINAL_ID, l->addr,
          simio_port_of(net->zvt_lfd), simio_port_of(net->ctl.lfd));
    return K_OK;
}

static void close_all(net_t *net)
{
    psim_net_hang_up(net->s);
    simio_ctl_close(&net->ctl);
    if (net->zvt_lfd >= 0)
        close(net->zvt_lfd);
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
    net->zvt_lfd = -1;
    simio_ctl_init(&net->ctl, PSIM_LOG, answer, s);
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
