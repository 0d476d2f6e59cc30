/* The printer's sensors, and the status bytes they give (the table in
 * docs/protocols/escpos.md, "Status": the simulator's own copy of it). */
#include <string.h>

#include "sim/printsim/prsim.h"

enum {
    FIXED = 0x12,                           /* bits 1 and 4 */
    OFFLINE = 1 << 3,                       /* n = 1 */
    COVER_OPEN = 1 << 2, PAPER_STOP = 1 << 5, ERROR_OCCURRED = 1 << 6, /* n = 2 */
    NEAR_END = 3 << 2, PAPER_END = 3 << 5,  /* n = 4 */
};

static uint8_t error_bits(prsim_error_t e)
{
    switch (e) {
    case PRSIM_ERR_NONE: return 0;
    case PRSIM_ERR_MECHANICAL: return 1 << 2;
    case PRSIM_ERR_CUTTER: return 1 << 3;
    case PRSIM_ERR_UNRECOVERABLE: return 1 << 5;
    case PRSIM_ERR_AUTO_RECOVERABLE: return 1 << 6;
    }
    return 0;
}

bool prsim_printable(const prsim_dev_t *d)
{
    return !d->offline && d->paper != PRSIM_PAPER_OUT && !d->cover_open && d->error == PRSIM_ERR_NONE;
}

uint8_t prsim_status_byte(const prsim_dev_t *d, int n)
{
    uint8_t b = FIXED;
    bool out = d->paper == PRSIM_PAPER_OUT;
    switch (n) {
    case 1: return prsim_printable(d) ? b : b | OFFLINE;
    case 2:
        if (d->cover_open)
            b |= COVER_OPEN;
        if (out)
            b |= PAPER_STOP;
        if (d->error != PRSIM_ERR_NONE)
            b |= ERROR_OCCURRED;
        return b;
    case 3: return b | error_bits(d->error);
    case 4: return out ? b | NEAR_END | PAPER_END : d->paper == PRSIM_PAPER_NEAR_END ? b | NEAR_END : b;
    default: return b;
    }
}

static const char *const paper_names[] = {"ok", "near-end", "out"};
static const char *const error_names[] = {"none", "mechanical", "cutter", "unrecoverable", "auto-recoverable"};

const char *prsim_paper_name(prsim_paper_t p)
{
    return p <= PRSIM_PAPER_OUT ? paper_names[p] : "?";
}

const char *prsim_error_name(prsim_error_t e)
{
    return e <= PRSIM_ERR_AUTO_RECOVERABLE ? error_names[e] : "?";
}

bool prsim_paper_parse(const char *text, prsim_paper_t *out)
{
    for (int i = 0; i <= PRSIM_PAPER_OUT; i++)
        if (strcmp(text, paper_names[i]) == 0) {
            *out = (prsim_paper_t)i;
            return true;
        }
    return false;
}

bool prsim_error_parse(const char *text, prsim_error_t *out)
{
    for (int i = 0; i <= PRSIM_ERR_AUTO_RECOVERABLE; i++)
        if (strcmp(text, error_names[i]) == 0) {
            *out = (prsim_error_t)i;
            return true;
        }
    return false;
}
