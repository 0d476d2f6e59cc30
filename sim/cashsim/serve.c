/* One single-threaded poll loop: the pty (requests in, echo and answers
 * out), the control port's listening socket and its connections, and the
 * escrow timeout. */
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
#include "sim/cashsim/csim.h"
#include "sim/common/simio.h"
#include "sim/common/simpty.h"

#define TICK_MS 100
#define HUNG_CHECK_MS 20 /* how often a closed pty is checked for a new host */

typedef struct server {
    csim_t *s;
    simpty_t link;   /* the serial line the host opens */
    simrx_t rx;      /* what the host sent, not yet whole frames */
    simio_ctl_t ctl; /* the control port */
} server_t;

/* "control PORT\npty PATH\n" (PATH: the --link symlink as given), written
 * appearing whole. */
static bool write_ports(const char *path, const server_t *sv)
{
    char text[CSIM_PATH_MAX + 32];
    snprintf(text, sizeof text, "control %d\npty %s\n", simio_port_of(sv->ctl.lfd), sv->link.path);
    return simio_write_file(path, text);
}

/* Answers each whole line a control connection has sent. */
static char *answer(void *ctx, char *line)
{
    return csim_control(ctx, line);
}

static void log_frame(const char *label, const csim_frame_t *f)
{
    uint8_t raw[CSIM_FRAME_MAX];
    if (log_enabled(LOG_DEBUG))
        log_hex(LOG_DEBUG, CSIM_LOG, label, raw, csim_frame_encode(f, raw, sizeof raw));
}

/* One request: maybe ignored (silent), answered with nonsense and not
 * carried out (bad-answer), answered, maybe the answer lost. */
static void on_request(server_t *sv, const csim_frame_t *req)
{
    csim_t *s = sv->s;
    csim_frame_t ans;
    uint8_t out[CSIM_FRAME_MAX];
    log_frame("in", req);
    if (s->faults.silent > 0) {
        s->faults.silent--;
        LOG_I(CSIM_LOG, "fault: header %u ignored (silent, %u more)", req->header, s->faults.silent);
        return;
    }
    if (s->faults.bad_answer) {
        s->faults.bad_answer = false;
        ans = (csim_frame_t){.dest = CSIM_ADDR_HOST, .src = CSIM_ADDR_BILL, .header = s->faults.bad_header};
        LOG_I(CSIM_LOG, "fault: header %u not carried out, answered with header %u and no data", req->header,
              ans.header);
        log_frame("out", &ans);
        simpty_write(&sv->link, out, csim_frame_encode(&ans, out, sizeof out));
        return;
    }
    csim_cctalk_answer(s, req, &ans, kclock_mono(NULL));
    if (s->faults.lose_reply > 0) {
        s->faults.lose_reply--;
        LOG_I(CSIM_LOG, "fault: answer to header %u lost (%u more)", req->header, s->faults.lose_reply);
        return;
    }
    log_frame("out", &ans);
    simpty_write(&sv->link, out, csim_frame_encode(&ans, out, sizeof out));
}

/* Reads what the host sent: echo first (a single-wire bus), then the
 * answers to whole requests. */
static void read_link(server_t *sv)
{
    uint8_t buf[512];
    long r;
    while ((r = simpty_read(&sv->link, buf, sizeof buf)) > 0) {
        if (sv->s->echo)
            simpty_write(&sv->link, buf, (size_t)r);
        simrx_feed(&sv->rx, buf, (size_t)r);
        csim_frame_t req;
        while (csim_next_request(&sv->rx, &req))
            on_request(sv, &req);
    }
    if (r < 0)
        csim_frame_rx_init(&sv->rx); /* a half-received frame dies with the session */
}

/* Fills fds: the pty (unless hung), then the control port. */
static nfds_t poll_set(server_t *sv, struct pollfd *fds)
{
    fds[0] = (struct pollfd){.fd = sv->link.hung ? -1 : sv->link.master, .events = POLLIN};
    return simio_ctl_poll_set(&sv->ctl, fds, 1);
}

static int timeout_ms(const server_t *sv, int64_t now)
{
    int64_t wait = sv->link.hung ? HUNG_CHECK_MS : TICK_MS, due = csim_escrow_deadline(sv->s);
    if (due != INT64_MAX && due - now < wait)
        wait = due <= now ? 0 : due - now;
    return (int)wait;
}

static void handle_events(server_t *sv, const struct pollfd *fds)
{
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        read_link(sv);
    simio_ctl_handle(&sv->ctl, fds);
}

static void loop(server_t *sv)
{
    struct pollfd fds[1 + SIMIO_CTL_POLLFDS];
    while (!simio_stop_signal()) {
        csim_escrow_expire(sv->s, kclock_mono(NULL));
        if (sv->link.hung)
            simpty_check(&sv->link);
        nfds_t n = poll_set(sv, fds);
        int rc = poll(fds, n, timeout_ms(sv, kclock_mono(NULL)));
        if (rc > 0)
            handle_events(sv, fds);
        else if (rc < 0 && errno != EINTR)
            LOG_E(CSIM_LOG, "poll: %s", strerror(errno));
    }
}

static kerr_t open_all(server_t *sv, const csim_opts_t *o, kmsg_t *msg)
{
    kerr_t rc = simpty_open(&sv->link, o->link, CSIM_LOG, msg);
    if (rc != K_OK)
        return rc;
    if ((sv->ctl.lfd = simio_listen_tcp(o->listen_addr, o->control_port, msg)) < 0)
        return K_EIO;
    if (o->ports_file && !write_ports(o->ports_file, sv))
        return kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", o->ports_file, strerror(errno));
    LOG_I(CSIM_LOG, "bill validator on %s -> %s; control on %s:%d", sv->link.path, sv->link.slave, o->listen_addr,
          simio_port_of(sv->ctl.lfd));
    return K_OK;
}

int csim_serve(csim_t *s, const csim_opts_t *o)
{
    server_t *sv = calloc(1, sizeof *sv);
    if (!sv) {
        LOG_E(CSIM_LOG, "out of memory");
        return 1;
    }
    sv->s = s;
    sv->link.master = -1;
    csim_frame_rx_init(&sv->rx);
    simio_ctl_init(&sv->ctl, CSIM_LOG, answer, s);
    simio_catch_signals();
    kmsg_t msg = {""};
    int status = 0;
    kerr_t rc = open_all(sv, o, &msg);
    if (rc != K_OK) {
        fprintf(stderr, "cashsim: %s\n", msg.text);
        status = rc == K_EINVAL ? 2 : 1;
    } else {
        loop(sv);
        LOG_I(CSIM_LOG, "signal %d: saving the state and stopping", simio_stop_signal());
    }
    if (!csim_state_save(s))
        status = 1;
    simio_ctl_close(&sv->ctl);
    simpty_close(&sv->link);
    free(sv);
    return status;
}
