#include "drivers/printer/printer.h"

#include <string.h>

void printer_close(printer_t *p)
{
    if (p && p->ops)
        p->ops->close(p->ctx);
    if (p)
        memset(p, 0, sizeof *p);
}

printer_err_t printer_probe_none(void *ctx, kmsg_t *msg)
{
    (void)ctx;
    kmsg_set(msg, K_OK, "open (nothing to ask)");
    return PRINTER_OK;
}

const char *printer_err_name(printer_err_t e)
{
    switch (e) {
    case PRINTER_OK: return "ok";
    case PRINTER_NO_ANSWER: return "no answer";
    case PRINTER_IO: return "link failed";
    case PRINTER_PROTOCOL: return "protocol error";
    case PRINTER_BAD_DOC: return "bad document";
    case PRINTER_NOT_READY: return "cannot print";
    }
    return "?";
}
