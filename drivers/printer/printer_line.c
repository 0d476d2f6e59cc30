#include "drivers/printer/printer_line.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/transport/serial.h"

/* The serial device; messages start with the printer's name. */
static kerr_t open_serial(printer__line_t *l, const printer_link_t *link, kmsg_t *msg)
{
    kerr_t rc = serial_open(link->target, link->baud, link->setting, &l->fd, msg);
    if (rc != K_OK)
        kmsg_prefix(msg, "receipt printer ");
    return rc;
}

kerr_t printer__line_open(printer__line_t *l, const printer_link_t *link, kmsg_t *msg)
{
    memset(l, 0, sizeof *l);
    l->fd = -1;
    l->tcp.fd = -1;
    l->transport = link->transport;
    l->timeout_ms = link->timeout_ms;
    snprintf(l->name, sizeof l->name, "receipt printer %s", link->target);
    kerr_t rc = K_OK;
    switch (link->transport) {
    case PRINTER_SERIAL: rc = open_serial(l, link, msg); break;
    case PRINTER_TCP:
        if ((rc = tcp_link_init(&l->tcp, "receipt printer", link->target, msg)) != K_OK)
            kmsg_prefix(msg, "receipt printer: ");
        break;
    case PRINTER_FILE:
        l->fd = open(link->target, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (l->fd < 0)
            rc = kmsg_set(msg, K_EIO, "%s: cannot open the file: %s (check %s)", l->name, strerror(errno),
                          link->setting);
        break;
    }
    if (rc != K_OK)
        printer__line_close(l);
    return rc;
}

bool printer__line_answers(const printer__line_t *l)
{
    return l->transport != PRINTER_FILE;
}

void printer__line_drain(printer__line_t *l)
{
    uint8_t junk[256];
    if (l->transport == PRINTER_TCP)
        while (tcp_link_recv(&l->tcp, junk, sizeof junk, 0) > 0) {
        }
    else if (l->transport == PRINTER_SERIAL)
        serial_drain(l->fd);
}

kerr_t printer__line_ready(printer__line_t *l, kmsg_t *msg)
{
    if (l->transport != PRINTER_TCP)
        return K_OK;
    printer__line_drain(l); /* notices a link the printer closed */
    return tcp_link_connect(&l->tcp, l->timeout_ms, msg);
}

/* Writes all of p to a descriptor, waiting while it is full, until the deadline. */
static kerr_t send_fd(printer__line_t *l, const uint8_t *p, size_t n, kmsg_t *msg)
{
    int64_t deadline = tcp_link_now_ms() + l->timeout_ms;
    while (n > 0) {
        ssize_t w = write(l->fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        int64_t left = deadline - tcp_link_now_ms();
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN && left > 0) {
            poll(&(struct pollfd){.fd = l->fd, .events = POLLOUT}, 1, (int)left);
            continue;
        }
        if (w < 0 && errno == EAGAIN)
            return kmsg_set(msg, K_ETIMEOUT, "%s took no data for %d ms (%zu bytes not sent): is it on?", l->name,
                            l->timeout_ms, n);
        return kmsg_set(msg, K_EIO, "%s: write failed: %s", l->name, w < 0 ? strerror(errno) : "nothing written");
    }
    return K_OK;
}

kerr_t printer__line_send(printer__line_t *l, const uint8_t *p, size_t n, kmsg_t *msg)
{
    if (l->transport != PRINTER_TCP)
        return send_fd(l, p, n, msg);
    bool none_sent;
    kerr_t rc = tcp_link_send(&l->tcp, p, n, &none_sent, msg);
    if (rc != K_OK && none_sent && tcp_link_connect(&l->tcp, l->timeout_ms, msg) == K_OK)
        rc = tcp_link_send(&l->tcp, p, n, &none_sent, msg); /* the printer had closed an idle link */
    return rc;
}

long printer__line_recv(printer__line_t *l, uint8_t *p, size_t cap, int timeout_ms)
{
    switch (l->transport) {
    case PRINTER_TCP: return tcp_link_recv(&l->tcp, p, cap, timeout_ms);
    case PRINTER_SERIAL: return serial_read(l->fd, p, cap, timeout_ms);
    case PRINTER_FILE: return 0;
    }
    return -1;
}

void printer__line_close(printer__line_t *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    tcp_link_close(&l->tcp);
}
