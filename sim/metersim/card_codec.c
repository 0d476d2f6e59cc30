#include "sim/metersim/card_codec.h"

#include <string.h>

const uint8_t msim_card_aid[8] = {0xF0, 'K', 'P', 'R', 'E', 'P', 'A', 'Y'};

#define ENERGY_MAX (((int64_t)1 << 48) - 1)

/* ---- APDUs and MAC texts ---------------------------------------------- */

size_t msim_card_apdu(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc, int le,
                      uint8_t out[MSIM_CARD_APDU_MAX])
{
    if (lc > 255)
        return 0;
    size_t n = 0;
    out[n++] = cla;
    out[n++] = ins;
    out[n++] = p1;
    out[n++] = p2;
    if (lc > 0) {
        out[n++] = (uint8_t)lc;
        memcpy(out + n, data, lc);
        n += lc;
    }
    if (le != MSIM_CARD_NO_LE)
        out[n++] = (uint8_t)le;
    return n;
}

size_t msim_card_update_text(const uint8_t challenge[MSIM_CARD_CHALLENGE_LEN], uint8_t p1, const uint8_t *data,
                             size_t n, uint8_t *out)
{
    static const uint8_t head[2] = {0x04, 0xD6}; /* CLA and INS of UPDATE WITH MAC */
    memcpy(out, challenge, MSIM_CARD_CHALLENGE_LEN);
    memcpy(out + 8, head, 2);
    out[10] = p1;
    out[11] = 0x00; /* P2: a whole file */
    memcpy(out + 12, data, n);
    return 12 + n;
}

size_t msim_card_read_text(const uint8_t nonce[MSIM_CARD_NONCE_LEN], uint8_t p1, const uint8_t *content, size_t n,
                           uint8_t *out)
{
    memcpy(out, nonce, MSIM_CARD_NONCE_LEN);
    out[8] = p1;
    memcpy(out + 9, content, n);
    return 9 + n;
}

static const struct {
    uint16_t sw;
    const char *text;
} sw_names[] = {
    {0x9000, "done"},
    {0x6700, "wrong length"},
    {0x6982, "no challenge"},
    {0x6983, "the card is blocked"},
    {0x6985, "conditions not satisfied"},
    {0x6989, "MAC wrong"},
    {0x6A82, "no such file"},
    {0x6A86, "wrong P1 or P2"},
    {0x6D00, "instruction not supported"},
    {0x6E00, "class not supported"},
};

const char *msim_card_sw_text(uint16_t sw)
{
    for (size_t i = 0; i < sizeof sw_names / sizeof sw_names[0]; i++)
        if (sw_names[i].sw == sw)
            return sw_names[i].text;
    return "unknown status word";
}

/* ---- Numbers on the card ------------------------------------------------ */

static uint64_t be_get(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void be_put(uint64_t v, uint8_t *p, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

/* n BCD bytes, most significant first, as 2n digits; false on a nibble
 * that is not one. */
static bool bcd_to_text(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < 2 * n; i++) {
        unsigned d = i % 2 ? p[i / 2] & 0x0F : p[i / 2] >> 4;
        if (d > 9)
            return false;
        out[i] = (char)('0' + d);
    }
    out[2 * n] = '\0';
    return true;
}

/* Exactly 2n digits as n BCD bytes. */
static bool text_to_bcd(const char *s, size_t n, uint8_t *p)
{
    if (strnlen(s, 2 * n + 1) != 2 * n || strspn(s, "0123456789") != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((s[2 * i] - '0') << 4 | (s[2 * i + 1] - '0'));
    return true;
}

static bool zeros(const uint8_t *p, size_t n)
{
    while (n-- > 0)
        if (*p++)
            return false;
    return true;
}

static kerr_t size_is(const char *file, size_t n, size_t want, kmsg_t *msg)
{
    if (n == want)
        return K_OK;
    return kmsg_set(msg, K_EINVAL, "%s: %zu bytes, the file has %zu", file, n, want);
}

/* 12 digits (6 BCD bytes) at off of file. */
static kerr_t digits_at(const char *file, const char *field, const uint8_t *p, size_t off, char out[MSIM_CARD_DIGITS],
                        kmsg_t *msg)
{
    if (bcd_to_text(p + off, 6, out))
        return K_OK;
    const uint8_t *f = p + off;
    return kmsg_set(msg, K_EINVAL, "%s: %s (offset %zu) is not BCD: %02X %02X %02X %02X %02X %02X", file, field, off,
                    f[0], f[1], f[2], f[3], f[4], f[5]);
}

static kerr_t in_range(const char *field, int64_t v, int64_t lo, int64_t hi, kmsg_t *msg)
{
    if (v >= lo && v <= hi)
        return K_OK;
    return kmsg_set(msg, K_EINVAL, "EF_WRITEBACK: %s %lld is outside %lld..%lld", field, (long long)v, (long long)lo,
                    (long long)hi);
}

/* ---- EF_INFO: version, type, status, serial, meter, customer,
 *      generation, currency, time of issue ------------------------------- */

static kerr_t info_codes(const uint8_t *p, kmsg_t *msg)
{
    if (p[0] != 0x01)
        return kmsg_set(msg, K_EVERSION, "EF_INFO: format version %02X, this meter knows 01", p[0]);
    if (p[1] != MSIM_CARD_TYPE_BLANK && p[1] != MSIM_CARD_TYPE_USER && p[1] != MSIM_CARD_TYPE_REPLACEMENT)
        return kmsg_set(msg, K_EINVAL, "EF_INFO: card type %02X is none of 00, 01, 03", p[1]);
    if (p[2] != MSIM_CARD_ACTIVE && p[2] != MSIM_CARD_BLOCKED)
        return kmsg_set(msg, K_EINVAL, "EF_INFO: status %02X is neither 00 nor 01", p[2]);
    return K_OK;
}

/* The 12-digit fields of EF_INFO, at their offsets. */
static kerr_t info_digits(const uint8_t *p, msim_card_info_t *c, kmsg_t *msg)
{
    const struct {
        const char *name;
        size_t off;
        char *out;
    } fields[] = {{"meter number", 11, c->meter}, {"customer number", 17, c->customer}, {"time of issue", 26, c->issued}};
    kerr_t e = K_OK;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0] && e == K_OK; i++)
        e = digits_at("EF_INFO", fields[i].name, p, fields[i].off, fields[i].out, msg);
    return e;
}

