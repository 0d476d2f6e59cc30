/* The ESC/POS receipt printer (docs/protocols/escpos.md): a document is
 * encoded and sent as it is; the status is the four real-time queries
 * DLE EOT 1..4, one at a time, each answered by one byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "drivers/printer/escpos.h"
#include "drivers/printer/printer.h"
#include "drivers/printer/printer_line.h"

#define MODULE "escpos"

typedef struct escpos_printer {
    printer__line_t line;
    int status_timeout_ms;
} escpos_printer_t;

static printer_err_t ep_print(void *ctx, const printer_doc_t *doc, kmsg_t *msg)
{
    escpos_printer_t *p = ctx;
    uint8_t *bytes = NULL;
    size_t n = 0;
    if (escpos_encode(doc, &bytes, &n, msg) != K_OK)
        return PRINTER_BAD_DOC;
    log_hex(LOG_DEBUG, MODULE, "send", bytes, n);
    kerr_t rc = printer__line_ready(&p->line, msg);
    if (rc == K_OK)
        rc = printer__line_send(&p->line, bytes, n, msg);
    free(bytes);
    if (rc == K_OK)
        LOG_I(MODULE, "%s: receipt of %zu items sent (%zu bytes)", p->line.name, doc->n, n);
    return rc == K_OK ? PRINTER_OK : PRINTER_IO;
}

/* One query, one byte back within the status timeout. */
static printer_err_t ask(escpos_printer_t *p, unsigned n, uint8_t *answer, kmsg_t *msg)
{
    uint8_t q[3];
    escpos_status_query(n, q);
    printer__line_drain(&p->line);
    log_hex(LOG_DEBUG, MODULE, "send", q, sizeof q);
    if (printer__line_send(&p->line, q, sizeof q, msg) != K_OK)
        return PRINTER_IO;
    long r = printer__line_recv(&p->line, answer, 1, p->status_timeout_ms);
    if (r < 0) {
        kmsg_set(msg, K_EIO, "%s: the link failed while waiting for status %u", p->line.name, n);
        return PRINTER_IO;
    }
    if (r == 0) {
        kmsg_set(msg, K_ETIMEOUT,
                 "%s did not answer status query DLE EOT %u within %d ms: is it on, connected and speaking ESC/POS?",
                 p->line.name, n, p->status_timeout_ms);
        return PRINTER_NO_ANSWER;
    }
    log_hex(LOG_DEBUG, MODULE, "received", answer, 1);
    return PRINTER_OK;
}

/* A file takes everything and never answers: it is always ready. */
static void file_status(printer_status_t *out)
{
    memset(out, 0, sizeof *out);
    out->online = true;
    out->paper = PRINTER_PAPER_OK;
    memset(out->raw, 0x12, sizeof out->raw);
}

static printer_err_t ep_status(void *ctx, printer_status_t *out, kmsg_t *msg)
{
    escpos_printer_t *p = ctx;
    uint8_t raw[ESCPOS_STATUS_QUERIES];
    if (!printer__line_answers(&p->line)) {
        file_status(out);
        return PRINTER_OK;
    }
    if (printer__line_ready(&p->line, msg) != K_OK)
        return PRINTER_IO;
    for (unsigned n = 1; n <= ESCPOS_STATUS_QUERIES; n++) {
        printer_err_t e = ask(p, n, &raw[n - 1], msg);
        if (e != PRINTER_OK)
            return e;
    }
    if (escpos_status_parse(raw, out, msg) != K_OK) {
        kmsg_prefix(msg, "%s: ", p->line.name);
        return PRINTER_PROTOCOL;
    }
    char text[160];
    printer_status_text(out, text, sizeof text);
    LOG_D(MODULE, "%s: %s", p->line.name, text);
    return PRINTER_OK;
}

static printer_err_t ep_probe(void *ctx, kmsg_t *msg)
{
    printer_status_t st;
    char text[160];
    printer_err_t e = ep_status(ctx, &st, msg);
    if (e != PRINTER_OK)
        return e;
    printer_status_text(&st, text, sizeof text);
    if (!printer_status_ready(&st)) {
        kmsg_set(msg, K_EDEVICE, "cannot print: %s", text);
        return PRINTER_NOT_READY;
    }
    kmsg_set(msg, K_OK, "%s", text);
    return PRINTER_OK;
}

static void ep_close(void *ctx)
{
    escpos_printer_t *p = ctx;
    printer__line_close(&p->line);
    free(p);
}

static const printer_ops_t escpos_ops = {"escpos", ep_print, ep_status, ep_close, ep_probe};

kerr_t printer_escpos_open(const printer_link_t *link, printer_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (link->timeout_ms <= 0 || link->status_timeout_ms <= 0)
        return kmsg_set(msg, K_EINVAL, "receipt printer: timeouts must be positive");
    escpos_printer_t *p = calloc(1, sizeof *p);
    if (!p)
        return kmsg_set(msg, K_EIO, "receipt printer: out of memory");
    p->status_timeout_ms = link->status_timeout_ms;
    kerr_t rc = printer__line_open(&p->line, link, msg);
    if (rc != K_OK) {
        free(p);
        return rc;
    }
    out->ops = &escpos_ops;
    out->ctx = p;
    return K_OK;
}
