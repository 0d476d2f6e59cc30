#include "drivers/printer/printer.h"

#include <string.h>

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
