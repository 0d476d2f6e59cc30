/* cashsim's own ccTalk codec against the examples of
 * docs/protocols/cctalk.md, not against the driver's. */
#include "ktest.h"
#include "gateway/hex.h"

#include "sim/cashsim/cc_frame.h"

typedef struct vec {
    const char *name;
    uint8_t dest, src, header;
    const char *data, *wire;
} vec_t;

/* Every frame of the profile document. */
static const vec_t vectors[] = {
    {"simple poll", 40, 1, 254, "", "28 00 01 FE D9"},
    {"its answer", 1, 40, 0, "", "01 00 28 00 D7"},
    {"manufacturer", 40, 1, 246, "", "28 00 01 F6 E1"},
    {"KIO", 1, 40, 0, "4B 49 4F", "01 03 28 00 4B 49 4F F1"},
    {"category", 40, 1, 245, "", "28 00 01 F5 E2"},
    {"Bill Validator", 1, 40, 0, "42 69 6C 6C 20 56 61 6C 69 64 61 74 6F 72",
     "01 0E 28 00 42 69 6C 6C 20 56 61 6C 69 64 61 74 6F 72 80"},
    {"product", 40, 1, 244, "", "28 00 01 F4 E3"},
    {"NV-SIM", 1, 40, 0, "4E 56 2D 53 49 4D", "01 06 28 00 4E 56 2D 53 49 4D 17"},
    {"serial", 40, 1, 242, "", "28 00 01 F2 E5"},
    {"12345", 1, 40, 0, "39 30 00", "01 03 28 00 39 30 00 6B"},
    {"bill id type 4", 40, 1, 157, "04", "28 01 01 9D 04 35"},
    {"CN0020A", 1, 40, 0, "43 4E 30 30 32 30 41", "01 07 28 00 43 4E 30 30 32 30 41 3C"},
    {"inhibits 3..6", 40, 1, 231, "3C 00", "28 02 01 E7 3C 00 B2"},
    {"accept", 40, 1, 228, "01", "28 01 01 E4 01 F1"},
    {"escrow and stacker", 40, 1, 153, "03", "28 01 01 99 03 3A"},
    {"read events", 40, 1, 159, "", "28 00 01 9F 38"},
    {"events", 1, 40, 0, "07 04 01 00 0C 03 00 00 00 00 00", "01 0B 28 00 07 04 01 00 0C 03 00 00 00 00 00 B1"},
    {"stack", 40, 1, 154, "01", "28 01 01 9A 01 3B"},
    {"done", 1, 40, 0, "00", "01 01 28 00 00 D6"},
    {"return", 40, 1, 154, "00", "28 01 01 9A 00 3C"},
    {"escrow empty", 1, 40, 0, "FE", "01 01 28 00 FE D8"},
    {"reset", 40, 1, 1, "", "28 00 01 01 D6"},
    {"NAK", 1, 40, 5, "", "01 00 28 05 D2"},
    {"header 65", 1, 40, 65, "", "01 00 28 41 96"},
};

#define N (sizeof vectors / sizeof vectors[0])

static csim_frame_t frame_of(const vec_t *v)
{
    csim_frame_t f = {.dest = v->dest, .src = v->src, .header = v->header};
    f.len = (uint8_t)hex_bytes(v->data, f.data, sizeof f.data);
    return f;
}

static void the_document_frames_both_ways(void **state)
{
    (void)state;
    for (size_t i = 0; i < N; i++) {
        csim_frame_t f = frame_of(&vectors[i]), g;
        uint8_t want[CSIM_FRAME_MAX], got[CSIM_FRAME_MAX];
        size_t wn = hex_bytes(vectors[i].wire, want, sizeof want), gn = csim_frame_encode(&f, got, sizeof got);
        if (gn != wn || memcmp(got, want, wn) != 0)
            fail_msg("%s: the frame differs from the document", vectors[i].name);
        simrx_t rx;
        csim_frame_rx_init(&rx);
        simrx_feed(&rx, want, wn);
        assert_true(csim_frame_next(&rx, f.dest, &g));
        assert_int_equal(g.dest, f.dest);
        assert_int_equal(g.src, f.src);
        assert_int_equal(g.header, f.header);
        assert_int_equal(g.len, f.len);
        assert_memory_equal(g.data, f.data, f.len);
        assert_int_equal(rx.n, 0);
        assert_int_equal(rx.dropped, 0);
    }
}

/* On a single wire the validator hears an answer meant for the host
 * before the next request: it is not addressed to the validator, noise
 * with a stray 28 is not a frame, and the request comes out whole, fed a
 * byte at a time. */
static void echo_noise_and_pieces(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t n = hex_bytes("01 00 28 00 D7  28 13 77  28 01 01 9D 04 35", buf, sizeof buf);
    simrx_t rx;
    csim_frame_rx_init(&rx);
    csim_frame_t f;
    int frames = 0;
    for (size_t i = 0; i < n; i++) {
        simrx_feed(&rx, buf + i, 1);
        while (csim_frame_next(&rx, CSIM_ADDR_BILL, &f)) {
            assert_int_equal(f.header, 157);
            assert_int_equal(f.data[0], 4);
            frames++;
        }
    }
    assert_int_equal(frames, 1);
    assert_int_equal(rx.n, 0);
}

/* "A receiver that finds a bad checksum drops the first byte and looks
 * for the next frame addressed to it." */
static void a_bad_checksum_is_skipped(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = hex_bytes("28 00 01 FE D8  28 00 01 01 D6", buf, sizeof buf);
    simrx_t rx;
    csim_frame_rx_init(&rx);
    simrx_feed(&rx, buf, n);
    csim_frame_t f;
    assert_true(csim_frame_next(&rx, CSIM_ADDR_BILL, &f));
    assert_int_equal(f.header, 1);
    assert_int_equal(rx.dropped, 5);
    assert_false(csim_frame_next(&rx, CSIM_ADDR_BILL, &f));
}

static void encode_refuses_what_does_not_fit(void **state)
{
    (void)state;
    csim_frame_t f = {.dest = 1, .src = 40, .len = 3};
    uint8_t out[CSIM_FRAME_MAX];
    assert_int_equal(csim_frame_encode(&f, out, 7), 0);
    assert_int_equal(csim_frame_encode(&f, out, 8), 8);
    f.len = CSIM_FRAME_MAX_DATA + 1;
    assert_int_equal(csim_frame_encode(&f, out, sizeof out), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(the_document_frames_both_ways),
    cmocka_unit_test(echo_noise_and_pieces),
    cmocka_unit_test(a_bad_checksum_is_skipped),
    cmocka_unit_test(encode_refuses_what_does_not_fit),
};

KTEST_MAIN(tests)
