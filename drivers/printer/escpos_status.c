/* The real-time status answers of the profile escpos-kiosk: which bits of
 * DLE EOT 1..4 mean what (docs/protocols/escpos.md, "Status"). */
#include <stdio.h>
#include <string.h>

#include "drivers/printer/escpos.h"

enum {
    DLE = 0x10,
    EOT = 0x04,
    FIXED_MASK = 0x93, /* bits 0, 1, 4 and 7 are fixed */
    FIXED = 0x12,      /* ... to 0, 1, 1 and 0 */
    S1_OFFLINE = 1 << 3,
    S2_COVER_OPEN = 1 << 2,
    S2_PAPER_STOP = 1 << 5,
    S2_ERROR = 1 << 6,
    S3_MECHANICAL = 1 << 2,
    S3_CUTTER = 1 << 3,
    S3_UNRECOVERABLE = 1 << 5,
    S3_AUTO_RECOVERABLE = 1 << 6,
    S4_NEAR_END = 3 << 2,
    S4_OUT = 3 << 5,
};

void escpos_status_query(unsigned n, uint8_t out[3])
{
    out[0] = DLE;
    out[1] = EOT;
    out[2] = (uint8_t)n;
}

bool escpos_status_byte_ok(uint8_t b)
{
    return (b & FIXED_MASK) == FIXED;
}

kerr_t escpos_status_parse(const uint8_t raw[ESCPOS_STATUS_QUERIES], printer_status_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < ESCPOS_STATUS_QUERIES; i++)
        if (!escpos_status_byte_ok(raw[i]))
            return kmsg_set(msg, K_EDEVICE, "printer answered %02X to status query DLE EOT %d: not a status byte",
                            raw[i], i + 1);
    memcpy(out->raw, raw, ESCPOS_STATUS_QUERIES);
    out->online = !(raw[0] & S1_OFFLINE);
    out->cover_open = raw[1] & S2_COVER_OPEN;
    out->cutter_error = raw[2] & S3_CUTTER;
    out->unrecoverable = raw[2] & S3_UNRECOVERABLE;
    out->auto_recoverable = raw[2] & S3_AUTO_RECOVERABLE;
    out->error = (raw[1] & S2_ERROR) || (raw[2] & (S3_MECHANICAL | S3_CUTTER | S3_UNRECOVERABLE | S3_AUTO_RECOVERABLE));
    if ((raw[3] & S4_OUT) || (raw[1] & S2_PAPER_STOP))
        out->paper = PRINTER_PAPER_OUT;
    else if (raw[3] & S4_NEAR_END)
        out->paper = PRINTER_PAPER_NEAR_END;
    return K_OK;
}
