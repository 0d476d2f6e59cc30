#include "sim/cardsim_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/support.h"

#define MAX_ARGS 40

/* A listening socket on the loopback address. */
int cs_listen(int port, int *bound)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t len = sizeof a;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

static bool read_ports(cs_sim_t *c)
{
    char *text = file_read(c->sc.dir, "ports");
    bool ok = text && sscanf(text, "control %d", &c->sc.control) == 1;
    free(text);
    return ok;
}

static bool wait_ports(cs_sim_t *c)
{
    for (int i = 0; i < 500; i++) {
        if (read_ports(c))
            return true;
        int status;
        if (waitpid(c->sc.pid, &status, WNOHANG) == c->sc.pid) {
            c->sc.pid = 0;
            return false;
        }
        usleep(10000);
    }
    return false;
}

/* Starts cardsim against the test's own vpcd readers. */
bool cs_start(cs_sim_t *c, const char *bin, const char *dir, bool sam, const char *const *extra)
{
    static char vpcd[64], sam_addr[64], key[600], ports[600], log[600];
    memset(c, 0, sizeof *c);
    c->sam_lfd = -1;
    snprintf(c->sc.dir, sizeof c->sc.dir, "%s", dir);
    if ((c->card_lfd = cs_listen(0, &c->card_port)) < 0 || (sam && (c->sam_lfd = cs_listen(0, &c->sam_port)) < 0))
        return false;
    snprintf(vpcd, sizeof vpcd, "127.0.0.1:%d", c->card_port);
    snprintf(sam_addr, sizeof sam_addr, "127.0.0.1:%d", c->sam_port);
    snprintf(key, sizeof key, "%s/master.key", dir);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    snprintf(log, sizeof log, "%s/cardsim.log", dir);
    unlink(ports);
    const char *argv[MAX_ARGS] = {bin, "--vpcd", vpcd, "--master-key", key, "--control", "0", "--ports-file", ports,
                                  "--log-level", "debug"};
    int n = 11;
    if (sam) {
        argv[n++] = "--sam";
        argv[n++] = sam_addr;
    }
    for (int i = 0; extra && extra[i] && n < MAX_ARGS - 1; i++)
        argv[n++] = extra[i];
    if (!sc_write_key(dir) || (c->sc.pid = sc_spawn(bin, log, argv)) < 0)
        return false;
    if (wait_ports(c))
        return true;
    cs_stop(c);
    return false;
}

/* Stops cardsim and closes the readers. */
int cs_stop(cs_sim_t *c)
{
    int rc = c->sc.pid > 0 ? sc_stop(&c->sc) : 0;
    if (c->card_lfd >= 0)
        close(c->card_lfd);
    if (c->sam_lfd >= 0)
        close(c->sam_lfd);
    c->card_lfd = c->sam_lfd = -1;
    return rc;
}

/* Takes cardsim's next connection to a reader. */
int cs_accept(int lfd, int timeout_ms)
{
    struct pollfd p = {.fd = lfd, .events = POLLIN};
    if (lfd < 0 || poll(&p, 1, timeout_ms) <= 0)
        return -1;
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Sends one vpcd frame. */
bool cs_send(int fd, const uint8_t *p, size_t n)
{
    uint8_t b[2 + 65535];
    if (fd < 0 || n > 65535)
        return false;
    b[0] = (uint8_t)(n >> 8);
    b[1] = (uint8_t)n;
    memcpy(b + 2, p, n);
    return send(fd, b, n + 2, MSG_NOSIGNAL) == (ssize_t)(n + 2);
}

/* Exactly n bytes before the deadline: 1, 0 on timeout, -1 if closed. */
static int recv_exact(int fd, uint8_t *b, size_t n, int64_t deadline)
{
    size_t got = 0;
    while (got < n) {
        int64_t left = deadline - sc_now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return 0;
        ssize_t r = recv(fd, b + got, n - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 1;
}

/* Receives one vpcd frame. */
int cs_recv(int fd, uint8_t *out, size_t cap, size_t *n, int timeout_ms)
{
    uint8_t head[2];
    int64_t deadline = sc_now_ms() + timeout_ms;
    *n = 0;
    if (fd < 0)
        return -1;
    int rc = recv_exact(fd, head, 2, deadline);
    if (rc != 1)
        return rc;
    size_t len = (size_t)head[0] << 8 | head[1];
    if (len > cap)
        return -1;
    rc = recv_exact(fd, out, len, deadline);
    if (rc == 1)
        *n = len;
    return rc;
}

/* Sends an APDU and receives its answer. */
int cs_transmit(int fd, const uint8_t *apdu, size_t n, uint8_t *resp, size_t cap, size_t *rn, int timeout_ms)
{
    if (!cs_send(fd, apdu, n))
        return -1;
    return cs_recv(fd, resp, cap, rn, timeout_ms);
}

/* Powers the card up and reads its ATR. */
bool cs_power_on(int fd, uint8_t *atr, size_t cap, size_t *n)
{
    const uint8_t on = 0x01, get_atr = 0x04;
    return cs_send(fd, &on, 1) && cs_send(fd, &get_atr, 1) && cs_recv(fd, atr, cap, n, 2000) == 1;
}
