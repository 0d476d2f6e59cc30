/* The kiosk's reading of answers to DL/T 645 reads, frame by frame from the
 * wire bytes of docs/protocols/dlt645-prepaid.md: a value, "no such data"
 * (what a single-rate meter answers for the energy block), another
 * refusal, and answers that fit no read. */
#include "ktest.h"
#include "gateway/hex.h"

#include "drivers/gateway/dlt645_read.h"

#define DI_COUNT 0x03330201u
#define DI_ENERGY_BLOCK 0x0001FF00u

/* The one frame in wire (hex). */
static dlt645_frame_t decode(const char *wire)
{
    uint8_t buf[DLT645_MAX_FRAME];
    dlt645_stream_t s = {0};
    dlt645_stream_feed(&s, buf, hex_bytes(wire, buf, sizeof buf));
    dlt645_frame_t f;
    assert_true(dlt645_stream_next(&s, &f));
    return f;
}

static void value_is_taken(void **state)
{
    (void)state;
    dlt645_frame_t f = decode("FE FE FE FE 68 78 56 34 12 00 00 68 91 06 34 35 66 36 3A 33 ED 16");
    uint8_t v[2] = {0xEE, 0xEE}, err = 0xEE;
    assert_int_equal(dlt645_read_answer(&f, DI_COUNT, 2, v, &err), DLT645_ANSWER_VALUE);
    assert_int_equal(v[0], 0x07); /* count 7, BCD */
    assert_int_equal(v[1], 0x00);
}

/* D1 + 02: the meter has no such data, e.g. a single-rate meter asked for
 * the energy block. Bit 1 decides, whatever else is set. */
static void no_such_data(void **state)
{
    (void)state;
    dlt645_frame_t f = decode("FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 35 EB 16");
    uint8_t v[20], err = 0;
    assert_int_equal(dlt645_read_answer(&f, DI_ENERGY_BLOCK, 20, v, &err), DLT645_ANSWER_NO_DATA);
    assert_int_equal(err, 0x02);
    assert_string_equal(dlt645_error_text(err), "no such data");
    f.data[0] = 0x03; /* other + no such data */
    assert_int_equal(dlt645_read_answer(&f, DI_ENERGY_BLOCK, 20, v, &err), DLT645_ANSWER_NO_DATA);
}

/* D1 + 04 (not authorised) and D1 + 01 (other) are refusals, not absence. */
static void other_errors_are_refusals(void **state)
{
    (void)state;
    dlt645_frame_t f = decode("FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 37 ED 16");
    uint8_t v[20], err = 0;
    assert_int_equal(dlt645_read_answer(&f, DI_ENERGY_BLOCK, 20, v, &err), DLT645_ANSWER_REFUSED);
    assert_int_equal(err, 0x04);
    assert_string_equal(dlt645_error_text(err), "wrong password or not authorised");
    f.data[0] = 0x01;
    assert_int_equal(dlt645_read_answer(&f, DI_ENERGY_BLOCK, 20, v, &err), DLT645_ANSWER_REFUSED);
    assert_string_equal(dlt645_error_text(err), "other error");
}

/* An error reply without its byte, another DI, another length. */
static void answers_that_fit_no_read(void **state)
{
    (void)state;
    uint8_t v[20], err = 0;
    dlt645_frame_t f = decode("FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 35 EB 16");
    f.len = 0;
    assert_int_equal(dlt645_read_answer(&f, DI_ENERGY_BLOCK, 20, v, &err), DLT645_ANSWER_GARBLED);
    f = decode("FE FE FE FE 68 78 56 34 12 00 00 68 91 06 34 35 66 36 3A 33 ED 16");
    assert_int_equal(dlt645_read_answer(&f, DI_ENERGY_BLOCK, 2, v, &err), DLT645_ANSWER_GARBLED);
    assert_int_equal(dlt645_read_answer(&f, DI_COUNT, 4, v, &err), DLT645_ANSWER_GARBLED);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(value_is_taken),
    cmocka_unit_test(no_such_data),
    cmocka_unit_test(other_errors_are_refusals),
    cmocka_unit_test(answers_that_fit_no_read),
};

KTEST_MAIN(tests)
