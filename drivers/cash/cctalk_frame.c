#include "drivers/cash/cctalk_frame.h"

#include <string.h>

#include "drivers/transport/rxbuf.h"

size_t cctalk_encode(const cctalk_frame_t *f, uint8_t *out, size_t cap)
{
    size_t n = 5 + (size_t)f->len;
    if (f->len > CCTALK_MAX_DATA || cap < n)
        return 0;
    out[0] = f->dest;
    out[1] = f->len;
    out[2] = f->src;
    out[3] = f->header;
    memcpy(out + 4, f->data, f->len);
    uint8_t sum = 0;
    for (size_t i = 0; i < n - 1; i++)
        sum = (uint8_t)(sum + out[i]);
    out[n - 1] = (uint8_t)(0 - sum);
    return n;
}

/* The stream's buffer, for rxbuf. */
static rxbuf_t rx(cctalk_stream_t *s)
{
    return (rxbuf_t){s->buf, sizeof s->buf, &s->n, &s->dropped};
}

static void drop(cctalk_stream_t *s, size_t k)
{
    rxbuf_t b = rx(s);
    rxbuf_drop(&b, k);
}

void cctalk_stream_feed(cctalk_stream_t *s, const uint8_t *p, size_t n)
{
    rxbuf_t b = rx(s);
    rxbuf_feed(&b, p, n);
}

typedef enum { C_VALID, C_INVALID, C_INCOMPLETE } cand_t;

static cand_t candidate(const cctalk_stream_t *s, size_t at, uint8_t to)
{
    const uint8_t *b = s->buf + at;
    size_t avail = s->n - at;
    if (avail < 2)
        return avail && b[0] != to ? C_INVALID : C_INCOMPLETE;
    if (b[0] != to || b[1] > CCTALK_MAX_DATA)
        return C_INVALID;
    size_t total = 5 + (size_t)b[1];
    if (avail < total)
        return C_INCOMPLETE;
    uint8_t sum = 0;
    for (size_t i = 0; i < total; i++)
        sum = (uint8_t)(sum + b[i]);
    return sum == 0 ? C_VALID : C_INVALID;
}

bool cctalk_stream_next(cctalk_stream_t *s, uint8_t to, cctalk_frame_t *out)
{
    for (;;) {
        const uint8_t *start = memchr(s->buf, to, s->n);
        drop(s, start ? (size_t)(start - s->buf) : s->n);
        if (s->n == 0)
            return false;
        switch (candidate(s, 0, to)) {
        case C_INVALID: drop(s, 1); continue;
        case C_INCOMPLETE: {
            /* a whole valid frame further on proves this start was noise */
            size_t j = 1;
            while (j < s->n && !(s->buf[j] == to && candidate(s, j, to) == C_VALID))
                j++;
            if (j == s->n)
                return false;
            drop(s, j);
            continue;
        }
        case C_VALID: break;
        }
        out->dest = s->buf[0];
        out->len = s->buf[1];
        out->src = s->buf[2];
        out->header = s->buf[3];
        memcpy(out->data, s->buf + 4, out->len);
        size_t total = 5 + (size_t)out->len;
        memmove(s->buf, s->buf + total, s->n - total);
        s->n -= total;
        return true;
    }
}
