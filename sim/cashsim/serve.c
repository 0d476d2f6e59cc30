/* One single-threaded poll loop: the pty (requests in, echo and answers
 * out), the control port's listening socket and its connections, and the
 * escrow timeout. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kiosk/app/clock.h"
#include "kiosk/app/log.h"
#include "sim/cashsim/csim.h"

#define MAX_CONNS 16
#define CONN_BUF 4096
#define TICK_MS 100
#define HUNG_CHECK_MS 20 /* how often a closed pty is checked for a new host */
#define SEND_TIMEOUT_S 2

typedef struct conn {
    int fd; /* -1 = free */
    char buf[CONN_BUF];
    size_t n;
} conn_t;

typedef struct server {
    csim_t *s;
    csim_link_t link;
    int lfd;
    conn_t conns[MAX_CONNS];
} server_t;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int listen_tcp(const char *addr, int port, kmsg_t *msg)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
        kmsg_set(msg, K_EINVAL, "--listen %s is not an IPv4 address", addr);
        return -1;
    }
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
        kmsg_set(msg, K_EIO, "cannot listen on %s:%d: %s", addr, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int port_of(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    return getsockname(fd, (struct sockaddr *)&a, &len) == 0 ? ntohs(a.sin_port) : -1;
}

/* "control PORT\npty PATH\n" (PATH: the --link symlink as given), written
 * to a tmp file and renamed. */
static bool write_ports(const char *path, const server_t *sv)
{
    char tmp[CSIM_PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return false;
    bool ok = fprintf(f, "control %d\npty %s\n", port_of(sv->lfd), sv->link.path) > 0 && fflush(f) == 0 &&
              fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    return ok && rename(tmp, path) == 0;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static void close_conn(conn_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->n = 0;
}

static void accept_conn(server_t *sv)
{
    int fd = accept4(sv->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < MAX_CONNS; i++)
        if (sv->conns[i].fd < 0) {
            struct timeval tv = {.tv_sec = SEND_TIMEOUT_S};
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            sv->conns[i].fd = fd;
            sv->conns[i].n = 0;
            return;
        }
    LOG_W(CSIM_LOG, "more than %d control connections: refusing one", MAX_CONNS);
    close(fd);
}

/* Answers each whole line a control connection has sent. */
static void pump_control(server_t *sv, conn_t *c)
{
    char *nl;
    while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->n))) {
        *nl = '\0';
        char *answer = csim_control(sv->s, c->buf);
        const char *line = answer ? answer : "error out of memory";
        bool ok = send_all(c->fd, line, strlen(line)) && send_all(c->fd, "\n", 1);
        free(answer);
        size_t used = (size_t)(nl - c->buf) + 1;
        memmove(c->buf, c->buf + used, c->n - used);
        c->n -= used;
        if (!ok)
            close_conn(c);
    }
    if (c->fd >= 0 && c->n == CONN_BUF) {
        send_all(c->fd, "error line too long\n", 20);
        close_conn(c);
    }
}

static void read_conn(server_t *sv, conn_t *c)
{
    ssize_t r = recv(c->fd, c->buf + c->n, CONN_BUF - c->n, 0);
    if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
        close_conn(c);
        return;
    }
    if (r > 0) {
        c->n += (size_t)r;
        pump_control(sv, c);
    }
}

static void log_frame(const char *label, const cctalk_frame_t *f)
{
    uint8_t raw[CCTALK_MAX_FRAME];
    if (log_enabled(LOG_DEBUG))
        log_hex(LOG_DEBUG, CSIM_LOG, label, raw, cctalk_encode(f, raw, sizeof raw));
}

/* One request: maybe ignored (silent), answered, maybe the answer lost. */
static void on_request(server_t *sv, const cctalk_frame_t *req)
{
    csim_t *s = sv->s;
    cctalk_frame_t ans;
    uint8_t out[CCTALK_MAX_FRAME];
    log_frame("in", req);
    if (s->faults.silent > 0) {
        s->faults.silent--;
        LOG_I(CSIM_LOG, "fault: header %u ignored (silent, %u more)", req->header, s->faults.silent);
        return;
    }
    csim_cctalk_answer(s, req, &ans, kclock_mono(NULL));
    if (s->faults.lose_reply > 0) {
        s->faults.lose_reply--;
        LOG_I(CSIM_LOG, "fault: answer to header %u lost (%u more)", req->header, s->faults.lose_reply);
        return;
    }
    log_frame("out", &ans);
    csim_link_write(&sv->link, out, cctalk_encode(&ans, out, sizeof out));
}

