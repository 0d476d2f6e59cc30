#include "drivers/printer/printer.h"

#include <stdlib.h>
#include <string.h>

/* The [printer] section as a link; K_EINVAL names the key at fault. */
static kerr_t link_of(const kiosk_config_t *cfg, printer_link_t *l, kmsg_t *msg)
{
    memset(l, 0, sizeof *l);
    l->baud = (unsigned)strtoul(cfg->printer_baud, NULL, 10);
    l->timeout_ms = (int)cfg->printer_timeout_ms;
    l->status_timeout_ms = (int)cfg->printer_status_timeout_ms;
    if (strcmp(cfg->printer_transport, "serial") == 0) {
        l->transport = PRINTER_SERIAL;
        l->target = cfg->printer_device;
    } else if (strcmp(cfg->printer_transport, "tcp") == 0) {
        l->transport = PRINTER_TCP;
        l->target = cfg->printer_address;
    } else if (strcmp(cfg->printer_transport, "file") == 0) {
        l->transport = PRINTER_FILE;
        l->target = cfg->printer_path;
    } else {
        return kmsg_set(msg, K_EINVAL, "printer.transport = %s: use serial, tcp or file", cfg->printer_transport);
    }
    return K_OK;
}

kerr_t printer_open(const kiosk_config_t *cfg, printer_t *out, kmsg_t *msg)
{
    printer_link_t link;
    memset(out, 0, sizeof *out);
    if (strcmp(cfg->printer_protocol, "escpos") != 0)
        return kmsg_set(msg, K_ENOTFOUND, "no receipt printer (printer.protocol = %s)", cfg->printer_protocol);
    kerr_t rc = link_of(cfg, &link, msg);
    return rc == K_OK ? printer_escpos_open(&link, out, msg) : rc;
}

void printer_close(printer_t *p)
{
    if (p && p->ops)
        p->ops->close(p->ctx);
    if (p)
        memset(p, 0, sizeof *p);
}

const char *printer_err_name(printer_err_t e)
{
    switch (e) {
    case PRINTER_OK: return "ok";
    case PRINTER_NO_ANSWER: return "no answer";
    case PRINTER_IO: return "link failed";
    case PRINTER_PROTOCOL: return "protocol error";
    case PRINTER_BAD_DOC: return "bad document";
    }
    return "?";
}
