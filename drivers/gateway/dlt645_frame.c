#include "drivers/gateway/dlt645_frame.h"

#include <string.h>

#include "drivers/transport/bcd.h"
#include "drivers/transport/rxbuf.h"

#define HEADER 10 /* 68 A0..A5 68 C L */

size_t dlt645_encode(const dlt645_frame_t *f, uint8_t *out, size_t cap)
{
    size_t total = DLT645_PREAMBLE + DLT645_OVERHEAD + f->len;
    if (f->len > DLT645_MAX_DATA || cap < total)
        return 0;
    uint8_t *p = out;
    memset(p, 0xFE, DLT645_PREAMBLE);
    p += DLT645_PREAMBLE;
    uint8_t *start = p;
    *p++ = 0x68;
    memcpy(p, f->addr, 6);
    p += 6;
    *p++ = 0x68;
    *p++ = f->ctrl;
    *p++ = f->len;
    for (size_t i = 0; i < f->len; i++)
        *p++ = (uint8_t)(f->data[i] + 0x33);
    uint8_t cs = 0;
    for (const uint8_t *q = start; q < p; q++)
        cs = (uint8_t)(cs + *q);
    *p++ = cs;
    *p++ = 0x16;
    return (size_t)(p - out);
}

/* The stream's buffer, for rxbuf. */
static rxbuf_t rx(dlt645_stream_t *s)
{
    return (rxbuf_t){s->buf, sizeof s->buf, &s->n, &s->dropped};
}

static void drop(dlt645_stream_t *s, size_t k)
{
    rxbuf_t b = rx(s);
    rxbuf_drop(&b, k);
}

void dlt645_stream_feed(dlt645_stream_t *s, const uint8_t *p, size_t n)
{
    rxbuf_t b = rx(s);
    rxbuf_feed(&b, p, n);
}

typedef enum { CAND_VALID, CAND_INVALID, CAND_INCOMPLETE } cand_t;

/* Judges the candidate frame starting at buf[at] (a 68). */
static cand_t candidate(const dlt645_stream_t *s, size_t at)
{
    const uint8_t *b = s->buf + at;
    size_t avail = s->n - at;
    if (avail < HEADER)
        return avail >= 8 && b[7] != 0x68 ? CAND_INVALID : CAND_INCOMPLETE;
    uint8_t len = b[9];
    if (b[7] != 0x68 || len > DLT645_MAX_DATA)
        return CAND_INVALID;
    size_t total = HEADER + (size_t)len + 2;
    if (avail < total)
        return CAND_INCOMPLETE;
    uint8_t cs = 0;
    for (size_t i = 0; i < total - 2; i++)
        cs = (uint8_t)(cs + b[i]);
    return cs == b[total - 2] && b[total - 1] == 0x16 ? CAND_VALID : CAND_INVALID;
}

/* While the first candidate waits for bytes, a whole valid frame further on
 * proves it was noise (a stray 68 whose "length" swallows the real frame). */
static bool later_valid_frame(const dlt645_stream_t *s, size_t *at)
{
    for (size_t j = 1; j < s->n; j++)
        if (s->buf[j] == 0x68 && candidate(s, j) == CAND_VALID) {
            *at = j;
            return true;
        }
    return false;
}

bool dlt645_stream_next(dlt645_stream_t *s, dlt645_frame_t *out)
{
    for (;;) {
        const uint8_t *start = memchr(s->buf, 0x68, s->n);
        drop(s, start ? (size_t)(start - s->buf) : s->n);
        size_t later;
        switch (s->n ? candidate(s, 0) : CAND_INCOMPLETE) {
        case CAND_INVALID: drop(s, 1); continue;
        case CAND_INCOMPLETE:
            if (!later_valid_frame(s, &later))
                return false;
            drop(s, later);
            continue;
        case CAND_VALID: break;
        }
        size_t total = HEADER + s->buf[9] + 2;
        memcpy(out->addr, s->buf + 1, 6);
        out->ctrl = s->buf[8];
        out->len = s->buf[9];
        for (size_t i = 0; i < out->len; i++)
            out->data[i] = (uint8_t)(s->buf[HEADER + i] - 0x33);
        memmove(s->buf, s->buf + total, s->n - total);
        s->n -= total;
        return true;
    }
}

bool dlt645_addr_from_text(const char *digits, uint8_t addr[6])
{
    if (!digits || strlen(digits) != 12 || strspn(digits, "0123456789") != 12)
        return false;
    for (int i = 0; i < 6; i++) {
        const char *d = digits + 10 - 2 * i;
        addr[i] = (uint8_t)(((d[0] - '0') << 4) | (d[1] - '0'));
    }
    return true;
}

bool dlt645_addr_to_text(const uint8_t addr[6], char out[13])
{
    for (int i = 0; i < 6; i++) {
        uint8_t hi = addr[5 - i] >> 4, lo = addr[5 - i] & 0x0F;
        if (hi > 9 || lo > 9)
            return false;
        out[2 * i] = (char)('0' + hi);
        out[2 * i + 1] = (char)('0' + lo);
    }
    out[12] = '\0';
    return true;
}

void dlt645_put_di(uint8_t *p, uint32_t di)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(di >> (8 * i));
}

uint32_t dlt645_get_di(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool dlt645_bcd_get(const uint8_t *p, size_t n, uint64_t *out)
{
    return bcd_get(p, n, BCD_LOW_FIRST, out);
}

bool dlt645_bcd_put(uint64_t v, uint8_t *p, size_t n)
{
    return bcd_put(v, p, n, BCD_LOW_FIRST);
}
