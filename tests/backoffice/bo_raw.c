#include "bo_raw.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events; false once deadline has passed. */
static bool ready(int fd, short events, long deadline)
{
    long left = deadline - now_ms();
    struct pollfd p = {.fd = fd, .events = events};
    return left > 0 && poll(&p, 1, (int)left) == 1;
}

static int tcp_connect(const char *from, int port)
{
    struct sockaddr_in src = {.sin_family = AF_INET};
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (inet_pton(AF_INET, from ? from : "127.0.0.1", &src.sin_addr) != 1 ||
        inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr) != 1 || bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
        connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* each write goes at once, as libcurl's do */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static bool tls_start(boh_raw_t *c, const boh_t *h, const char *cert)
{
    gnutls_certificate_credentials_t cred;
    gnutls_session_t s;
    char ca[300], pem[300], key[300];
    snprintf(ca, sizeof ca, "%s/server-ca.pem", h->dir);
    snprintf(pem, sizeof pem, "%s/%s.pem", h->dir, cert ? cert : "");
    snprintf(key, sizeof key, "%s/%s.key", h->dir, cert ? cert : "");
    if (gnutls_certificate_allocate_credentials(&cred) < 0)
        return false;
    c->cred = cred;
    if (gnutls_certificate_set_x509_trust_file(cred, ca, GNUTLS_X509_FMT_PEM) < 0 ||
        (cert && gnutls_certificate_set_x509_key_file(cred, pem, key, GNUTLS_X509_FMT_PEM) < 0) ||
        gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0)
        return false;
    c->tls = s;
    gnutls_set_default_priority(s);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    gnutls_session_set_verify_cert(s, "localhost", 0);
    gnutls_transport_set_int(s, c->fd);
    long deadline = now_ms() + 5000;
    int rc;
    while ((rc = gnutls_handshake(s)) < 0 && !gnutls_error_is_fatal(rc))
        if (!ready(c->fd, gnutls_record_get_direction(s) ? POLLOUT : POLLIN, deadline))
            return false;
    return rc == 0;
}

bool boh_raw_open(boh_raw_t *c, const boh_t *h, const char *from, const char *cert, bool handshake)
{
    memset(c, 0, sizeof *c);
    c->fd = tcp_connect(from, h->port);
    if (c->fd < 0)
        return false;
    if (!h->tls || !handshake || tls_start(c, h, cert))
        return true;
    boh_raw_close(c);
    return false;
}

/* Whether a failed send or receive (k) may be tried again later. */
static bool again(const boh_raw_t *c, ssize_t k)
{
    if (c->tls)
        return k < 0 && !gnutls_error_is_fatal((int)k);
    return k < 0 && (errno == EAGAIN || errno == EINTR); /* EWOULDBLOCK is EAGAIN on Linux */
}

bool boh_raw_send(boh_raw_t *c, const void *data, size_t n)
{
    long deadline = now_ms() + 2000;
    const char *p = data;
    while (n > 0) {
        ssize_t k = c->tls ? gnutls_record_send(c->tls, p, n) : send(c->fd, p, n, MSG_NOSIGNAL);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
        } else if (!again(c, k) || !ready(c->fd, POLLOUT, deadline)) {
            return false;
        }
    }
    return true;
}

static ssize_t receive(boh_raw_t *c, char *buf, size_t len)
{
    return c->tls ? gnutls_record_recv(c->tls, buf, len) : recv(c->fd, buf, len, 0);
}

/* Whether a holds a whole answer: its headers and Content-Length bytes. */
static bool whole(const boh_raw_answer_t *a)
{
    const char *end = strstr(a->text, "\r\n\r\n");
    const char *len = strcasestr(a->text, "\r\nContent-Length:");
    if (!end || !len || len > end)
        return false;
    return (size_t)(end + 4 - a->text) + strtoul(len + 17, NULL, 10) <= a->n;
}

void boh_raw_read(boh_raw_t *c, int wait_ms, boh_raw_answer_t *a)
{
    memset(a, 0, sizeof *a);
    long start = now_ms(), deadline = start + wait_ms;
    char junk[4096];
    for (;;) {
        size_t room = sizeof a->text - 1 - a->n;
        ssize_t k = room ? receive(c, a->text + a->n, room) : receive(c, junk, sizeof junk);
        if (k > 0) {
            a->n += room ? (size_t)k : 0;
            a->text[a->n] = '\0';
            if (whole(a))
                break;
            continue;
        }
        if (!again(c, k)) {
            a->closed = true; /* the end of the stream, or the connection reset */
            break;
        }
        bool pending = c->tls && gnutls_record_check_pending(c->tls) > 0;
        if (!pending && !ready(c->fd, POLLIN, deadline))
            break;
    }
    a->text[a->n] = '\0';
    a->ms = now_ms() - start;
    if (sscanf(a->text, "HTTP/1.%*d %d", &a->status) != 1)
        a->status = 0;
}

void boh_raw_close(boh_raw_t *c)
{
    if (c->tls)
        gnutls_deinit(c->tls);
    if (c->cred)
        gnutls_certificate_free_credentials(c->cred);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->tls = NULL;
    c->cred = NULL;
}
