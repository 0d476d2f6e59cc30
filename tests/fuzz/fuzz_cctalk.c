/* libFuzzer target: the ccTalk stream decoder. The first byte picks the
 * size of the pieces the rest is fed in (reads from a serial line) and
 * whose frames are wanted (host or bill validator); every frame that comes
 * out must be addressed to that party and encode to bytes that decode to
 * the same frame. */
#include <stdlib.h>
#include <string.h>

#include "drivers/cash/cctalk_frame.h"

static void same_frame(const cctalk_frame_t *a, uint8_t to)
{
    uint8_t wire[CCTALK_MAX_FRAME];
    size_t n = cctalk_encode(a, wire, sizeof wire);
    if (n == 0 || a->dest != to)
        abort(); /* a decoded frame is ours and always encodable */
    cctalk_stream_t s;
    memset(&s, 0, sizeof s);
    cctalk_stream_feed(&s, wire, n);
    cctalk_frame_t b;
    if (!cctalk_stream_next(&s, to, &b) || b.src != a->src || b.header != a->header || b.len != a->len ||
        memcmp(b.data, a->data, a->len) != 0 || s.n != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = (size_t)(data[0] % 32) + 1;
    uint8_t to = data[0] & 0x20 ? CCTALK_BILL : CCTALK_HOST;
    data++;
    size--;
    cctalk_stream_t s;
    memset(&s, 0, sizeof s);
    cctalk_frame_t f;
    for (size_t off = 0; off < size; off += chunk) {
        cctalk_stream_feed(&s, data + off, size - off < chunk ? size - off : chunk);
        if (s.n > sizeof s.buf)
            abort();
        while (cctalk_stream_next(&s, to, &f))
            same_frame(&f, to);
    }
    return 0;
}
