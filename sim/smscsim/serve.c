/* smscsim's sockets: the SMPP port (up to SMSC_CONNS ESMEs at once), the
 * control port, one poll loop. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/smscsim/smsc.h"

void smsc_hang_up(smsc_conn_t *c, const char *why)
{
    if (c->fd < 0)
        return;
    close(c->fd);
    c->fd = -1;
    c->bound = 0;
    LOG_I(SMSC_LOG, "ESME %s: %s", c->system_id[0] ? c->system_id : "(not bound)", why);
}

bool smsc_send(smsc_conn_t *c, smsc_out_t *o)
{
    if (c->fd < 0 || !smsc_out_end(o))
        return false;
    log_hex(LOG_DEBUG, SMSC_LOG, "SMSC -> ESME", o->b, o->n);
    if (simio_send_all(c->fd, o->b, o->n))
        return true;
    smsc_hang_up(c, "cannot send");
    return false;
}

static void accept_esme(smsc_t *s, int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < SMSC_CONNS; i++) {
        smsc_conn_t *c = &s->conn[i];
        if (c->fd >= 0)
            continue;
        memset(c, 0, sizeof *c);
        c->fd = fd;
        simio_tune_conn(fd, true);
        LOG_I(SMSC_LOG, "ESME connected");
        return;
    }
    LOG_W(SMSC_LOG, "all %d connections taken: a new one is refused", SMSC_CONNS);
    close(fd);
}

static void read_esme(smsc_t *s, smsc_conn_t *c)
{
    ssize_t r = recv(c->fd, c->rx + c->rx_n, sizeof c->rx - c->rx_n, MSG_DONTWAIT);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (r <= 0) {
        smsc_hang_up(c, r == 0 ? "closed the connection" : strerror(errno));
        return;
    }
    c->rx_n += (size_t)r;
    long len;
    while (c->fd >= 0 && (len = smsc_wire_need(c->rx, c->rx_n)) != 0) {
        if (len < 0) {
            smsc_hang_up(c, "sent a command_length no PDU can have");
            return;
        }
        uint8_t pdu[SMSC_PDU_MAX];
        memcpy(pdu, c->rx, (size_t)len);
        memmove(c->rx, c->rx + len, c->rx_n - (size_t)len);
        c->rx_n -= (size_t)len;
        log_hex(LOG_DEBUG, SMSC_LOG, "ESME -> SMSC", pdu, (size_t)len);
        smsc_handle(s, c, pdu, (size_t)len);
    }
}

static char *answer_line(void *ctx, char *line)
{
    return smsc_control(ctx, line);
}

static bool write_ports(const char *path, int smpp, int control)
{
    char text[64];
    snprintf(text, sizeof text, "smpp %d\ncontrol %d\n", smpp, control);
    return simio_write_file(path, text);
}

static void loop(smsc_t *s, int lfd, simio_ctl_t *ctl)
{
    struct pollfd fds[1 + SMSC_CONNS + SIMIO_CTL_POLLFDS];
    while (!simio_stop_signal()) {
        fds[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
        for (int i = 0; i < SMSC_CONNS; i++)
            fds[1 + i] = (struct pollfd){.fd = s->conn[i].fd, .events = POLLIN};
        nfds_t n = simio_ctl_poll_set(ctl, fds, 1 + SMSC_CONNS);
        int next = smsc_later_flush(s, kclock_mono(NULL));
        int rc = poll(fds, n, next >= 0 && next < 1000 ? next : 1000);
        if (rc < 0 && errno != EINTR)
            LOG_E(SMSC_LOG, "poll: %s", strerror(errno));
        if (rc <= 0)
            continue;
        for (int i = 0; i < SMSC_CONNS; i++)
            if (fds[1 + i].fd >= 0 && fds[1 + i].fd == s->conn[i].fd && (fds[1 + i].revents & (POLLIN | POLLHUP | POLLERR)))
                read_esme(s, &s->conn[i]);
        simio_ctl_handle(ctl, fds);
        if (fds[0].revents & POLLIN)
            accept_esme(s, lfd);
    }
}

int smsc_serve(smsc_t *s, const smsc_listen_t *l)
{
    simio_ctl_t ctl;
    kmsg_t msg = {""};
    simio_ctl_init(&ctl, SMSC_LOG, answer_line, s);
    simio_catch_signals();
    for (int i = 0; i < SMSC_CONNS; i++)
        s->conn[i].fd = -1;
    int lfd = simio_listen_tcp(l->addr, l->smpp, &msg);
    if (lfd >= 0)
        ctl.lfd = simio_listen_tcp(l->addr, l->control, &msg);
    int status = 0;
    if (lfd < 0 || ctl.lfd < 0) {
        fprintf(stderr, "smscsim: %s\n", msg.text);
        status = 1;
    } else if (l->ports_file && !write_ports(l->ports_file, simio_port_of(lfd), simio_port_of(ctl.lfd))) {
        fprintf(stderr, "smscsim: cannot write %s: %s\n", l->ports_file, strerror(errno));
        status = 1;
    } else {
        LOG_I(SMSC_LOG, "listening on %s: smpp %d, control %d", l->addr, simio_port_of(lfd), simio_port_of(ctl.lfd));
        loop(s, lfd, &ctl);
    }
    for (int i = 0; i < SMSC_CONNS; i++)
        smsc_hang_up(&s->conn[i], "the SMSC stops");
    simio_ctl_close(&ctl);
    if (lfd >= 0)
        close(lfd);
    return status;
}
