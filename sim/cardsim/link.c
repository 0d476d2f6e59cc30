/* The connections to vpcd (PROTOCOLS.md §6): cardsim is the TCP client;
 * both directions are a 2-byte big-endian length and a payload. One byte
 * from vpcd is control (00 power off, 01 power on, 02 reset, 04 the ATR,
 * which alone is answered); more is a command APDU, answered with data and
 * SW1 SW2. Closing the card's connection is pulling the card out. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/cardsim/cardsim.h"

#define CONNECT_TIMEOUT_S 2

static const uint8_t card_atr[] = {0x3B, 0x88, 0x80, 0x01, 0x4B, 0x50, 0x52, 0x45, 0x50, 0x41, 0x59, 0x31, 0x7C};
static const uint8_t sam_atr[] = {0x3B, 0x88, 0x80, 0x01, 0x4B, 0x50, 0x53, 0x41, 0x4D, 0x30, 0x30, 0x31, 0x7C};
_Static_assert(sizeof card_atr == sizeof sam_atr, "both ATRs are 13 bytes");

/* HOST:PORT, split at the last colon. */
bool cardsim_addr_parse(const char *text, cardsim_addr_t *a)
{
    const char *colon = strrchr(text, ':');
    int64_t port;
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof a->host ||
        !simio_parse_int(colon + 1, 1, 65535, &port))
        return false;
    snprintf(a->host, sizeof a->host, "%.*s", (int)(colon - text), text);
    snprintf(a->port, sizeof a->port, "%d", (int)port);
    return true;
}

static int connect_one(const struct addrinfo *ai)
{
    struct timeval tv = {.tv_sec = CONNECT_TIMEOUT_S};
    int one = 1, fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); /* bounds connect() and every send */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    int err = errno;
    close(fd);
    errno = err;
    return -1;
}

/* Connects to a vpcd reader (2 s at most). */
bool cardsim_link_open(cardsim_link_t *l, kmsg_t *msg)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(l->addr.host, l->addr.port, &hints, &res);
    if (rc != 0) {
        kmsg_set(msg, K_EIO, "cannot resolve %s: %s", l->addr.host, gai_strerror(rc));
        return false;
    }
    int fd = -1;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
        fd = connect_one(ai);
    if (fd < 0)
        kmsg_set(msg, K_EIO, "cannot connect to vpcd at %s:%s: %s", l->addr.host, l->addr.port, strerror(errno));
    freeaddrinfo(res);
    if (fd < 0)
        return false;
    cardsim_link_close(l);
    l->fd = fd;
    l->n = 0;
    LOG_I(CARDSIM_LOG, "%s: connected to vpcd at %s:%s", l->name, l->addr.host, l->addr.port);
    return true;
}

/* Closes a reader connection. */
void cardsim_link_close(cardsim_link_t *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    l->n = 0;
}

/* The connection is gone: the card is out, or the SAM tries again soon. */
static void lost(cardsim_t *s, cardsim_link_t *l, const char *why)
{
    if (l == &s->card_link) {
        cardsim_remove(s, why);
        return;
    }
    LOG_W(CARDSIM_LOG, "SAM: %s; connecting again in %d ms", why, CARDSIM_SAM_RETRY_MS);
    cardsim_link_close(l);
    s->sam_selected = false;
    s->sam_retry_ms = kclock_mono(NULL) + CARDSIM_SAM_RETRY_MS;
}

static void send_frame(cardsim_t *s, cardsim_link_t *l, const uint8_t *p, size_t n)
{
    uint8_t out[2 + CARDSIM_RESP_MAX];
    out[0] = (uint8_t)(n >> 8);
    out[1] = (uint8_t)n;
    memcpy(out + 2, p, n);
    log_hex(LOG_DEBUG, CARDSIM_LOG, l == &s->card_link ? "card -> vpcd" : "SAM -> vpcd", p, n);
    if (!simio_send_all(l->fd, out, n + 2))
        lost(s, l, "vpcd is gone (a send failed)");
}

static void power(cardsim_t *s, cardsim_link_t *l, uint8_t code)
{
    bool card = l == &s->card_link;
    static const char *const names[] = {"power off", "power on", "reset"};
    if (code <= 2) {
        LOG_I(CARDSIM_LOG, "%s: %s", l->name, names[code]);
        if (card)
            cardsim_card_reset(&s->card);
        else
            s->sam_selected = false;
    } else if (code == 4) {
        send_frame(s, l, card ? card_atr : sam_atr, sizeof card_atr);
    } else {
        LOG_W(CARDSIM_LOG, "%s: unknown control byte %02X from vpcd: ignored", l->name, code);
    }
}

static void handle_frame(cardsim_t *s, cardsim_link_t *l, const uint8_t *p, size_t n)
{
    cardsim_resp_t r = {.n = 0};
    log_hex(LOG_DEBUG, CARDSIM_LOG, l == &s->card_link ? "vpcd -> card" : "vpcd -> SAM", p, n);
    if (n == 0) {
        LOG_W(CARDSIM_LOG, "%s: an empty frame from vpcd: ignored", l->name);
        return;
    }
    if (n == 1) {
        power(s, l, p[0]);
        return;
    }
    if (l == &s->card_link) {
        if (cardsim_card_apdu(&s->card, &s->tears, p, n, &r) == CARDSIM_TEAR) {
            cardsim_remove(s, "pulled out (tear)");
            return;
        }
    } else {
        cardsim_sam_apdu(s, p, n, &r);
    }
    send_frame(s, l, r.b, r.n);
}

/* Answers every whole frame; stops if the connection closes meanwhile. */
static void pump(cardsim_t *s, cardsim_link_t *l)
{
    size_t at = 0;
    while (l->fd >= 0 && l->n - at >= 2) {
        size_t len = (size_t)l->rx[at] << 8 | l->rx[at + 1];
        if (l->n - at < 2 + len)
            break;
        handle_frame(s, l, l->rx + at + 2, len);
        at += 2 + len;
    }
    if (l->fd < 0)
        return;
    memmove(l->rx, l->rx + at, l->n - at);
    l->n -= at;
}

/* Reads from a reader and answers its whole frames. */
void cardsim_link_read(cardsim_t *s, cardsim_link_t *l)
{
    ssize_t r = recv(l->fd, l->rx + l->n, sizeof l->rx - l->n, MSG_DONTWAIT);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (r <= 0) {
        lost(s, l, r == 0 ? "vpcd closed the connection" : strerror(errno));
        return;
    }
    l->n += (size_t)r;
    /* vpcd writes a frame's length and its payload separately: acknowledge
     * at once, or the payload waits for the delayed ACK (tens of ms per APDU) */
    int one = 1;
    setsockopt(l->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    pump(s, l);
}
