#include "drivers/transport/rxbuf.h"

#include <string.h>

void rxbuf_drop(const rxbuf_t *b, size_t k)
{
    if (k > *b->n)
        k = *b->n;
    memmove(b->buf, b->buf + k, *b->n - k);
    *b->n -= k;
    *b->dropped += k;
}

void rxbuf_feed(const rxbuf_t *b, const uint8_t *p, size_t len)
{
    if (len >= b->cap) {
        *b->dropped += *b->n + (len - b->cap);
        p += len - b->cap;
        len = b->cap;
        *b->n = 0;
    }
    if (*b->n + len > b->cap)
        rxbuf_drop(b, *b->n + len - b->cap);
    memcpy(b->buf + *b->n, p, len);
    *b->n += len;
}