kerr_t msim_card_info_decode(const uint8_t *p, size_t n, msim_card_info_t *out, kmsg_t *msg)
{
    msim_card_info_t c = {0};
    char currency[5];
    kerr_t e = size_is("EF_INFO", n, MSIM_CARD_INFO_LEN, msg);
    if (e == K_OK)
        e = info_codes(p, msg);
    if (e == K_OK)
        e = info_digits(p, &c, msg);
    if (e == K_OK && !bcd_to_text(p + 24, 2, currency))
        e = kmsg_set(msg, K_EINVAL, "EF_INFO: currency (offset 24) is not BCD: %02X %02X", p[24], p[25]);
    if (e != K_OK)
        return e;
    c.version = p[0];
    c.type = p[1];
    c.status = p[2];
    memcpy(c.serial, p + 3, MSIM_CARD_SERIAL_LEN);
    c.generation = p[23];
    c.currency = (uint16_t)((currency[0] - '0') * 1000 + (currency[1] - '0') * 100 + (currency[2] - '0') * 10 +
                            (currency[3] - '0'));
    *out = c;
    return K_OK;
}

/* ---- EF_PURSE: purpose, amount (4), count (2), time, reserved (3) ----- */

kerr_t msim_card_purse_decode(const uint8_t *p, size_t n, msim_card_purse_t *out, kmsg_t *msg)
{
    msim_card_purse_t c = {0};
    kerr_t e = size_is("EF_PURSE", n, MSIM_CARD_PURSE_LEN, msg);
    if (e != K_OK)
        return e;
    if (p[0] > MSIM_PURPOSE_REPLACE)
        return kmsg_set(msg, K_EINVAL, "EF_PURSE: purpose %02X is none of 00..03", p[0]);
    if (!zeros(p + 13, 3))
        return kmsg_set(msg, K_EINVAL, "EF_PURSE: reserved bytes are %02X %02X %02X, not 00", p[13], p[14], p[15]);
    if ((e = digits_at("EF_PURSE", "time of the purchase", p, 7, c.time, msg)) != K_OK)
        return e;
    c.purpose = p[0];
    c.amount = (int64_t)be_get(p + 1, 4);
    c.count = (uint32_t)be_get(p + 5, 2);
    *out = c;
    return K_OK;
}

/* ---- EF_WRITEBACK: written, meter, remaining (4, signed), energies
 *      (5 x 6), count (2), status, tamper, time, reserved (5) ------------ */

static kerr_t wb_ranges(const msim_card_wb_t *in, kmsg_t *msg)
{
    static const char *const names[4] = {"sharp energy", "peak energy", "flat energy", "valley energy"};
    kerr_t e = in_range("remaining money", in->remaining, INT32_MIN, INT32_MAX, msg);
    if (e == K_OK)
        e = in_range("purchase count", in->count, 0, UINT16_MAX, msg);
    if (e == K_OK)
        e = in_range("total energy", in->energy_total, 0, ENERGY_MAX, msg);
    for (size_t i = 0; i < 4 && e == K_OK; i++)
        e = in_range(names[i], in->energy[i], 0, ENERGY_MAX, msg);
    return e;
}

kerr_t msim_card_wb_encode(const msim_card_wb_t *in, uint8_t out[MSIM_CARD_WB_LEN], kmsg_t *msg)
{
    kerr_t e = wb_ranges(in, msg);
    if (e != K_OK)
        return e;
    memset(out, 0, MSIM_CARD_WB_LEN);
    out[0] = 0x01;
    if (!text_to_bcd(in->meter, 6, out + 1))
        return kmsg_set(msg, K_EINVAL, "EF_WRITEBACK: meter number \"%.12s\" is not 12 digits", in->meter);
    be_put((uint64_t)(uint32_t)(int32_t)in->remaining, out + 7, 4);
    be_put((uint64_t)in->energy_total, out + 11, 6);
    for (size_t i = 0; i < 4; i++)
        be_put((uint64_t)in->energy[i], out + 17 + 6 * i, 6);
    be_put(in->count, out + 41, 2);
    out[43] = in->status;
    out[44] = in->tamper;
    if (!text_to_bcd(in->time, 6, out + 45))
        return kmsg_set(msg, K_EINVAL, "EF_WRITEBACK: the meter's time \"%.12s\" is not 12 digits", in->time);
    return K_OK;
}
