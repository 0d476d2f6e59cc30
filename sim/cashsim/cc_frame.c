#include "sim/cashsim/cc_frame.h"

#include <string.h>

#define AT_LEN 1
#define HEAD 4 /* DEST LEN SRC HEADER */

size_t csim_frame_encode(const csim_frame_t *f, uint8_t *out, size_t cap)
{
    size_t total = HEAD + (size_t)f->len + 1;
    if (f->len > CSIM_FRAME_MAX_DATA || cap < total)
        return 0;
    out[0] = f->dest;
    out[AT_LEN] = f->len;
    out[2] = f->src;
    out[3] = f->header;
    memcpy(out + HEAD, f->data, f->len);
    out[total - 1] = (uint8_t)-simrx_sum8(out, total - 1); /* the whole frame sums to 0 */
    return total;
}

/* A frame at p[0] (its DEST, the address waited for): LEN, then a
 * checksum that makes the sum 0. */
static simrx_verdict_t judge(const uint8_t *p, size_t n, const void *ctx, size_t *len)
{
    (void)ctx;
    if (n <= AT_LEN)
        return SIMRX_MORE;
    if (p[AT_LEN] > CSIM_FRAME_MAX_DATA)
        return SIMRX_NOISE;
    size_t total = HEAD + (size_t)p[AT_LEN] + 1;
    if (n < total)
        return SIMRX_MORE;
    if (simrx_sum8(p, total) != 0)
        return SIMRX_NOISE;
    *len = total;
    return SIMRX_FRAME;
}

void csim_frame_rx_init(simrx_t *rx)
{
    simrx_init(rx, 2 * CSIM_FRAME_MAX);
}

bool csim_frame_next(simrx_t *rx, uint8_t to, csim_frame_t *out)
{
    size_t total;
    if (!simrx_next(rx, to, judge, NULL, &total))
        return false;
    const uint8_t *p = rx->buf;
    out->dest = p[0];
    out->len = p[AT_LEN];
    out->src = p[2];
    out->header = p[3];
    memcpy(out->data, p + HEAD, out->len);
    simrx_take(rx, total);
    return true;
}
