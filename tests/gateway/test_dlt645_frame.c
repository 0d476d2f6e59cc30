/* DL/T 645 framing against the vectors of docs/protocols/dlt645-prepaid.md,
 * and the stream decoder against garbage, splits and bad frames. */
#include <stdlib.h>

#include "ktest.h"
#include "gateway/hex.h"

#include "drivers/gateway/dlt645_frame.h"

typedef struct vector {
    const char *name;
    uint8_t ctrl;
    const char *plain; /* DATA before +0x33 */
    const char *wire;
} vector_t;

/* From the profile document; the DATA column is what the frame means. */
static const vector_t vectors[] = {
    {"read count", 0x11, "01 02 33 03", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 34 35 66 36 FE 16"},
    {"count reply", 0x91, "01 02 33 03 07 00", "FE FE FE FE 68 78 56 34 12 00 00 68 91 06 34 35 66 36 3A 33 ED 16"},
    {"read money", 0x11, "00 02 90 00", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 35 C3 33 57 16"},
    {"money reply", 0x91, "00 02 90 00 56 34 12 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 08 33 35 C3 33 89 67 45 33 43 16"},
    {"read energy block", 0x11, "00 FF 01 00", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 32 34 33 C5 16"},
    {"energy block reply", 0x91, "00 FF 01 00 56 34 12 00 00 00 01 00 50 00 03 00 06 00 05 00 00 34 03 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 18 33 32 34 33 89 67 45 33 33 33 34 33 "
     "83 33 36 33 39 33 38 33 33 67 36 33 87 16"},
    {"status word 3 reply", 0x91, "03 05 00 04 90 02",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 06 36 38 33 37 C3 35 4B 16"},
    {"read error", 0xD1, "02", "FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 35 EB 16"},
    {"recharge", 0x03,
     "FF 02 01 07 01 00 00 00 88 13 00 00 08 00 00 00 8E 57 85 74 01 00 00 00 00 10 BA 26 82 8E",
     "FE FE FE FE 68 78 56 34 12 00 00 68 03 1E 32 35 34 3A 34 33 33 33 BB 46 33 33 "
     "3B 33 33 33 C1 8A B8 A7 34 33 33 33 33 43 ED 59 B5 C1 8B 16"},
    {"recharge ok", 0x83, "FF 02 01 07 5A 18 00 00 08 00 00 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 83 0C 32 35 34 3A 8D 4B 33 33 3B 33 33 33 5A 16"},
    {"repeated", 0xC3, "02 00", "FE FE FE FE 68 78 56 34 12 00 00 68 C3 02 35 33 11 16"},
    {"count mismatch", 0xC3, "20 00", "FE FE FE FE 68 78 56 34 12 00 00 68 C3 02 53 33 2F 16"},
    {"relay trip", 0x1C, "02 00 00 00 01 00 00 00 1A 00 59 59 23 21 11 26",
     "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 35 33 33 33 34 33 33 33 4D 33 8C 8C 56 54 44 59 8A 16"},
    {"relay ok", 0x9C, "", "FE FE FE FE 68 78 56 34 12 00 00 68 9C 00 80 16"},
    {"relay refused", 0xDC, "04", "FE FE FE FE 68 78 56 34 12 00 00 68 DC 01 37 F8 16"},
    {"read total", 0x11, "00 00 00 00", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 33 33 33 C5 16"},
    {"total reply", 0x91, "00 00 00 00 56 34 12 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 08 33 33 33 33 89 67 45 33 B1 16"},
    {"keep on", 0x1C, "02 00 00 00 01 00 00 00 3A 00 59 59 23 21 11 26", "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 35 33 33 33 34 33 33 33 6D 33 8C 8C 56 54 44 59 AA 16"},
    {"keep off", 0x1C, "02 00 00 00 01 00 00 00 3B 00 59 59 23 21 11 26", "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 35 33 33 33 34 33 33 33 6E 33 8C 8C 56 54 44 59 AB 16"},
    {"trip refused keep", 0xDC, "01", "FE FE FE FE 68 78 56 34 12 00 00 68 DC 01 34 F5 16"},
    {"write alarm1", 0x14, "01 10 00 04 02 00 00 00 01 00 00 00 00 00 01 00", "FE FE FE FE 68 78 56 34 12 00 00 68 14 10 34 43 33 37 35 33 33 33 34 33 33 33 33 33 34 33 51 16"},
    {"write alarm2", 0x14, "02 10 00 04 02 00 00 00 01 00 00 00 00 50 00 00", "FE FE FE FE 68 78 56 34 12 00 00 68 14 10 35 43 33 37 35 33 33 33 34 33 33 33 33 83 33 33 A1 16"},
    {"write ok", 0x94, "", "FE FE FE FE 68 78 56 34 12 00 00 68 94 00 78 16"},
    {"write refused", 0xD4, "04", "FE FE FE FE 68 78 56 34 12 00 00 68 D4 01 37 F0 16"},
    {"write price sharp", 0x14, "01 01 05 04 02 00 00 00 01 00 00 00 00 20 01 00", "FE FE FE FE 68 78 56 34 12 00 00 68 14 10 34 34 38 37 35 33 33 33 34 33 33 33 33 53 34 33 67 16"},
    {"write day table", 0x14, "01 00 01 04 02 00 00 00 01 00 00 00 04 00 00 03 00 08 02 00 18 04 00 22", "FE FE FE FE 68 78 56 34 12 00 00 68 14 18 34 33 34 37 35 33 33 33 34 33 33 33 37 33 33 36 33 3B 35 33 4B 37 33 55 30 16"},
    {"day slots", 0xD4, "20", "FE FE FE FE 68 78 56 34 12 00 00 68 D4 01 53 0C 16"},
    {"read frozen time", 0x11, "01 00 06 05", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 34 33 39 38 D1 16"},
    {"frozen time reply", 0x91, "01 00 06 05 00 00 07 12 26", "FE FE FE FE 68 78 56 34 12 00 00 68 91 09 34 33 39 38 33 33 3A 45 59 94 16"},
    {"read frozen energy", 0x11, "01 01 06 05", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 34 34 39 38 D2 16"},
    {"frozen energy reply", 0x91, "01 01 06 05 56 34 12 00 00 00 01 00 50 00 03 00 06 00 05 00 00 34 03 00", "FE FE FE FE 68 78 56 34 12 00 00 68 91 18 34 34 39 38 89 67 45 33 33 33 34 33 83 33 36 33 39 33 38 33 33 67 36 33 94 16"},
    {"frozen single reply", 0x91, "01 01 06 05 56 34 12 00", "FE FE FE FE 68 78 56 34 12 00 00 68 91 08 34 34 39 38 89 67 45 33 BE 16"},
    {"frozen none", 0xD1, "02", "FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 35 EB 16"},
};

#define N_VECTORS (sizeof vectors / sizeof vectors[0])

static dlt645_frame_t frame_of(const vector_t *v)
{
    dlt645_frame_t f = {.ctrl = v->ctrl};
    assert_true(dlt645_addr_from_text("000012345678", f.addr));
    f.len = (uint8_t)hex_bytes(v->plain, f.data, sizeof f.data);
    return f;
}

static void encodes_every_vector(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        dlt645_frame_t f = frame_of(&vectors[i]);
        uint8_t want[DLT645_MAX_FRAME], got[DLT645_MAX_FRAME];
        size_t wn = hex_bytes(vectors[i].wire, want, sizeof want);
        size_t gn = dlt645_encode(&f, got, sizeof got);
        if (gn != wn || memcmp(got, want, wn) != 0)
            fail_msg("%s: encoded frame differs from the document", vectors[i].name);
    }
}

static void decodes_every_vector(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        dlt645_stream_t s = {0};
        uint8_t wire[DLT645_MAX_FRAME];
        size_t n = hex_bytes(vectors[i].wire, wire, sizeof wire);
        dlt645_stream_feed(&s, wire, n);
        dlt645_frame_t got, want = frame_of(&vectors[i]);
        if (!dlt645_stream_next(&s, &got))
            fail_msg("%s: not decoded", vectors[i].name);
        assert_memory_equal(got.addr, want.addr, 6);
        assert_int_equal(got.ctrl, want.ctrl);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, want.len);
        assert_int_equal(s.n, 0);
        assert_int_equal(s.dropped, 4); /* the wake-up bytes */
        assert_false(dlt645_stream_next(&s, &got));
    }
}

static size_t wire_of(size_t i, uint8_t *out)
{
    return hex_bytes(vectors[i].wire, out, DLT645_MAX_FRAME);
}

static void byte_by_byte_with_garbage(void **state)
{
    (void)state;
    uint8_t buf[1024];
    size_t n = hex_bytes("00 68 16 FF 68 11 22", buf, sizeof buf); /* noise, with stray 68s */
    n += wire_of(1, buf + n);
    n += hex_bytes("A5 5A", buf + n, sizeof buf - n);
    n += wire_of(9, buf + n);
    dlt645_stream_t s = {0};
    dlt645_frame_t f;
    int frames = 0;
    for (size_t i = 0; i < n; i++) {
        dlt645_stream_feed(&s, buf + i, 1);
        while (dlt645_stream_next(&s, &f)) {
            assert_int_equal(f.ctrl, frames == 0 ? 0x91 : 0x83);
            frames++;
        }
    }
    assert_int_equal(frames, 2);
}

static void bad_checksum_is_skipped(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t a = wire_of(0, buf);
    buf[a - 2] ^= 0x01; /* corrupt the first frame's checksum */
    size_t b = wire_of(13, buf + a);
    dlt645_stream_t s = {0};
    dlt645_stream_feed(&s, buf, a + b);
    dlt645_frame_t f;
    assert_true(dlt645_stream_next(&s, &f));
    assert_int_equal(f.ctrl, 0x9C); /* only the good one */
    assert_false(dlt645_stream_next(&s, &f));
    assert_true(s.dropped >= a);
}

static void missing_end_byte_and_long_length(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t a = wire_of(13, buf);
    buf[a - 1] = 0x17; /* not 16 */
    dlt645_stream_t s = {0};
    dlt645_stream_feed(&s, buf, a);
    dlt645_frame_t f;
    assert_false(dlt645_stream_next(&s, &f));
    uint8_t huge[] = {0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, 0xC9}; /* L = 201 */
    dlt645_stream_t t = {0};
    dlt645_stream_feed(&t, huge, sizeof huge);
    size_t b = wire_of(13, buf);
    dlt645_stream_feed(&t, buf, b);
    assert_true(dlt645_stream_next(&t, &f));
    assert_int_equal(f.ctrl, 0x9C);
}

static void flood_keeps_the_newest_bytes(void **state)
{
    (void)state;
    dlt645_stream_t s = {0};
    uint8_t noise[3000];
    memset(noise, 0x55, sizeof noise);
    dlt645_stream_feed(&s, noise, sizeof noise);
    assert_true(s.n <= sizeof s.buf);
    uint8_t buf[256];
    size_t n = wire_of(2, buf);
    dlt645_stream_feed(&s, buf, n);
    dlt645_frame_t f;
    assert_true(dlt645_stream_next(&s, &f));
    assert_int_equal(f.ctrl, 0x11);
}

static void encode_refuses_overlong(void **state)
{
    (void)state;
    dlt645_frame_t f = {.ctrl = 0x11, .len = 201};
    uint8_t out[512];
    assert_int_equal(dlt645_encode(&f, out, sizeof out), 0);
    f.len = 4;
    assert_int_equal(dlt645_encode(&f, out, 10), 0);
    assert_int_equal(dlt645_encode(&f, out, 20), 20);
}

static void addresses_dis_and_bcd(void **state)
{
    (void)state;
    uint8_t a[6];
    char text[13];
    assert_true(dlt645_addr_from_text("000012345678", a));
    assert_memory_equal(a, "\x78\x56\x34\x12\x00\x00", 6);
    assert_true(dlt645_addr_to_text(a, text));
    assert_string_equal(text, "000012345678");
    assert_false(dlt645_addr_from_text("12345678", a));
    assert_false(dlt645_addr_from_text("00001234567a", a));
    uint8_t bad[6] = {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
    assert_false(dlt645_addr_to_text(bad, text));
    uint8_t di[4];
    dlt645_put_di(di, 0x00010000);
    assert_memory_equal(di, "\x00\x00\x01\x00", 4);
    assert_int_equal(dlt645_get_di(di), 0x00010000);
    uint8_t b[4];
    uint64_t v;
    assert_true(dlt645_bcd_put(123456, b, 4));
    assert_memory_equal(b, "\x56\x34\x12\x00", 4);
    assert_true(dlt645_bcd_get(b, 4, &v));
    assert_int_equal(v, 123456);
    assert_false(dlt645_bcd_put(100000000, b, 4));
    b[0] = 0x5A;
    assert_false(dlt645_bcd_get(b, 4, &v));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(encodes_every_vector),
    cmocka_unit_test(decodes_every_vector),
    cmocka_unit_test(byte_by_byte_with_garbage),
    cmocka_unit_test(bad_checksum_is_skipped),
    cmocka_unit_test(missing_end_byte_and_long_length),
    cmocka_unit_test(flood_keeps_the_newest_bytes),
    cmocka_unit_test(encode_refuses_overlong),
    cmocka_unit_test(addresses_dis_and_bcd),
};

KTEST_MAIN(tests)
