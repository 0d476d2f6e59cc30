#include "drivers/transport/tcp_link.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t tcp_link_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

kerr_t tcp_link_init(tcp_link_t *l, const char *what, const char *hostport, kmsg_t *msg)
{
    memset(l, 0, sizeof *l);
    l->fd = -1;
    l->what = what;
    const char *colon = strrchr(hostport, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    if (!colon || colon == hostport || (size_t)(colon - hostport) >= sizeof l->host || *end || port <= 0 ||
        port > 65535)
        return kmsg_set(msg, K_EINVAL, "'%s' is not host:port", hostport);
    memcpy(l->host, hostport, (size_t)(colon - hostport));
    l->port = (uint16_t)port;
    return K_OK;
}

static bool wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int rc;
    do
        rc = poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    return rc > 0;
}

/* Non-blocking connect to one address, finished within timeout_ms. */
static int connect_one(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int err = 0;
    socklen_t len = sizeof err;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
        (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, timeout_ms) ||
         getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) {
        close(fd);
        errno = err ? err : ETIMEDOUT;
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

kerr_t tcp_link_connect(tcp_link_t *l, int timeout_ms, kmsg_t *msg)
{
    if (l->fd >= 0)
        return K_OK;
    char port[8];
    snprintf(port, sizeof port, "%u", l->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    int rc = getaddrinfo(l->host, port, &hints, &res);
    if (rc != 0)
        return kmsg_set(msg, K_EIO, "%s %s:%u: %s", l->what, l->host, l->port, gai_strerror(rc));
    for (struct addrinfo *ai = res; ai && l->fd < 0; ai = ai->ai_next)
        l->fd = connect_one(ai, timeout_ms);
    int err = errno;
    freeaddrinfo(res);
    if (l->fd < 0)
        return kmsg_set(msg, K_EIO, "%s %s:%u: %s", l->what, l->host, l->port, strerror(err));
    return K_OK;
}

void tcp_link_drain(tcp_link_t *l)
{
    uint8_t junk[256];
    while (l->fd >= 0 && recv(l->fd, junk, sizeof junk, MSG_DONTWAIT) > 0) {
    }
}

kerr_t tcp_link_send(tcp_link_t *l, const uint8_t *buf, size_t n, bool *none_sent, kmsg_t *msg)
{
    size_t off = 0;
    *none_sent = true;
    while (off < n) {
        ssize_t w = send(l->fd, buf + off, n - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
            *none_sent = false;
        } else if (w < 0 && errno == EAGAIN && wait_fd(l->fd, POLLOUT, 1000)) {
            continue;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else {
            int err = errno;
            tcp_link_close(l);
            return kmsg_set(msg, K_EIO, "%s %s:%u: send failed: %s", l->what, l->host, l->port, strerror(err));
        }
    }
    return K_OK;
}

long tcp_link_recv(tcp_link_t *l, uint8_t *buf, size_t cap, int timeout_ms)
{
    if (l->fd < 0)
        return -1;
    if (!wait_fd(l->fd, POLLIN, timeout_ms))
        return 0;
    ssize_t r = recv(l->fd, buf, cap, MSG_DONTWAIT);
    if (r > 0)
        return (long)r;
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    tcp_link_close(l);
    return -1;
}

void tcp_link_close(tcp_link_t *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}
