/* Command APDUs in their short forms (ISO 7816-4 cases 1 to 4), answers,
 * and the three files by SFI: the simulator's own reading of docs/card.md,
 * shared with no driver. */
#include <string.h>

#include "sim/cardsim/cardsim_card.h"

/* Splits a short command APDU into header, data and LE. */
bool cardsim_apdu_parse(const uint8_t *b, size_t n, cardsim_apdu_t *a)
{
    memset(a, 0, sizeof *a);
    if (n < 4)
        return false;
    a->cla = b[0];
    a->ins = b[1];
    a->p1 = b[2];
    a->p2 = b[3];
    if (n == 4)
        return true;
    if (n == 5) {
        a->has_le = true;
        a->le = b[4];
        return true;
    }
    size_t lc = b[4];
    if (lc == 0 || (n != 5 + lc && n != 6 + lc))
        return false; /* an extended length, or bytes that do not add up */
    a->has_lc = true;
    a->lc = lc;
    a->data = b + 5;
    if (n == 6 + lc) {
        a->has_le = true;
        a->le = b[n - 1];
    }
    return true;
}

/* An answer that is a status word alone. */
void cardsim_resp_sw(cardsim_resp_t *r, uint16_t sw)
{
    r->n = 0;
    r->b[r->n++] = (uint8_t)(sw >> 8);
    r->b[r->n++] = (uint8_t)sw;
}

/* Appends data to an answer being built (cut at its capacity). */
void cardsim_resp_add(cardsim_resp_t *r, const uint8_t *data, size_t n)
{
    if (n > sizeof r->b - 2 - r->n)
        n = sizeof r->b - 2 - r->n;
    memcpy(r->b + r->n, data, n);
    r->n += n;
}

/* An answer of data and 90 00. */
void cardsim_resp_data(cardsim_resp_t *r, const uint8_t *data, size_t n)
{
    r->n = 0;
    cardsim_resp_add(r, data, n);
    r->b[r->n++] = 0x90;
    r->b[r->n++] = 0x00;
}

/* The file an SFI names, and its size. */
uint8_t *cardsim_file(cardsim_files_t *f, uint8_t sfi, size_t *size)
{
    switch (sfi) {
    case CARDSIM_SFI_INFO: *size = sizeof f->info; return f->info;
    case CARDSIM_SFI_PURSE: *size = sizeof f->purse; return f->purse;
    case CARDSIM_SFI_WB: *size = sizeof f->wb; return f->wb;
    default: *size = 0; return NULL;
    }
}

/* The name an SFI has in images and logs. */
const char *cardsim_file_name(uint8_t sfi)
{
    switch (sfi) {
    case CARDSIM_SFI_INFO: return "EF_INFO";
    case CARDSIM_SFI_PURSE: return "EF_PURSE";
    case CARDSIM_SFI_WB: return "EF_WRITEBACK";
    default: return NULL;
    }
}
