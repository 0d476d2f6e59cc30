#include "sim/common/simrx.h"

#include <string.h>

void simrx_init(simrx_t *rx, size_t cap)
{
    memset(rx, 0, sizeof *rx);
    rx->cap = cap < SIMRX_MAX ? cap : SIMRX_MAX;
}

/* Lets the first k bytes go, counted as dropped. */
static void drop(simrx_t *rx, size_t k)
{
    k = k < rx->n ? k : rx->n;
    memmove(rx->buf, rx->buf + k, rx->n - k);
    rx->n -= k;
    rx->dropped += k;
}

void simrx_feed(simrx_t *rx, const uint8_t *p, size_t n)
{
    size_t cap = rx->cap ? rx->cap : SIMRX_MAX;
    if (n > cap) { /* only the newest cap bytes can matter */
        rx->dropped += n - cap;
        p += n - cap;
        n = cap;
    }
    if (rx->n + n > cap)
        drop(rx, rx->n + n - cap);
    memcpy(rx->buf + rx->n, p, n);
    rx->n += n;
}

void simrx_take(simrx_t *rx, size_t len)
{
    len = len < rx->n ? len : rx->n;
    memmove(rx->buf, rx->buf + len, rx->n - len);
    rx->n -= len;
}

/* Where, after the start at 0, a whole valid frame begins; 0 if nowhere. */
static size_t later_frame(const simrx_t *rx, uint8_t start, simrx_judge_fn judge, const void *ctx)
{
    size_t len;
    for (size_t at = 1; at < rx->n; at++)
        if (rx->buf[at] == start && judge(rx->buf + at, rx->n - at, ctx, &len) == SIMRX_FRAME)
            return at;
    return 0;
}

bool simrx_next(simrx_t *rx, uint8_t start, simrx_judge_fn judge, const void *ctx, size_t *len)
{
    for (;;) {
        const uint8_t *at = memchr(rx->buf, start, rx->n);
        drop(rx, at ? (size_t)(at - rx->buf) : rx->n);
        if (rx->n == 0)
            return false;
        size_t later;
        switch (judge(rx->buf, rx->n, ctx, len)) {
        case SIMRX_FRAME: return true;
        case SIMRX_NOISE: drop(rx, 1); break;
        case SIMRX_MORE:
            if ((later = later_frame(rx, start, judge, ctx)) == 0)
                return false;
            drop(rx, later);
            break;
        }
    }
}

uint8_t simrx_sum8(const uint8_t *p, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    return (uint8_t)sum;
}
