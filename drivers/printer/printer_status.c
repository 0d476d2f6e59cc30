#include "drivers/printer/printer_status.h"

#include <stdio.h>

bool printer_status_ready(const printer_status_t *s)
{
    return s->online && s->paper != PRINTER_PAPER_OUT && !s->cover_open && !s->error;
}

const char *printer_paper_name(printer_paper_t p)
{
    switch (p) {
    case PRINTER_PAPER_OK: return "ok";
    case PRINTER_PAPER_NEAR_END: return "near-end";
    case PRINTER_PAPER_OUT: return "out";
    }
    return "?";
}

void printer_status_text(const printer_status_t *s, char *out, size_t cap)
{
    snprintf(out, cap, "%s, paper %s%s%s%s%s%s", s->online ? "online" : "offline", printer_paper_name(s->paper),
             s->cover_open ? ", cover open" : "", s->cutter_error ? ", cutter error" : "",
             s->unrecoverable ? ", unrecoverable error" : "", s->auto_recoverable ? ", auto-recoverable error" : "",
             s->error && !s->cutter_error && !s->unrecoverable && !s->auto_recoverable ? ", error" : "");
}
