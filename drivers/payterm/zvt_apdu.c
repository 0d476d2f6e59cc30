#include "drivers/payterm/zvt_apdu.h"

#include <string.h>

#include "drivers/transport/bcd.h"

size_t zvt_encode(const zvt_apdu_t *a, uint8_t *out, size_t cap)
{
    bool ext = a->len >= 255;
    size_t head = ext ? 5 : 3, n = head + a->len;
    if (a->len > ZVT_MAX_DATA || cap < n)
        return 0;
    out[0] = a->cls;
    out[1] = a->instr;
    if (ext) {
        out[2] = 0xFF;
        out[3] = (uint8_t)(a->len & 0xFF);
        out[4] = (uint8_t)(a->len >> 8);
    } else {
        out[2] = (uint8_t)a->len;
    }
    memcpy(out + head, a->data, a->len);
    return n;
}

bool zvt_stream_feed(zvt_stream_t *s, const uint8_t *p, size_t n)
{
    if (s->n + n > sizeof s->buf)
        return false;
    memcpy(s->buf + s->n, p, n);
    s->n += n;
    return true;
}

bool zvt_stream_next(zvt_stream_t *s, zvt_apdu_t *out, bool *bad)
{
    *bad = false;
    if (s->n < 3)
        return false;
    size_t head = 3, len = s->buf[2];
    if (len == 0xFF) {
        if (s->n < 5)
            return false;
        head = 5;
        len = s->buf[3] | (size_t)s->buf[4] << 8;
    }
    if (len > ZVT_MAX_DATA) {
        *bad = true;
        s->n = 0;
        return false;
    }
    if (s->n < head + len)
        return false;
    out->cls = s->buf[0];
    out->instr = s->buf[1];
    out->len = len;
    memcpy(out->data, s->buf + head, len);
    memmove(s->buf, s->buf + head + len, s->n - head - len);
    s->n -= head + len;
    return true;
}

/* Length of a BMP's value: > 0 fixed, -2 LLVAR, -3 LLLVAR, 0 unknown. */
static int bmp_length(uint8_t tag)
{
    switch (tag) {
    case 0x01: case 0x02: case 0x03: case 0x05: case 0x19: case 0x27: case 0x8A: return 1;
    case 0x0D: case 0x0E: case 0x17: case 0x49: case 0x87: return 2;
    case 0x0B: case 0x0C: case 0x88: return 3;
    case 0x29: return 4;
    case 0x04: return 6;
    case 0x2A: return 15;
    case 0x22: case 0x23: case 0x8B: return -2;
    case 0x06: case 0x24: case 0x3C: return -3;
    default: return 0;
    }
}

static bool var_length(const uint8_t *p, size_t digits, size_t avail, size_t *out)
{
    size_t v = 0;
    if (avail < digits)
        return false;
    for (size_t i = 0; i < digits; i++) {
        if ((p[i] & 0xF0) != 0xF0 || (p[i] & 0x0F) > 9)
            return false;
        v = v * 10 + (p[i] & 0x0F);
    }
    *out = v;
    return true;
}

bool zvt_bmp_next(const uint8_t *data, size_t len, size_t *off, zvt_bmp_t *out, bool *bad)
{
    *bad = false;
    if (*off >= len)
        return false;
    uint8_t tag = data[*off];
    int kind = bmp_length(tag);
    size_t at = *off + 1, vlen;
    if (kind == 0) {
        *bad = true;
        return false;
    }
    if (kind > 0) {
        vlen = (size_t)kind;
    } else if (!var_length(data + at, (size_t)-kind, len - at, &vlen)) {
        *bad = true;
        return false;
    } else {
        at += (size_t)-kind;
    }
    if (vlen > len - at) {
        *bad = true;
        return false;
    }
    out->tag = tag;
    out->value = data + at;
    out->len = vlen;
    *off = at + vlen;
    return true;
}

bool zvt_bcd_get(const uint8_t *p, size_t n, uint64_t *out)
{
    return bcd_get(p, n, BCD_HIGH_FIRST, out);
}

bool zvt_bcd_set(uint64_t v, uint8_t *p, size_t n)
{
    return bcd_put(v, p, n, BCD_HIGH_FIRST);
}

bool zvt_put_bcd(zvt_apdu_t *a, uint8_t tag, uint64_t v, size_t bytes)
{
    if (a->len + 1 + bytes > ZVT_MAX_DATA)
        return false;
    a->data[a->len] = tag;
    if (!zvt_bcd_set(v, a->data + a->len + 1, bytes))
        return false;
    a->len += 1 + bytes;
    return true;
}

bool zvt_put_bytes(zvt_apdu_t *a, uint8_t tag, const uint8_t *p, size_t n)
{
    int kind = bmp_length(tag);
    size_t prefix = kind < 0 ? (size_t)-kind : 0;
    if (kind == 0 || (kind > 0 && (size_t)kind != n) || n > (kind == -2 ? 99u : 999u) ||
        a->len + 1 + prefix + n > ZVT_MAX_DATA)
        return false;
    uint8_t *w = a->data + a->len;
    *w++ = tag;
    if (prefix == 3)
        *w++ = (uint8_t)(0xF0 | n / 100);
    if (prefix >= 2) {
        *w++ = (uint8_t)(0xF0 | (n / 10) % 10);
        *w++ = (uint8_t)(0xF0 | n % 10);
    }
    memcpy(w, p, n);
    a->len += 1 + prefix + n;
    return true;
}
