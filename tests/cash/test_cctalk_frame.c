/* ccTalk framing against the vectors of docs/protocols/cctalk.md. */
#include "ktest.h"
#include "gateway/hex.h"

#include "drivers/cash/cctalk_frame.h"

typedef struct vec {
    const char *name;
    uint8_t dest, src, header;
    const char *data, *wire;
} vec_t;

static const vec_t vectors[] = {
    {"poll", 40, 1, 254, "", "28 00 01 FE D9"},
    {"ack", 1, 40, 0, "", "01 00 28 00 D7"},
    {"manufacturer", 1, 40, 0, "4B 49 4F", "01 03 28 00 4B 49 4F F1"},
    {"category", 1, 40, 0, "42 69 6C 6C 20 56 61 6C 69 64 61 74 6F 72",
     "01 0E 28 00 42 69 6C 6C 20 56 61 6C 69 64 61 74 6F 72 80"},
    {"serial", 1, 40, 0, "39 30 00", "01 03 28 00 39 30 00 6B"},
    {"bill id request", 40, 1, 157, "04", "28 01 01 9D 04 35"},
    {"bill id", 1, 40, 0, "43 4E 30 30 32 30 41", "01 07 28 00 43 4E 30 30 32 30 41 3C"},
    {"inhibits", 40, 1, 231, "3C 00", "28 02 01 E7 3C 00 B2"},
    {"accept", 40, 1, 228, "01", "28 01 01 E4 01 F1"},
    {"mode", 40, 1, 153, "03", "28 01 01 99 03 3A"},
    {"read events", 40, 1, 159, "", "28 00 01 9F 38"},
    {"events", 1, 40, 0, "07 04 01 00 0C 03 00 00 00 00 00", "01 0B 28 00 07 04 01 00 0C 03 00 00 00 00 00 B1"},
    {"stack", 40, 1, 154, "01", "28 01 01 9A 01 3B"},
    {"stacked", 1, 40, 0, "00", "01 01 28 00 00 D6"},
    {"escrow empty", 1, 40, 0, "FE", "01 01 28 00 FE D8"},
    {"reset", 40, 1, 1, "", "28 00 01 01 D6"},
    {"nak", 1, 40, 5, "", "01 00 28 05 D2"},
    {"header 65 (no answer)", 1, 40, 65, "", "01 00 28 41 96"},
};

#define N (sizeof vectors / sizeof vectors[0])

static cctalk_frame_t frame(const vec_t *v)
{
    cctalk_frame_t f = {.dest = v->dest, .src = v->src, .header = v->header};
    f.len = (uint8_t)hex_bytes(v->data, f.data, sizeof f.data);
    return f;
}

static void encode_and_decode_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N; i++) {
        cctalk_frame_t f = frame(&vectors[i]), g;
        uint8_t want[CCTALK_MAX_FRAME], got[CCTALK_MAX_FRAME];
        size_t wn = hex_bytes(vectors[i].wire, want, sizeof want), gn = cctalk_encode(&f, got, sizeof got);
        if (gn != wn || memcmp(got, want, wn) != 0)
            fail_msg("%s: encoding differs from the document", vectors[i].name);
        cctalk_stream_t s = {0};
        cctalk_stream_feed(&s, want, wn);
        assert_true(cctalk_stream_next(&s, f.dest, &g));
        assert_int_equal(g.header, f.header);
        assert_int_equal(g.src, f.src);
        assert_int_equal(g.len, f.len);
        assert_memory_equal(g.data, f.data, f.len);
        assert_int_equal(s.n, 0);
    }
}

static void noise_echo_and_splits(void **state)
{
    (void)state;
    /* the host's own poll echoed on the wire, noise, then the answer, a byte at a time */
    uint8_t buf[128];
    size_t n = hex_bytes("28 00 01 FE D9  00 01 FF 01 77", buf, sizeof buf);
    n += hex_bytes("01 0B 28 00 07 04 01 00 0C 03 00 00 00 00 00 B1", buf + n, sizeof buf - n);
    cctalk_stream_t s = {0};
    cctalk_frame_t f;
    int frames = 0;
    for (size_t i = 0; i < n; i++) {
        cctalk_stream_feed(&s, buf + i, 1);
        while (cctalk_stream_next(&s, CCTALK_HOST, &f)) {
            assert_int_equal(f.len, 11);
            assert_int_equal(f.data[0], 7);
            frames++;
        }
    }
    assert_int_equal(frames, 1);
}

static void bad_checksum_is_skipped(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = hex_bytes("01 00 28 00 D8  01 00 28 05 D2", buf, sizeof buf);
    cctalk_stream_t s = {0};
    cctalk_frame_t f;
    cctalk_stream_feed(&s, buf, n);
    assert_true(cctalk_stream_next(&s, CCTALK_HOST, &f));
    assert_int_equal(f.header, CCTALK_NAK);
    assert_false(cctalk_stream_next(&s, CCTALK_HOST, &f));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(encode_and_decode_vectors),
    cmocka_unit_test(noise_echo_and_splits),
    cmocka_unit_test(bad_checksum_is_skipped),
};

KTEST_MAIN(tests)
