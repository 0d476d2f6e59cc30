/* One single-threaded poll loop: the printer's TCP port (one connection at
 * a time; a new one replaces the old, as a printer drops a kiosk that went
 * away), the pty, the control port and its connections. Bytes from each
 * way in go through that link's parser to the one printer; a status
 * answer goes back the way its query came. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/printsim/prsim.h"

enum { TICK_MS = 100, HUNG_CHECK_MS = 20, READ_BUF = 4096 };
enum { FD_TCP_LISTEN, FD_TCP_CONN, FD_PTY, FD_FIXED };

/* The parser's callback: the event goes to the printer; an answer goes
 * back on the link it came from. */
static void on_event(void *ctx, const prsim_ev_t *ev)
{
    prsim_link_t *l = ctx;
    prsim_t *s = l->sim;
    int answer = prsim_printer_event(&s->printer, ev);
    if (answer < 0)
        return;
    uint8_t b = (uint8_t)answer;
    log_hex(LOG_DEBUG, PRSIM_LOG, l == &s->tcp ? "tcp out" : "pty out", &b, 1);
    if (l == &s->tcp && s->tcp_conn >= 0)
        simio_send_all(s->tcp_conn, &b, 1);
    else if (l == &s->serial)
        simpty_write(&s->pty, &b, 1);
}

static void feed(prsim_link_t *l, const uint8_t *buf, size_t n)
{
    log_hex(LOG_DEBUG, PRSIM_LOG, l->name[0] == 't' ? "tcp in" : "pty in", buf, n);
    l->bytes += n;
    prsim_parse(&l->parser, buf, n);
}

static void close_tcp(prsim_t *s, const char *why)
{
    if (s->tcp_conn < 0)
        return;
    close(s->tcp_conn);
    s->tcp_conn = -1;
    prsim_parse_reset(&s->tcp.parser);
    LOG_I(PRSIM_LOG, "printer connection closed: %s", why);
}

/* Reads what the host sent; false if nothing was there or the link closed. */
static bool read_tcp(prsim_t *s)
{
    uint8_t buf[READ_BUF];
    ssize_t r = recv(s->tcp_conn, buf, sizeof buf, MSG_DONTWAIT);
    if (r > 0)
        feed(&s->tcp, buf, (size_t)r);
    else if (r == 0 || (errno != EAGAIN && errno != EINTR))
        close_tcp(s, r == 0 ? "the host closed it" : strerror(errno));
    return r > 0;
}

