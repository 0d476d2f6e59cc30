/* The poll loop: the control port (text lines), the card's connection to
 * vpcd (open while a card is inserted) and the SAM's (open for the
 * program's life, connected again soon after it drops). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kiosk/app/clock.h"
#include "kiosk/app/log.h"
#include "sim/cardsim/cardsim.h"

#define MAX_CONTROL 16
#define CTL_LINE_MAX 4096
#define TICK_MS 1000
#define SEND_TIMEOUT_S 2

typedef struct ctl_conn {
    int fd; /* -1 = free */
    char buf[CTL_LINE_MAX];
    size_t n;
} ctl_conn_t;

typedef struct net {
    cardsim_t *s;
    int lfd;
    ctl_conn_t ctl[MAX_CONTROL];
    int sam_failures; /* connection attempts failed in a row */
} net_t;

static void close_ctl(ctl_conn_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->n = 0;
}

static void accept_ctl(net_t *net)
{
    int fd = accept4(net->lfd, NULL, NULL, SOCK_CLOEXEC);
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
    LOG_W(CARDSIM_LOG, "more than %d control connections: refusing one", MAX_CONTROL);
    close(fd);
}

static char *answer(void *ctx, char *line)
{
    return cardsim_control(ctx, line);
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
    if (!simio_answer_lines(c->fd, c->buf, &c->n, CTL_LINE_MAX, answer, net->s))
        close_ctl(c);
}

/* Connects the SAM's reader when it is due; logs the first failure of a
 * row only. */
static void sam_connect(net_t *net, int64_t now)
{
    cardsim_t *s = net->s;
    kmsg_t msg = {""};
    if (!s->use_sam || s->sam_link.fd >= 0 || now < s->sam_retry_ms)
        return;
    if (cardsim_link_open(&s->sam_link, &msg)) {
        net->sam_failures = 0;
        s->sam_selected = false;
        return;
    }
    if (net->sam_failures++ == 0)
        LOG_W(CARDSIM_LOG, "SAM: %s; trying every %d ms", msg.text, CARDSIM_SAM_RETRY_MS);
    s->sam_retry_ms = now + CARDSIM_SAM_RETRY_MS;
}

enum { P_LISTEN, P_CARD, P_SAM, P_CTL };

/* Fills fds: the listener, the card, the SAM, the control connections
 * (idx maps those back). */
static nfds_t poll_set(const net_t *net, struct pollfd *fds, int *idx)
{
    fds[P_LISTEN] = (struct pollfd){.fd = net->lfd, .events = POLLIN};
    fds[P_CARD] = (struct pollfd){.fd = net->s->card_link.fd, .events = POLLIN}; /* -1: ignored by poll */
    fds[P_SAM] = (struct pollfd){.fd = net->s->sam_link.fd, .events = POLLIN};
    nfds_t n = P_CTL;
    for (int i = 0; i < MAX_CONTROL; i++)
        if (net->ctl[i].fd >= 0) {
            idx[n] = i;
            fds[n++] = (struct pollfd){.fd = net->ctl[i].fd, .events = POLLIN};
        }
    return n;
}

static bool ready(const struct pollfd *p, int fd)
{
    return p->fd >= 0 && p->fd == fd && (p->revents & (POLLIN | POLLHUP | POLLERR));
}

/* Reads before it accepts or reconnects, so that a descriptor closed and
 * reused within one round is never read under its old events. */
static void handle_events(net_t *net, const struct pollfd *fds, const int *idx, nfds_t n)
{
    cardsim_t *s = net->s;
    if (ready(&fds[P_CARD], s->card_link.fd))
        cardsim_link_read(s, &s->card_link);
    if (ready(&fds[P_SAM], s->sam_link.fd))
        cardsim_link_read(s, &s->sam_link);
    for (nfds_t k = P_CTL; k < n; k++)
        if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
            read_ctl(net, &net->ctl[idx[k]]);
    if (fds[P_LISTEN].revents & POLLIN)
        accept_ctl(net);
}

static int timeout_ms(const cardsim_t *s, int64_t now)
{
    if (!s->use_sam || s->sam_link.fd >= 0)
        return TICK_MS;
    int64_t left = s->sam_retry_ms - now;
    return left <= 0 ? 0 : left < TICK_MS ? (int)left : TICK_MS;
}

static void loop(net_t *net)
{
    struct pollfd fds[P_CTL + MAX_CONTROL];
    int idx[P_CTL + MAX_CONTROL];
    while (!simio_stop_signal()) {
        sam_connect(net, kclock_mono(NULL));
        nfds_t n = poll_set(net, fds, idx);
        int rc = poll(fds, n, timeout_ms(net->s, kclock_mono(NULL)));
        if (rc > 0)
            handle_events(net, fds, idx, n);
        else if (rc < 0 && errno != EINTR)
            LOG_E(CARDSIM_LOG, "poll: %s", strerror(errno));
    }
}

static kerr_t open_port(net_t *net, int port, const char *ports_file, kmsg_t *msg)
{
    char text[32];
    if ((net->lfd = simio_listen_tcp("127.0.0.1", port, msg)) < 0)
        return K_EIO;
    snprintf(text, sizeof text, "control %d\n", simio_port_of(net->lfd));
    if (ports_file && !simio_write_file(ports_file, text))
        return kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", ports_file, strerror(errno));
    LOG_I(CARDSIM_LOG, "control port %d; card reader at %s:%s", simio_port_of(net->lfd), net->s->card_link.addr.host,
          net->s->card_link.addr.port);
    return K_OK;
}

static void close_all(net_t *net)
{
    cardsim_remove(net->s, "cardsim stops");
    cardsim_link_close(&net->s->sam_link);
    for (int i = 0; i < MAX_CONTROL; i++)
        close_ctl(&net->ctl[i]);
    if (net->lfd >= 0)
        close(net->lfd);
}

/* Serves the control port and the readers until a stop signal. */
int cardsim_serve(cardsim_t *s, int control_port, const char *ports_file)
{
    net_t *net = calloc(1, sizeof *net);
    if (!net) {
        LOG_E(CARDSIM_LOG, "out of memory");
        return 1;
    }
    net->s = s;
    net->lfd = -1;
    for (int i = 0; i < MAX_CONTROL; i++)
        net->ctl[i].fd = -1;
    simio_catch_signals();
    kmsg_t msg = {""};
    int status = 0;
    if (open_port(net, control_port, ports_file, &msg) != K_OK) {
        fprintf(stderr, "cardsim: %s\n", msg.text);
        status = 1;
    } else {
        loop(net);
        LOG_I(CARDSIM_LOG, "signal %d: stopping", simio_stop_signal());
    }
    close_all(net);
    free(net);
    return status;
}