/* Reads what the host sent: echo first (a single-wire bus), then the
 * answers to whole requests. */
static void read_link(server_t *sv)
{
    uint8_t buf[512];
    long r;
    while ((r = csim_link_read(&sv->link, buf, sizeof buf)) > 0) {
        if (sv->s->echo)
            csim_link_write(&sv->link, buf, (size_t)r);
        cctalk_stream_feed(&sv->link.rx, buf, (size_t)r);
        cctalk_frame_t req;
        while (csim_next_request(&sv->link.rx, &req))
            on_request(sv, &req);
    }
}

/* Fills fds: the pty (unless hung), the listener, then connections. */
static nfds_t poll_set(server_t *sv, struct pollfd *fds, conn_t **owner)
{
    nfds_t n = 0;
    fds[n++] = (struct pollfd){.fd = sv->link.hung ? -1 : sv->link.master, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = sv->lfd, .events = POLLIN};
    for (int i = 0; i < MAX_CONNS; i++)
        if (sv->conns[i].fd >= 0) {
            owner[n] = &sv->conns[i];
            fds[n++] = (struct pollfd){.fd = sv->conns[i].fd, .events = POLLIN};
        }
    return n;
}

static int timeout_ms(const server_t *sv, int64_t now)
{
    int64_t wait = sv->link.hung ? HUNG_CHECK_MS : TICK_MS, due = csim_escrow_deadline(sv->s);
    if (due != INT64_MAX && due - now < wait)
        wait = due <= now ? 0 : due - now;
    return (int)wait;
}

static void handle_events(server_t *sv, const struct pollfd *fds, conn_t *const *owner, nfds_t n)
{
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        read_link(sv);
    if (fds[1].revents & POLLIN)
        accept_conn(sv);
    for (nfds_t k = 2; k < n; k++) {
        if (fds[k].revents & POLLIN)
            read_conn(sv, owner[k]);
        else if (fds[k].revents & (POLLHUP | POLLERR))
            close_conn(owner[k]);
    }
}

static void loop(server_t *sv)
{
    struct pollfd fds[2 + MAX_CONNS];
    conn_t *owner[2 + MAX_CONNS];
    while (!stop_signal) {
        csim_escrow_expire(sv->s, kclock_mono(NULL));
        if (sv->link.hung)
            csim_link_check(&sv->link);
        nfds_t n = poll_set(sv, fds, owner);
        int rc = poll(fds, n, timeout_ms(sv, kclock_mono(NULL)));
        if (rc > 0)
            handle_events(sv, fds, owner, n);
        else if (rc < 0 && errno != EINTR)
            LOG_E(CSIM_LOG, "poll: %s", strerror(errno));
    }
}

static kerr_t open_all(server_t *sv, const csim_opts_t *o, kmsg_t *msg)
{
    kerr_t rc = csim_link_open(&sv->link, o->link, msg);
    if (rc != K_OK)
        return rc;
    if ((sv->lfd = listen_tcp(o->listen_addr, o->control_port, msg)) < 0)
        return K_EIO;
    if (o->ports_file && !write_ports(o->ports_file, sv))
        return kmsg_set(msg, K_EIO, "cannot write the ports file %s: %s", o->ports_file, strerror(errno));
    LOG_I(CSIM_LOG, "bill validator on %s -> %s; control on %s:%d", sv->link.path, sv->link.slave, o->listen_addr,
          port_of(sv->lfd));
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
    sv->lfd = -1;
    sv->link.master = -1;
    for (int i = 0; i < MAX_CONNS; i++)
        sv->conns[i].fd = -1;
    catch_signals();
    kmsg_t msg = {""};
    int status = 0;
    kerr_t rc = open_all(sv, o, &msg);
    if (rc != K_OK) {
        fprintf(stderr, "cashsim: %s\n", msg.text);
        status = rc == K_EINVAL ? 2 : 1;
    } else {
        loop(sv);
        LOG_I(CSIM_LOG, "signal %d: saving the state and stopping", (int)stop_signal);
    }
    if (!csim_state_save(s))
        status = 1;
    for (int i = 0; i < MAX_CONNS; i++)
        close_conn(&sv->conns[i]);
    if (sv->lfd >= 0)
        close(sv->lfd);
    csim_link_close(&sv->link);
    free(sv);
    return status;
}
