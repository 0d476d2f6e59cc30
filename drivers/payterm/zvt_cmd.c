#include "drivers/payterm/zvt_cmd.h"

#include <string.h>

/* An APDU with the password as its first three bytes. */
static void with_password(uint8_t instr, const uint8_t password[3], zvt_apdu_t *out)
{
    memset(out, 0, sizeof *out);
    out->cls = 0x06;
    out->instr = instr;
    out->len = 3;
    memcpy(out->data, password, 3);
}

void zvt_cmd_registration(const uint8_t password[3], uint16_t currency, zvt_apdu_t *out)
{
    with_password(0x00, password, out);
    out->data[out->len++] = 0x0E;
    zvt_bcd_set(currency, out->data + out->len, 2);
    out->len += 2;
}

bool zvt_cmd_authorisation(int64_t amount, uint16_t currency, const char *reference, zvt_apdu_t *out)
{
    memset(out, 0, sizeof *out);
    out->cls = 0x06;
    out->instr = 0x01;
    return amount > 0 && zvt_put_bcd(out, 0x04, (uint64_t)amount, 6) && zvt_put_bcd(out, 0x49, currency, 2) &&
           zvt_put_bytes(out, 0x3C, (const uint8_t *)reference, strlen(reference));
}

bool zvt_cmd_reversal(const uint8_t password[3], uint32_t receipt, zvt_apdu_t *out)
{
    with_password(0x30, password, out);
    return receipt <= ZVT_MAX_RECEIPT && zvt_put_bcd(out, 0x87, receipt, 2);
}

void zvt_cmd_repeat_receipt(const uint8_t password[3], zvt_apdu_t *out)
{
    with_password(0x20, password, out);
}

void zvt_cmd_end_of_day(const uint8_t password[3], zvt_apdu_t *out)
{
    with_password(0x50, password, out);
}

void zvt_cmd_abort(zvt_apdu_t *out)
{
    memset(out, 0, sizeof *out);
    out->cls = 0x06;
    out->instr = 0xB0;
}

void zvt_cmd_ack(zvt_apdu_t *out)
{
    memset(out, 0, sizeof *out);
    out->cls = 0x80;
}
