/* drivers/transport/tcp_link.h on the scripted line (fuzz_line.h) and its
 * virtual clock: the driver fuzz targets link this instead of tcp_link.c.
 * What was on the line goes with a connection that closes; the log of what
 * was read starts again with each connection. */
#include <stdio.h>
#include <string.h>

#include "drivers/transport/tcp_link.h"
#include "fuzz_line.h"

int64_t tcp_link_now_ms(void)
{
    return fline.now_ms;
}

kerr_t tcp_link_init(tcp_link_t *l, const char *what, const char *hostport, kmsg_t *msg)
{
    memset(l, 0, sizeof *l);
    l->fd = -1;
    l->what = what;
    if (snprintf(l->host, sizeof l->host, "%s", hostport) >= (int)sizeof l->host)
        return kmsg_set(msg, K_EINVAL, "'%s' is not host:port", hostport);
    return K_OK;
}

kerr_t tcp_link_connect(tcp_link_t *l, int timeout_ms, kmsg_t *msg)
{
    if (l->fd >= 0)
        return K_OK;
    if (fline_refuse()) {
        fline.now_ms += timeout_ms;
        return kmsg_set(msg, K_EIO, "%s %s: connection refused", l->what, l->host);
    }
    fline_discard();
    fline_mark();
    fline.connects++;
    l->fd = 1; /* a mark only: no descriptor is used */
    return K_OK;
}

void tcp_link_drain(tcp_link_t *l)
{
    if (l->fd >= 0)
        fline_discard();
}

kerr_t tcp_link_send(tcp_link_t *l, const uint8_t *buf, size_t n, bool *none_sent, kmsg_t *msg)
{
    bool some_sent = false;
    if (l->fd < 0 || !fline_write(buf, n, &some_sent)) {
        *none_sent = !some_sent;
        tcp_link_close(l);
        return kmsg_set(msg, K_EIO, "%s %s: send failed", l->what, l->host);
    }
    *none_sent = false;
    return K_OK;
}

long tcp_link_recv(tcp_link_t *l, uint8_t *buf, size_t cap, int timeout_ms)
{
    if (l->fd < 0)
        return -1;
    long r = fline_read(buf, cap, timeout_ms);
    if (r < 0)
        tcp_link_close(l);
    return r;
}

void tcp_link_close(tcp_link_t *l)
{
    if (l->fd >= 0)
        fline_discard();
    l->fd = -1;
}
