/* What a receipt printer says about itself, protocol-neutral. The driver
 * fills it in; whether to sell with or without a receipt is the kiosk's
 * business (docs/protocols/escpos.md, "What the kiosk does"). */
#ifndef DRIVERS_PRINTER_PRINTER_STATUS_H
#define DRIVERS_PRINTER_PRINTER_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum printer_paper { PRINTER_PAPER_OK, PRINTER_PAPER_NEAR_END, PRINTER_PAPER_OUT } printer_paper_t;

typedef struct printer_status {
    bool online;           /* the printer takes data and prints it */
    printer_paper_t paper;
    bool cover_open;
    bool error;            /* any error below, or the printer says one occurred */
    bool cutter_error;
    bool unrecoverable;    /* needs service: power cycle or repair */
    bool auto_recoverable; /* clears itself (head too hot, ...) */
    uint8_t raw[4];        /* the answers to the status queries 1..4, as received */
} printer_status_t;

/* True if a receipt printed now should come out whole: online, paper not
 * out, cover closed, no error (paper near its end is still ready). */
bool printer_status_ready(const printer_status_t *s);

/* "ok", "near-end" or "out". */
const char *printer_paper_name(printer_paper_t p);

/* The status in words for logs and alerts: "online, paper near-end" or
 * "offline, paper out, cover open, cutter error". */
void printer_status_text(const printer_status_t *s, char *out, size_t cap);

#endif
