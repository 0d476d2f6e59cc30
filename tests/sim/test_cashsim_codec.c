/* cashsim's own ccTalk codec against every hex example of
 * docs/protocols/cctalk.md, read from the page (CCTALK_DOC), not against
 * the driver's codec. */
#include "ktest.h"
#include "gateway/hex.h"
#include "sim/doc_hex.h"

#include "sim/cashsim/cc_frame.h"

#define MAX_RUNS 64

/* The document's frames: every run of five bytes or more in its code
 * blocks, each decoded for the address it starts with. */
static doc_run_t runs[MAX_RUNS];
static csim_frame_t frames[MAX_RUNS];
static size_t n_frames;

static void read_document(void)
{
    n_frames = doc_frames("CCTALK_DOC", "", 5, runs, MAX_RUNS, 20);
    for (size_t i = 0; i < n_frames; i++) {
        simrx_t rx;
        csim_frame_rx_init(&rx);
        simrx_feed(&rx, runs[i].b, runs[i].n);
        if (!csim_frame_next(&rx, runs[i].b[0], &frames[i]) || rx.n != 0 || rx.dropped != 0)
            fail_msg("frame %zu of the document is not one whole frame", i + 1);
    }
}

/* The document's frame from src with this header whose data is hex. */
static const csim_frame_t *frame_with(uint8_t src, uint8_t header, const char *hex)
{
    uint8_t want[CSIM_FRAME_MAX_DATA];
    size_t n = hex_bytes(hex, want, sizeof want);
    for (size_t i = 0; i < n_frames; i++)
        if (frames[i].src == src && frames[i].header == header && frames[i].len == n &&
            memcmp(frames[i].data, want, n) == 0)
            return &frames[i];
    fail_msg("no frame from %u with header %u and data %s on the document", src, header, hex);
    return NULL;
}

static const csim_frame_t *answer_text(const char *text)
{
    for (size_t i = 0; i < n_frames; i++)
        if (frames[i].src == CSIM_ADDR_BILL && frames[i].header == CSIM_HEADER_ACK &&
            frames[i].len == strlen(text) && memcmp(frames[i].data, text, frames[i].len) == 0)
            return &frames[i];
    fail_msg("no answer '%s' on the document", text);
    return NULL;
}

/* Every frame of the document decodes (its checksum holds) and encodes
 * back to its very bytes; host and validator are 1 and 40. */
static void every_frame_of_the_document(void **state)
{
    (void)state;
    read_document();
    for (size_t i = 0; i < n_frames; i++) {
        const csim_frame_t *f = &frames[i];
        uint8_t out[CSIM_FRAME_MAX];
        assert_true((f->dest == CSIM_ADDR_BILL && f->src == CSIM_ADDR_HOST) ||
                    (f->dest == CSIM_ADDR_HOST && f->src == CSIM_ADDR_BILL));
        size_t n = csim_frame_encode(f, out, sizeof out);
        if (n != runs[i].n || memcmp(out, runs[i].b, n) != 0)
            fail_msg("frame %zu of the document does not encode back to its bytes", i + 1);
    }
}

/* The frames mean what the document's table says. */
static void the_commands_of_the_document(void **state)
{
    (void)state;
    read_document();
    static const uint8_t no_data[] = {254, 246, 245, 244, 242, 159, 1};
    for (size_t i = 0; i < sizeof no_data; i++)
        frame_with(CSIM_ADDR_HOST, no_data[i], "");
    answer_text("KIO");
    answer_text("Bill Validator");
    answer_text("NV-SIM");
    answer_text("CN0020A");
    frame_with(CSIM_ADDR_BILL, CSIM_HEADER_ACK, "39 30 00"); /* serial 12345, lowest byte first */
    frame_with(CSIM_ADDR_HOST, 157, "04");                   /* bill id of type 4 */
    frame_with(CSIM_ADDR_HOST, 231, "3C 00");                /* types 3..6 */
    frame_with(CSIM_ADDR_HOST, 228, "01");                   /* accept */
    frame_with(CSIM_ADDR_HOST, 153, "03");                   /* escrow and stacker */
    frame_with(CSIM_ADDR_HOST, 154, "01");                   /* stack */
    frame_with(CSIM_ADDR_HOST, 154, "00");                   /* return */
    frame_with(CSIM_ADDR_BILL, CSIM_HEADER_ACK, "00");       /* done */
    frame_with(CSIM_ADDR_BILL, CSIM_HEADER_ACK, "FE");       /* escrow empty */
    frame_with(CSIM_ADDR_BILL, CSIM_HEADER_NAK, "");
    frame_with(CSIM_ADDR_BILL, 65, "");                      /* no answer: a device error */
    /* counter 7; newest: type 4 in escrow, box inserted, type 3 stacked */
    frame_with(CSIM_ADDR_BILL, CSIM_HEADER_ACK, "07 04 01 00 0C 03 00 00 00 00 00");
}

/* On a single wire the validator hears an answer meant for the host
 * before the next request: it is not addressed to the validator, noise
 * with a stray 28 is not a frame, and the request comes out whole, fed a
 * byte at a time. */
static void echo_noise_and_pieces(void **state)
{
    (void)state;
    read_document();
    uint8_t buf[128];
    size_t n = csim_frame_encode(frame_with(CSIM_ADDR_BILL, CSIM_HEADER_ACK, ""), buf, sizeof buf);
    n += hex_bytes("28 13 77", buf + n, sizeof buf - n);
    n += csim_frame_encode(frame_with(CSIM_ADDR_HOST, 157, "04"), buf + n, sizeof buf - n);
    simrx_t rx;
    csim_frame_rx_init(&rx);
    csim_frame_t f;
    int got = 0;
    for (size_t i = 0; i < n; i++) {
        simrx_feed(&rx, buf + i, 1);
        while (csim_frame_next(&rx, CSIM_ADDR_BILL, &f)) {
            assert_int_equal(f.header, 157);
            assert_int_equal(f.data[0], 4);
            got++;
        }
    }
    assert_int_equal(got, 1);
    assert_int_equal(rx.n, 0);
}

/* "A receiver that finds a bad checksum drops the first byte and looks
 * for the next frame addressed to it." */
static void a_bad_checksum_is_skipped(void **state)
{
    (void)state;
    read_document();
    uint8_t buf[64];
    size_t a = csim_frame_encode(frame_with(CSIM_ADDR_HOST, 254, ""), buf, sizeof buf);
    buf[a - 1] ^= 0x01;
    size_t b = csim_frame_encode(frame_with(CSIM_ADDR_HOST, 1, ""), buf + a, sizeof buf - a);
    simrx_t rx;
    csim_frame_rx_init(&rx);
    simrx_feed(&rx, buf, a + b);
    csim_frame_t f;
    assert_true(csim_frame_next(&rx, CSIM_ADDR_BILL, &f));
    assert_int_equal(f.header, 1);
    assert_int_equal(rx.dropped, a);
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
    cmocka_unit_test(every_frame_of_the_document),
    cmocka_unit_test(the_commands_of_the_document),
    cmocka_unit_test(echo_noise_and_pieces),
    cmocka_unit_test(a_bad_checksum_is_skipped),
    cmocka_unit_test(encode_refuses_what_does_not_fit),
};

KTEST_MAIN(tests)