/* Takes a new connection; the old one's bytes already here are printed first. */
static void accept_tcp(prsim_t *s)
{
    int fd = accept4(s->tcp_listen, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    while (s->tcp_conn >= 0 && read_tcp(s)) {
    }
    close_tcp(s, "a new connection replaces it");
    simio_tune_conn(fd, true);
    s->tcp_conn = fd;
    s->connections++;
    LOG_I(PRSIM_LOG, "printer connection %llu opened", (unsigned long long)s->connections);
}

static void read_pty(prsim_t *s)
{
    uint8_t buf[READ_BUF];
    long r;
    while ((r = simpty_read(&s->pty, buf, sizeof buf)) > 0)
        feed(&s->serial, buf, (size_t)r);
    if (r < 0)
        prsim_parse_reset(&s->serial.parser);
}

static char *answer(void *ctx, char *line)
{
    return prsim_control(ctx, line);
}

/* The fixed descriptors first (-1 where absent or hung), then the control port. */
static nfds_t poll_set(prsim_t *s, struct pollfd *fds)
{
    fds[FD_TCP_LISTEN] = (struct pollfd){.fd = s->tcp_listen, .events = POLLIN};
    fds[FD_TCP_CONN] = (struct pollfd){.fd = s->tcp_conn, .events = POLLIN};
    fds[FD_PTY] = (struct pollfd){.fd = s->pty.hung ? -1 : s->pty.master, .events = POLLIN};
    return simio_ctl_poll_set(&s->ctl, fds, FD_FIXED);
}

static void handle(prsim_t *s, const struct pollfd *fds)
{
    if (fds[FD_TCP_CONN].revents & (POLLIN | POLLHUP | POLLERR))
        read_tcp(s);
    if (fds[FD_TCP_LISTEN].revents & POLLIN)
        accept_tcp(s);
    if (fds[FD_PTY].revents & (POLLIN | POLLHUP | POLLERR))
        read_pty(s);
    simio_ctl_handle(&s->ctl, fds);
}

static void loop(prsim_t *s)
{
    struct pollfd fds[FD_FIXED + SIMIO_CTL_POLLFDS];
    while (!simio_stop_signal()) {
        bool hung = s->pty.master >= 0 && s->pty.hung && !simpty_check(&s->pty);
        nfds_t n = poll_set(s, fds);
        int rc = poll(fds, n, hung ? HUNG_CHECK_MS : TICK_MS);
        if (rc > 0)
            handle(s, fds);
        else if (rc < 0 && errno != EINTR)
            LOG_E(PRSIM_LOG, "poll: %s", strerror(errno));
    }
}

/* "printer PORT", "control PORT" and "pty PATH" lines, appearing whole. */
static bool write_ports(const prsim_t *s, const char *path)
{
    char text[PRSIM_PATH_MAX + 64] = "";
    if (s->tcp_listen >= 0)
        snprintf(text, sizeof text, "printer %d\n", simio_port_of(s->tcp_listen));
    snprintf(text + strlen(text), sizeof text - strlen(text), "control %d\n", simio_port_of(s->ctl.lfd));
    if (s->pty.master >= 0)
        snprintf(text + strlen(text), sizeof text - strlen(text), "pty %s\n", s->pty.path);
    return simio_write_file(path, text);
}

static kerr_t open_all(prsim_t *s, const prsim_opts_t *o, kmsg_t *msg)
{
    kerr_t rc = prsim_out_open(&s->out, o->out, msg);
    if (rc == K_OK && o->link)
        rc = simpty_open(&s->pty, o->link, PRSIM_LOG, msg);
    if (rc == K_OK && o->tcp_port >= 0 && (s->tcp_listen = simio_listen_tcp(o->listen_addr, o->tcp_port, msg)) < 0)
        rc = K_EIO;
    if (rc == K_OK && (s->ctl.lfd = simio_listen_tcp(o->listen_addr, o->control_port, msg)) < 0)
        rc = K_EIO;
    if (rc == K_OK && o->ports_file && !write_ports(s, o->ports_file))
        rc = kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", o->ports_file, strerror(errno));
    if (rc == K_OK)
        LOG_I(PRSIM_LOG, "printer on tcp %d%s%s; control on %s:%d; receipts in %s",
              s->tcp_listen >= 0 ? simio_port_of(s->tcp_listen) : -1, o->link ? ", pty " : "", o->link ? o->link : "",
              o->listen_addr, simio_port_of(s->ctl.lfd), o->out);
    return rc;
}

static void on_cut(void *ctx, const prsim_page_t *page)
{
    prsim_out_write(ctx, page);
}

static void set_up(prsim_t *s)
{
    prsim_page_init(&s->printer.page);
    s->printer.cut = on_cut;
    s->printer.ctx = &s->out;
    s->tcp = (prsim_link_t){.sim = s, .name = "tcp", .parser = {.fn = on_event}};
    s->serial = (prsim_link_t){.sim = s, .name = "pty", .parser = {.fn = on_event}};
    s->tcp.parser.ctx = &s->tcp;
    s->serial.parser.ctx = &s->serial;
    s->tcp_listen = s->tcp_conn = -1;
    s->pty.master = -1;
    simio_ctl_init(&s->ctl, PRSIM_LOG, answer, s);
}

static void tear_down(prsim_t *s)
{
    close_tcp(s, "stopping");
    simio_ctl_close(&s->ctl);
    if (s->tcp_listen >= 0)
        close(s->tcp_listen);
    simpty_close(&s->pty);
    prsim_page_clear(&s->printer.page);
}

int prsim_serve(prsim_t *s, const prsim_opts_t *o)
{
    kmsg_t msg = {""};
    set_up(s);
    simio_catch_signals();
    kerr_t rc = open_all(s, o, &msg);
    if (rc == K_OK) {
        loop(s);
        LOG_I(PRSIM_LOG, "signal %d: stopping", simio_stop_signal());
    } else {
        fprintf(stderr, "printsim: %s\n", msg.text);
    }
    tear_down(s);
    return rc == K_OK ? 0 : rc == K_EINVAL ? 2 : 1;
}
