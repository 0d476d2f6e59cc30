#include "sim/paysim/zvt_wire.h"

#include <string.h>

#define EXTENDED 0xFF /* LEN byte: the length follows in two bytes, lowest first */
#define LL 2          /* digits of an LLVAR length */
#define LLL 3         /* digits of an LLLVAR length */

/* The fields the terminal knows and their lengths: the profile's table
 * (docs/protocols/zvt.md) and the few more of the ZVT specification a
 * command may carry (the registration's service byte 03 among them). */
static const struct field {
    uint8_t tag;
    uint8_t fixed;  /* bytes of a fixed-length field, 0 if variable */
    uint8_t digits; /* LL or LLL for a variable one */
} fields[] = {
    {0x01, 1, 0},   /* timeout */
    {0x02, 1, 0},   /* maximum status infos */
    {0x03, 1, 0},   /* service byte */
    {0x04, 6, 0},   /* amount, BCD */
    {0x05, 1, 0},   /* pump number */
    {0x0B, 3, 0},   /* trace number, BCD */
    {0x0C, 3, 0},   /* time HHMMSS */
    {0x0D, 2, 0},   /* date MMDD */
    {0x0E, 2, 0},   /* expiry date YYMM */
    {0x17, 2, 0},   /* card sequence number */
    {0x19, 1, 0},   /* status byte / payment type */
    {0x22, 0, LL},  /* card number, masked */
    {0x23, 0, LL},  /* track 2 */
    {0x24, 0, LLL}, /* track 3 */
    {0x27, 1, 0},   /* result code */
    {0x29, 4, 0},   /* terminal id */
    {0x2A, 15, 0},  /* VU number */
    {0x3C, 0, LLL}, /* additional data, text */
    {0x49, 2, 0},   /* currency code */
    {0x87, 2, 0},   /* receipt number */
    {0x88, 3, 0},   /* turnover number */
    {0x8A, 1, 0},   /* card type */
    {0x8B, 0, LL},  /* card name */
};

static const struct field *field_of(uint8_t tag)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].tag == tag)
            return &fields[i];
    return NULL;
}

size_t psim_apdu_encode(const psim_apdu_t *a, uint8_t *out, size_t cap)
{
    size_t head = a->len < EXTENDED ? 3 : 5;
    if (a->len > PSIM_APDU_MAX_DATA || cap < head + a->len)
        return 0;
    out[0] = a->cls;
    out[1] = a->instr;
    if (head == 3) {
        out[2] = (uint8_t)a->len;
    } else {
        out[2] = EXTENDED;
        out[3] = (uint8_t)a->len;
        out[4] = (uint8_t)(a->len >> 8);
    }
    memcpy(out + head, a->data, a->len);
    return head + a->len;
}

bool psim_rx_feed(psim_rx_t *rx, const uint8_t *p, size_t n)
{
    if (n > sizeof rx->buf - rx->n)
        return false;
    memcpy(rx->buf + rx->n, p, n);
    rx->n += n;
    return true;
}

psim_next_t psim_rx_next(psim_rx_t *rx, psim_apdu_t *out)
{
    size_t head = rx->n > 2 && rx->buf[2] == EXTENDED ? 5 : 3;
    if (rx->n < head)
        return PSIM_NEXT_MORE;
    size_t len = head == 3 ? rx->buf[2] : (rx->buf[3] | (size_t)rx->buf[4] << 8);
    if (len > PSIM_APDU_MAX_DATA) {
        rx->n = 0;
        return PSIM_NEXT_BAD;
    }
    if (rx->n < head + len)
        return PSIM_NEXT_MORE;
    out->cls = rx->buf[0];
    out->instr = rx->buf[1];
    out->len = len;
    memcpy(out->data, rx->buf + head, len);
    rx->n -= head + len;
    memmove(rx->buf, rx->buf + head + len, rx->n);
    return PSIM_NEXT_ONE;
}

/* A variable length "F x F y [F z]" of `digits` bytes at p (avail bytes
 * there); false if it is not one. */
static bool var_len(const uint8_t *p, size_t avail, size_t digits, size_t *out)
{
    size_t v = 0;
    if (avail < digits)
        return false;
    for (size_t i = 0; i < digits; i++) {
        if (p[i] >> 4 != 0xF || (p[i] & 0x0F) > 9)
            return false;
        v = v * 10 + (p[i] & 0x0F);
    }
    *out = v;
    return true;
}

psim_next_t psim_bmp_next(const uint8_t *data, size_t len, size_t *off, psim_bmp_t *out)
{
    if (*off >= len)
        return PSIM_NEXT_MORE;
    const struct field *f = field_of(data[*off]);
    size_t at = *off + 1, digits = f && !f->fixed ? f->digits : 0, n = f ? f->fixed : 0;
    if (!f || (digits && !var_len(data + at, len - at, digits, &n)) || n > len - at - digits)
        return PSIM_NEXT_BAD;
    at += digits;
    out->tag = f->tag;
    out->value = data + at;
    out->len = n;
    *off = at + n;
    return PSIM_NEXT_ONE;
}

bool psim_bmp_each(const uint8_t *data, size_t len, size_t off, bool (*take)(const psim_bmp_t *b, void *ctx),
                   void *ctx)
{
    psim_bmp_t b;
    psim_next_t got;
    while ((got = psim_bmp_next(data, len, &off, &b)) == PSIM_NEXT_ONE)
        if (!take(&b, ctx))
            return false;
    return got == PSIM_NEXT_MORE;
}

bool psim_bcd_get(const uint8_t *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hi = p[i] >> 4, lo = p[i] & 0x0F;
        if (hi > 9 || lo > 9)
            return false;
        v = v * 100 + hi * 10 + lo;
    }
    *out = v;
    return true;
}

bool psim_bcd_set(uint64_t v, uint8_t *p, size_t n)
{
    for (size_t i = n; i-- > 0; v /= 100)
        p[i] = (uint8_t)((v % 100 / 10) << 4 | v % 10);
    return v == 0;
}

bool psim_bmp_put_bcd(psim_apdu_t *a, uint8_t tag, uint64_t v, size_t bytes)
{
    uint8_t bcd[8];
    return bytes <= sizeof bcd && psim_bcd_set(v, bcd, bytes) && psim_bmp_put(a, tag, bcd, bytes);
}

bool psim_bmp_put(psim_apdu_t *a, uint8_t tag, const uint8_t *p, size_t n)
{
    const struct field *f = field_of(tag);
    size_t digits = f && !f->fixed ? f->digits : 0;
    if (!f || (f->fixed && f->fixed != n) || (digits == LL && n > 99) || (digits == LLL && n > 999) ||
        a->len + 1 + digits + n > PSIM_APDU_MAX_DATA)
        return false;
    uint8_t *w = a->data + a->len;
    *w++ = tag;
    for (size_t i = digits, v = n; i-- > 0; v /= 10)
        w[i] = (uint8_t)(0xF0 | v % 10);
    memcpy(w + digits, p, n);
    a->len += 1 + digits + n;
    return true;
}
