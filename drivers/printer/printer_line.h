/* The printer's end of the wire, internal to drivers/printer: a serial
 * device at the configured speed, a TCP link connected on demand, or a
 * file that takes bytes and never answers. Writes have a deadline. */
#ifndef DRIVERS_PRINTER_PRINTER_LINE_H
#define DRIVERS_PRINTER_PRINTER_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "drivers/printer/printer.h"
#include "drivers/transport/tcp_link.h"

typedef struct printer__line {
    printer_transport_t transport;
    int fd;          /* serial device or file; -1 for TCP (see tcp) */
    tcp_link_t tcp;
    int timeout_ms;
    char name[160];  /* "receipt printer /dev/ttyUSB1", for messages */
} printer__line_t;

/* Opens the serial device or the file now; a TCP link only checks
 * host:port (it connects on first use). */
kerr_t printer__line_open(printer__line_t *l, const printer_link_t *link, kmsg_t *msg);

/* True if the other end can answer (serial, TCP); false for a file. */
bool printer__line_answers(const printer__line_t *l);

/* Connects a TCP link that is not (or no longer) connected; nothing to do
 * for the others. */
kerr_t printer__line_ready(printer__line_t *l, kmsg_t *msg);

/* Sends all n bytes within the line's timeout. */
kerr_t printer__line_send(printer__line_t *l, const uint8_t *p, size_t n, kmsg_t *msg);

/* Receives what arrives within timeout_ms (at least one byte): the count,
 * 0 on timeout, -1 if the line failed. */
long printer__line_recv(printer__line_t *l, uint8_t *p, size_t cap, int timeout_ms);

/* Throws away whatever is waiting to be read (a late answer). */
void printer__line_drain(printer__line_t *l);

void printer__line_close(printer__line_t *l);

#endif
