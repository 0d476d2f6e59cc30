/* libFuzzer target: the DL/T 645 stream decoder. The first byte picks the
 * size of the pieces the rest is fed in (split TCP reads); every frame that
 * comes out must encode to bytes that decode to the same frame. */
#include <stdlib.h>
#include <string.h>

#include "drivers/gateway/dlt645_frame.h"

static void same_frame(const dlt645_frame_t *a)
{
    uint8_t wire[DLT645_MAX_FRAME];
    size_t n = dlt645_encode(a, wire, sizeof wire);
    if (n == 0)
        abort(); /* a decoded frame is always encodable */
    dlt645_stream_t s;
    memset(&s, 0, sizeof s);
    dlt645_stream_feed(&s, wire, n);
    dlt645_frame_t b;
    if (!dlt645_stream_next(&s, &b) || b.ctrl != a->ctrl || b.len != a->len || memcmp(b.addr, a->addr, 6) != 0 ||
        memcmp(b.data, a->data, a->len) != 0 || s.n != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = (size_t)(data[0] % 32) + 1;
    data++;
    size--;
    dlt645_stream_t s;
    memset(&s, 0, sizeof s);
    dlt645_frame_t f;
    for (size_t off = 0; off < size; off += chunk) {
        dlt645_stream_feed(&s, data + off, size - off < chunk ? size - off : chunk);
        if (s.n > sizeof s.buf)
            abort();
        while (dlt645_stream_next(&s, &f))
            same_frame(&f);
    }
    return 0;
}
