/* A line to a simulator's control port (docs/sim/): connect, send, read
 * one reply line, close. */
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kiosk/ui/demo/ui_script.h"

#define SIM_TIMEOUT_MS 5000

static int connect_to(const char *address, kmsg_t *msg)
{
    char host[128];
    const char *colon = strrchr(address, ':');
    if (!colon || colon == address || (size_t)(colon - address) >= sizeof host)
        return kmsg_set(msg, K_EINVAL, "'%s' is not HOST:PORT", address), -1;
    memcpy(host, address, (size_t)(colon - address));
    host[colon - address] = '\0';
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 || !ai)
        return kmsg_set(msg, K_EINVAL, "cannot resolve %s", address), -1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0)
        kmsg_set(msg, K_EIO, "cannot connect to the simulator at %s: is it running?", address);
    return fd;
}

kerr_t ui_sim_send(const char *address, const char *line, char *reply, size_t len, kmsg_t *msg)
{
    int fd = connect_to(address, msg);
    if (fd < 0)
        return K_EIO;
    char out[600];
    int n = snprintf(out, sizeof out, "%s\n", line);
    kerr_t rc = send(fd, out, (size_t)n, MSG_NOSIGNAL) == n ? K_OK : kmsg_set(msg, K_EIO, "%s: send failed", address);
    size_t got = 0;
    while (rc == K_OK && got + 1 < len) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t r = poll(&p, 1, SIM_TIMEOUT_MS) == 1 ? read(fd, reply + got, 1) : -1;
        if (r <= 0)
            rc = kmsg_set(msg, K_ETIMEOUT, "%s: no reply to '%s'", address, line);
        else if (reply[got] == '\n')
            break;
        else
            got++;
    }
    reply[got] = '\0';
    close(fd);
    return rc;
}
