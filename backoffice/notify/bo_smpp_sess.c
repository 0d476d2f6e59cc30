/* The SMPP session under the SMS channel: one TCP connection, bound as a
 * transceiver (or transmitter), read PDU by PDU; what the SMSC asks on
 * its own (receipts, enquire_link, unbind) is answered on the way. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backoffice/notify/bo_ch_smpp_int.h"
#include "base/backoff.h"
#include "base/log.h"

int64_t smpp_now(const bo_smpp_t *s)
{
    return kclock_mono(s->cfg.clock);
}

uint32_t smpp_seq(bo_smpp_t *s)
{
    uint32_t seq = s->next_seq;
    s->next_seq = seq >= 0x7FFFFFFFu ? 1 : seq + 1;
    return seq;
}

void smpp_sess_drop(bo_smpp_t *s, const char *why)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->bound = false;
    s->rx_n = 0;
    s->enquire_seq = 0;
    s->jitter = s->jitter * 1103515245u + 12345u;
    int64_t wait = backoff_delay_ms(++s->failures, s->cfg.backoff_ms, s->cfg.backoff_max_ms, s->jitter);
    s->reconnect_at = smpp_now(s) + wait;
    LOG_W(SMPP_LOG, "SMSC %s:%d: %s; the next connection in %lld ms", s->host, s->cfg.port, why, (long long)wait);
}

static int remaining(const bo_smpp_t *s, int64_t deadline)
{
    int64_t left = deadline - smpp_now(s);
    return left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

/* A non-blocking connect to one address, waited for until deadline. */
static int connect_one(bo_smpp_t *s, const struct addrinfo *ai, int64_t deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct pollfd p = {fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (poll(&p, 1, remaining(s, deadline)) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err) {
        close(fd);
        errno = err ? err : ETIMEDOUT;
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static kerr_t tcp_connect(bo_smpp_t *s, int64_t deadline, kmsg_t *msg)
{
    char port[8];
    snprintf(port, sizeof port, "%d", s->cfg.port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(s->host, port, &hints, &res);
    if (rc != 0)
        return kmsg_set(msg, K_EIO, "SMSC %s: %s", s->host, gai_strerror(rc));
    for (const struct addrinfo *ai = res; ai && s->fd < 0; ai = ai->ai_next)
        s->fd = connect_one(s, ai, deadline);
    freeaddrinfo(res);
    if (s->fd < 0)
        return kmsg_set(msg, K_EIO, "cannot connect to the SMSC %s:%d: %s", s->host, s->cfg.port, strerror(errno));
    s->rx_n = 0;
    return K_OK;
}

/* Sends the bind and waits for its answer. */
static kerr_t bind_session(bo_smpp_t *s, int64_t deadline, kmsg_t *msg)
{
    bo_smpp_bind_t b = {!s->cfg.transmitter, s->system_id, s->password, s->system_type};
    uint8_t pdu[BO_SMPP_MAX_PDU];
    uint32_t seq = smpp_seq(s);
    size_t n = bo_smpp_encode_bind(&b, seq, pdu, sizeof pdu);
    if (n == 0 || !smpp_sess_write(s, pdu, n, NULL))
        return kmsg_set(msg, K_EIO, "the SMSC closed the connection before the bind");
    bo_smpp_header_t h;
    int got;
    while ((got = smpp_sess_next(s, deadline, &h, pdu)) == 1 && h.seq != seq)
        LOG_W(SMPP_LOG, "a stray %s (sequence %u) before the bind's answer", bo_smpp_cmd_name(h.cmd), h.seq);
    if (got != 1)
        return kmsg_set(msg, got == 0 ? K_ETIMEOUT : K_EIO, "the SMSC did not answer the bind%s",
                        got == 0 ? " in time" : "");
    if (h.cmd == BO_SMPP_GENERIC_NACK || h.status != BO_SMPP_ROK)
        return kmsg_set(msg, K_EDENIED, "the SMSC refused the bind as %s: %s (0x%02X)", s->system_id,
                        bo_smpp_status_name(h.status), h.status);
    return K_OK;
}

kerr_t smpp_sess_open(bo_smpp_t *s, int64_t deadline, kmsg_t *msg)
{
    kerr_t rc = tcp_connect(s, deadline, msg);
    if (rc == K_OK)
        rc = bind_session(s, deadline, msg);
    if (rc != K_OK) {
        smpp_sess_drop(s, msg->text);
        return rc;
    }
    s->bound = true;
    s->failures = 0;
    s->last_io_ms = smpp_now(s);
    LOG_I(SMPP_LOG, "bound to %s:%d as %s (%s)", s->host, s->cfg.port, s->system_id,
          s->cfg.transmitter ? "transmitter" : "transceiver");
    return K_OK;
}

bool smpp_sess_write(bo_smpp_t *s, const uint8_t *pdu, size_t n, const uint8_t *log)
{
    if (s->fd < 0)
        return false;
    if (log_enabled(LOG_DEBUG))
        log_hex(LOG_DEBUG, SMPP_LOG, bo_smpp_cmd_name((uint32_t)pdu[4] << 24 | (uint32_t)pdu[5] << 16 | pdu[6] << 8 | pdu[7]),
                log ? log : pdu, n);
    for (size_t off = 0; off < n;) {
        ssize_t w = send(s->fd, pdu + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {s->fd, POLLOUT, 0};
            if (poll(&p, 1, 2000) == 1)
                continue;
        }
        if (w <= 0) {
            smpp_sess_drop(s, w < 0 ? strerror(errno) : "the SMSC stopped reading");
            return false;
        }
        off += (size_t)w;
    }
    s->last_io_ms = smpp_now(s);
    return true;
}

static void answer_empty(bo_smpp_t *s, uint32_t cmd, uint32_t status, uint32_t seq)
{
    uint8_t out[BO_SMPP_HEADER];
    smpp_sess_write(s, out, bo_smpp_encode_empty(cmd, status, seq, out, sizeof out), NULL);
}

/* A request from the SMSC, or an answer that is not the caller's. False
 * when the session ended (unbind). */
static bool handle_other(bo_smpp_t *s, const bo_smpp_header_t *h, const uint8_t *pdu)
{
    switch (h->cmd) {
    case BO_SMPP_DELIVER_SM: smpp_dlr_received(s, pdu, h->len, h->seq); return s->fd >= 0;
    case BO_SMPP_ENQUIRE_LINK: answer_empty(s, h->cmd | BO_SMPP_RESP, 0, h->seq); return s->fd >= 0;
    case BO_SMPP_ENQUIRE_LINK | BO_SMPP_RESP: s->enquire_seq = 0; return true;
    case BO_SMPP_UNBIND:
        answer_empty(s, h->cmd | BO_SMPP_RESP, 0, h->seq);
        smpp_sess_drop(s, "the SMSC unbound");
        return false;
    default:
        LOG_W(SMPP_LOG, "the SMSC sent %s (0x%08X): answered with generic_nack", bo_smpp_cmd_name(h->cmd), h->cmd);
        answer_empty(s, BO_SMPP_GENERIC_NACK, BO_SMPP_RINVCMDID, h->seq);
        return s->fd >= 0;
    }
}

/* Takes one whole PDU off the receive buffer into pdu: 1, 0 if none is
 * whole yet, -1 if the stream is broken. */
static int take_pdu(bo_smpp_t *s, bo_smpp_header_t *h, uint8_t *pdu)
{
    bo_smpp_frame_t f = bo_smpp_frame(s->rx, s->rx_n, h);
    if (f == BO_SMPP_BAD) {
        smpp_sess_drop(s, "a PDU length no PDU can have");
        return -1;
    }
    if (f == BO_SMPP_MORE)
        return 0;
    memcpy(pdu, s->rx, h->len);
    memmove(s->rx, s->rx + h->len, s->rx_n - h->len);
    s->rx_n -= h->len;
    s->last_io_ms = smpp_now(s);
    if (h->cmd != BO_SMPP_DELIVER_SM) /* a deliver_sm is dumped by smpp_dlr_received, its number masked */
        log_hex(LOG_DEBUG, SMPP_LOG, bo_smpp_cmd_name(h->cmd), pdu, h->len);
    return 1;
}

/* Reads what the socket has, waiting up to wait_ms: 1 read, 0 nothing, -1 gone. */
static int fill(bo_smpp_t *s, int wait_ms)
{
    struct pollfd p = {s->fd, POLLIN, 0};
    int rc = poll(&p, 1, wait_ms);
    if (rc <= 0)
        return rc < 0 && errno != EINTR ? -1 : 0;
    ssize_t r = recv(s->fd, s->rx + s->rx_n, sizeof s->rx - s->rx_n, MSG_DONTWAIT);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (r <= 0) {
        smpp_sess_drop(s, r == 0 ? "the SMSC closed the connection" : strerror(errno));
        return -1;
    }
    s->rx_n += (size_t)r;
    return 1;
}

int smpp_sess_next(bo_smpp_t *s, int64_t deadline, bo_smpp_header_t *h, uint8_t *pdu)
{
    for (;;) {
        if (s->fd < 0)
            return -1;
        int got = take_pdu(s, h, pdu);
        if (got < 0)
            return -1;
        if (got == 1 && (h->cmd & BO_SMPP_RESP) && h->cmd != (BO_SMPP_ENQUIRE_LINK | BO_SMPP_RESP))
            return 1;
        if (got == 1) {
            if (!handle_other(s, h, pdu))
                return -1;
            continue;
        }
        int wait = remaining(s, deadline);
        int rc = fill(s, wait);
        if (rc < 0)
            return -1;
        if (rc == 0 && wait == 0)
            return 0;
    }
}

bool smpp_sess_pump(bo_smpp_t *s)
{
    bo_smpp_header_t h;
    uint8_t pdu[BO_SMPP_MAX_PDU];
    int got;
    while ((got = smpp_sess_next(s, 0, &h, pdu)) == 1)
        LOG_W(SMPP_LOG, "a late %s (sequence %u, %s): its request had been given up", bo_smpp_cmd_name(h.cmd), h.seq,
              bo_smpp_status_name(h.status));
    if (got < 0)
        return false;
    int64_t now = smpp_now(s);
    if (s->enquire_seq && now - s->enquire_ms > s->cfg.timeout_ms) {
        smpp_sess_drop(s, "enquire_link went unanswered");
        return false;
    }
    if (!s->enquire_seq && now - s->last_io_ms >= s->cfg.enquire_ms) {
        uint8_t out[BO_SMPP_HEADER];
        s->enquire_seq = smpp_seq(s);
        s->enquire_ms = now;
        return smpp_sess_write(s, out, bo_smpp_encode_empty(BO_SMPP_ENQUIRE_LINK, 0, s->enquire_seq, out, sizeof out),
                               NULL);
    }
    return true;
}

void smpp_sess_close(bo_smpp_t *s)
{
    if (s->fd < 0)
        return;
    uint8_t out[BO_SMPP_MAX_PDU];
    bo_smpp_header_t h;
    if (s->bound && smpp_sess_write(s, out, bo_smpp_encode_empty(BO_SMPP_UNBIND, 0, smpp_seq(s), out, sizeof out), NULL))
        smpp_sess_next(s, smpp_now(s) + 1000, &h, out);
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->bound = false;
}
