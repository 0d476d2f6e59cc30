#include "sim/metersim/dlt_frame.h"

#include <string.h>

#define START 0x68
#define END 0x16
#define WAKEUP 0xFE
#define OFFSET 0x33 /* added to every DATA byte on the wire */
#define HEAD 10     /* 68 A0..A5 68 C L */
#define AT_SECOND_START 7
#define AT_CTRL 8
#define AT_LEN 9

size_t msim_dlt_encode(const msim_dlt_frame_t *f, uint8_t *out, size_t cap)
{
    size_t total = MSIM_DLT_WAKEUP + MSIM_DLT_OVERHEAD + (size_t)f->len;
    if (f->len > MSIM_DLT_MAX_DATA || cap < total)
        return 0;
    memset(out, WAKEUP, MSIM_DLT_WAKEUP);
    uint8_t *frame = out + MSIM_DLT_WAKEUP;
    frame[0] = START;
    memcpy(frame + 1, f->addr, 6);
    frame[AT_SECOND_START] = START;
    frame[AT_CTRL] = f->ctrl;
    frame[AT_LEN] = f->len;
    for (size_t i = 0; i < f->len; i++)
        frame[HEAD + i] = (uint8_t)(f->data[i] + OFFSET);
    frame[HEAD + f->len] = simrx_sum8(frame, HEAD + (size_t)f->len);
    frame[HEAD + f->len + 1] = END;
    return total;
}

/* A frame at p[0] (a 68): its second 68, L, then CS and 16 where L puts
 * them. */
static simrx_verdict_t judge(const uint8_t *p, size_t n, const void *ctx, size_t *len)
{
    (void)ctx;
    if (n <= AT_SECOND_START)
        return SIMRX_MORE;
    if (p[AT_SECOND_START] != START)
        return SIMRX_NOISE;
    if (n <= AT_LEN)
        return SIMRX_MORE;
    if (p[AT_LEN] > MSIM_DLT_MAX_DATA)
        return SIMRX_NOISE;
    size_t total = HEAD + (size_t)p[AT_LEN] + 2;
    if (n < total)
        return SIMRX_MORE;
    if (p[total - 2] != simrx_sum8(p, total - 2) || p[total - 1] != END)
        return SIMRX_NOISE;
    *len = total;
    return SIMRX_FRAME;
}

void msim_dlt_rx_init(simrx_t *rx)
{
    simrx_init(rx, 2 * MSIM_DLT_MAX_FRAME);
}

bool msim_dlt_next(simrx_t *rx, msim_dlt_frame_t *out)
{
    size_t total;
    if (!simrx_next(rx, START, judge, NULL, &total))
        return false;
    const uint8_t *p = rx->buf;
    memcpy(out->addr, p + 1, 6);
    out->ctrl = p[AT_CTRL];
    out->len = p[AT_LEN];
    for (size_t i = 0; i < out->len; i++)
        out->data[i] = (uint8_t)(p[HEAD + i] - OFFSET);
    simrx_take(rx, total);
    return true;
}

bool msim_bcd_put(uint64_t v, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++, v /= 100)
        p[i] = (uint8_t)((v % 100 / 10) << 4 | v % 10);
    return v == 0;
}

bool msim_bcd_get(const uint8_t *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t d = 2 * n; d-- > 0;) { /* the last byte's high digit first */
        unsigned digit = d % 2 ? p[d / 2] >> 4 : p[d / 2] & 0x0F;
        if (digit > 9)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

bool msim_bcd12_from_text(const char *digits, uint8_t out[6])
{
    if (!digits || strlen(digits) != 12 || strspn(digits, "0123456789") != 12)
        return false;
    uint64_t v = 0;
    for (int i = 0; i < 12; i++)
        v = v * 10 + (uint64_t)(digits[i] - '0');
    return msim_bcd_put(v, out, 6);
}

bool msim_bcd12_to_text(const uint8_t in[6], char out[13])
{
    uint64_t v;
    if (!msim_bcd_get(in, 6, &v))
        return false;
    for (int i = 11; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
    out[12] = '\0';
    return true;
}

void msim_le32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

uint32_t msim_le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
