/* A TCP client link with deadlines: connect, send, receive with a timeout.
 * Shared by the drivers that frame their own bytes (DL/T 645, ZVT). */
#ifndef DRIVERS_TRANSPORT_TCP_LINK_H
#define DRIVERS_TRANSPORT_TCP_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct tcp_link {
    const char *what; /* names the peer in errors: "gateway", "card terminal" */
    char host[128];
    uint16_t port;
    int fd; /* -1 when not connected */
} tcp_link_t;

/* Parses "host:port" into the link (not connected yet); what (a string
 * that outlives the link) names the peer in error messages. */
kerr_t tcp_link_init(tcp_link_t *l, const char *what, const char *hostport, kmsg_t *msg);

/* Connects if not connected, within timeout_ms. */
kerr_t tcp_link_connect(tcp_link_t *l, int timeout_ms, kmsg_t *msg);

/* Discards whatever the peer sent that nobody read (a late answer). */
void tcp_link_drain(tcp_link_t *l);

/* Sends all of buf. K_EIO with *none_sent true if not a byte left us. */
kerr_t tcp_link_send(tcp_link_t *l, const uint8_t *buf, size_t n, bool *none_sent, kmsg_t *msg);

/* Receives what is available within timeout_ms (at least one byte);
 * returns the count, 0 on timeout, -1 if the link broke. */
long tcp_link_recv(tcp_link_t *l, uint8_t *buf, size_t cap, int timeout_ms);

/* Closes the connection; the link can connect again. */
void tcp_link_close(tcp_link_t *l);

/* Milliseconds on the monotonic clock (deadlines). */
int64_t tcp_link_now_ms(void);

#endif
