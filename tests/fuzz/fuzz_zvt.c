/* libFuzzer target: the ZVT stream decoder and the BMP walker. The first
 * byte picks the size of the pieces the rest is fed in (split TCP reads).
 * Every APDU that comes out must encode to bytes that decode to the same
 * APDU, and walking its BMP fields must stay inside its data and end. */
#include <stdlib.h>
#include <string.h>

#include "drivers/payterm/zvt_apdu.h"

static void same_apdu(const zvt_apdu_t *a)
{
    static uint8_t wire[ZVT_MAX_DATA + 5];
    size_t n = zvt_encode(a, wire, sizeof wire);
    if (n == 0)
        abort(); /* a decoded APDU is always encodable */
    static zvt_stream_t s;
    static zvt_apdu_t b;
    memset(&s, 0, sizeof s);
    bool bad;
    if (!zvt_stream_feed(&s, wire, n) || !zvt_stream_next(&s, &b, &bad) || bad || b.cls != a->cls ||
        b.instr != a->instr || b.len != a->len || memcmp(b.data, a->data, a->len) != 0 || s.n != 0)
        abort();
}

/* Walks the BMPs of a's data (as status information is read). */
static void walk(const zvt_apdu_t *a)
{
    size_t off = 0, last = 0;
    zvt_bmp_t b;
    bool bad = false;
    while (zvt_bmp_next(a->data, a->len, &off, &b, &bad)) {
        if (off <= last || off > a->len || b.value < a->data || b.value + b.len > a->data + a->len)
            abort();
        last = off;
        uint64_t v;
        if (b.len <= 8)
            (void)zvt_bcd_get(b.value, b.len, &v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = (size_t)(data[0] % 64) + 1;
    data++;
    size--;
    static zvt_stream_t s;
    static zvt_apdu_t a;
    memset(&s, 0, sizeof s);
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        if (!zvt_stream_feed(&s, data + off, n))
            s.n = 0; /* the driver drops the link: start over */
        bool bad = false;
        while (zvt_stream_next(&s, &a, &bad)) {
            same_apdu(&a);
            walk(&a);
        }
        if (bad && s.n != 0)
            abort();
    }
    return 0;
}
