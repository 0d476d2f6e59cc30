/* The receipt printer: a protocol-neutral interface (a context plus a
 * const ops table). The driver prints what it is given and reports what
 * the printer says about itself; it decides nothing. The kiosk asks the
 * status before it takes money, and never makes the delivery of credit
 * depend on the printer. */
#ifndef DRIVERS_PRINTER_PRINTER_H
#define DRIVERS_PRINTER_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "drivers/printer/printer_doc.h"
#include "drivers/printer/printer_status.h"

typedef enum printer_err {
    PRINTER_OK = 0,
    PRINTER_NO_ANSWER, /* the printer did not answer a status query in time */
    PRINTER_IO,        /* the link failed: no connection, a write or read failed */
    PRINTER_PROTOCOL,  /* the printer answered something that is not a status */
    PRINTER_BAD_DOC,   /* the document cannot be encoded */
    PRINTER_NOT_READY, /* it answered that it cannot print now (paper out, cover open, offline, an error) */
} printer_err_t;

typedef enum printer_transport { PRINTER_SERIAL, PRINTER_TCP, PRINTER_FILE } printer_transport_t;

/* Where the printer is and how long it may take: what the ESC/POS backend
 * is opened with. */
typedef struct printer_link {
    printer_transport_t transport;
    const char *target;    /* serial: the device; tcp: host:port; file: the path */
    const char *setting;   /* the setting that names target, for messages ("printer.device") */
    unsigned baud;         /* serial: 1200..115200 */
    int timeout_ms;        /* connecting, and sending one receipt */
    int status_timeout_ms; /* each answer to a status query */
} printer_link_t;

typedef struct printer_ops {
    const char *name;
    /* Sends the document to the printer. PRINTER_OK means every byte left
     * the kiosk, not that paper came out: ask the status for that. */
    printer_err_t (*print)(void *ctx, const printer_doc_t *doc, kmsg_t *msg);
    /* Asks the printer how it is, within the status timeout per question. */
    printer_err_t (*status)(void *ctx, printer_status_t *out, kmsg_t *msg);
    void (*close)(void *ctx);
    /* Asks whether the printer could print a receipt now: PRINTER_OK with
     * its status in words in msg; PRINTER_NOT_READY when its status says it
     * cannot (printer_status_ready); other codes as status gives them.
     * printer_probe_none for a backend with nothing to ask. */
    printer_err_t (*probe)(void *ctx, kmsg_t *msg);
} printer_ops_t;

typedef struct printer {
    const printer_ops_t *ops;
    void *ctx;
} printer_t;

/* The ESC/POS backend (docs/protocols/escpos.md) on a serial device, a TCP
 * port or a plain file (bytes appended; the status is always ready). A TCP
 * printer is connected at its first use, and again after the link broke,
 * so a printer switched on later is found. */
kerr_t printer_escpos_open(const printer_link_t *link, printer_t *out, kmsg_t *msg);

/* Closes it (a zeroed printer_t is fine). */
void printer_close(printer_t *p);

/* The probe of a backend with nothing to ask: PRINTER_OK. */
printer_err_t printer_probe_none(void *ctx, kmsg_t *msg);

/* A short name of an error code ("no answer"). */
const char *printer_err_name(printer_err_t e);

#endif
