#include "drivers/transport/bcd.h"

/* The index of the i-th byte from the most significant. */
static size_t at(size_t i, size_t n, bcd_order_t order)
{
    return order == BCD_HIGH_FIRST ? i : n - 1 - i;
}

bool bcd_get(const uint8_t *p, size_t n, bcd_order_t order, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[at(i, n, order)], hi = b >> 4, lo = b & 0x0F;
        if (hi > 9 || lo > 9)
            return false;
        v = v * 100 + hi * 10u + lo;
    }
    *out = v;
    return true;
}

bool bcd_put(uint64_t v, uint8_t *p, size_t n, bcd_order_t order)
{
    for (size_t i = n; i-- > 0;) {
        uint64_t two = v % 100;
        p[at(i, n, order)] = (uint8_t)((two / 10) << 4 | two % 10);
        v /= 100;
    }
    return v == 0;
}
