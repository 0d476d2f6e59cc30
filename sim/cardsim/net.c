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

#include "base/clock.h"
#include "base/log.h"
#include "sim/cardsim/cardsim.h"

#define TICK_MS 1000

typedef struct net {
    cardsim_t *s;
    simio_ctl_t ctl;  /* the control port */
    int sam_failures; /* connection attempts failed in a row */
} net_t;

static char *answer(void *ctx, char *line)
{
    return cardsim_control(ctx, line);
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

enum { P_CARD, P_SAM, P_CTL };

/* Fills fds: the card, the SAM, then the control port. */
static nfds_t poll_set(net_t *net, struct pollfd *fds)
{
    fds[P_CARD] = (struct pollfd){.fd = net->s->card_link.fd, .events = POLLIN}; /* -1: ignored by poll */
    fds[P_SAM] = (struct pollfd){.fd = net->s->sam_link.fd, .events = POLLIN};
    return simio_ctl_poll_set(&net->ctl, fds, P_CTL);
}

static bool ready(const struct pollfd *p, int fd)
{
    return p->fd >= 0 && p->fd == fd && (p->revents & (POLLIN | POLLHUP | POLLERR));
}

/* Reads before it accepts or reconnects, so that a descriptor closed and
 * reused within one round is never read under its old events. */
static void handle_events(net_t *net, const struct pollfd *fds)
{
    cardsim_t *s = net->s;
    if (ready(&fds[P_CARD], s->card_link.fd))
        cardsim_link_read(s, &s->card_link);
    if (ready(&fds[P_SAM], s->sam_link.fd))
        cardsim_link_read(s, &s->sam_link);
    simio_ctl_handle(&net->ctl, fds);
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
    struct pollfd fds[P_CTL + SIMIO_CTL_POLLFDS];
    while (!simio_stop_signal()) {
        sam_connect(net, kclock_mono(NULL));
        nfds_t n = poll_set(net, fds);
        int rc = poll(fds, n, timeout_ms(net->s, kclock_mono(NULL)));
        if (rc > 0)
            handle_events(net, fds);
        else if (rc < 0 && errno != EINTR)
            LOG_E(CARDSIM_LOG, "poll: %s", strerror(errno));
    }
}

static kerr_t open_port(net_t *net, int port, const char *ports_file, kmsg_t *msg)
{
    char text[32];
    if ((net->ctl.lfd = simio_listen_tcp("127.0.0.1", port, msg)) < 0)
        return K_EIO;
    snprintf(text, sizeof text, "control %d\n", simio_port_of(net->ctl.lfd));
    if (ports_file && !simio_write_file(ports_file, text))
        return kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", ports_file, strerror(errno));
    LOG_I(CARDSIM_LOG, "control port %d; card reader at %s:%s", simio_port_of(net->ctl.lfd), net->s->card_link.addr.host,
          net->s->card_link.addr.port);
    return K_OK;
}

static void close_all(net_t *net)
{
    cardsim_remove(net->s, "cardsim stops");
    cardsim_link_close(&net->s->sam_link);
    simio_ctl_close(&net->ctl);
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
    simio_ctl_init(&net->ctl, CARDSIM_LOG, answer, s);
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
