/* ZVT APDUs and BMP fields, and the kiosk's commands, against
 * docs/protocols/zvt.md. */
#include "ktest.h"
#include "gateway/hex.h"

#include "drivers/payterm/zvt_apdu.h"
#include "drivers/payterm/zvt_cmd.h"

#define REF "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9fa0b1c2"

static void authorisation_vector(void **state)
{
    (void)state;
    zvt_apdu_t a = {.cls = 0x06, .instr = 0x01};
    assert_true(zvt_put_bcd(&a, 0x04, 5000, 6));
    assert_true(zvt_put_bcd(&a, 0x49, 156, 2));
    assert_true(zvt_put_bytes(&a, 0x3C, (const uint8_t *)REF, strlen(REF)));
    uint8_t want[256], got[256];
    size_t wn = hex_bytes("06 01 32 04 00 00 00 00 50 00 49 01 56 3C F0 F3 F6 36 66 31 63 32 61 33 62 2D 30 64"
                          " 34 65 2D 34 66 35 61 2D 38 62 36 63 2D 37 64 38 65 39 66 61 30 62 31 63 32",
                          want, sizeof want);
    size_t gn = zvt_encode(&a, got, sizeof got);
    assert_int_equal(gn, wn);
    assert_memory_equal(got, want, wn);
}

static void status_information_fields(void **state)
{
    (void)state;
    uint8_t wire[256];
    size_t n = hex_bytes("04 0F 4F 27 00 04 00 00 00 00 50 00 0B 00 00 42 0C 14 30 05 0D 11 21 22 F0 F8 41 11 11 EE"
                         " EE EE 11 11 87 00 17 8A 05 49 01 56 3C F0 F3 F6 36 66 31 63 32 61 33 62 2D 30 64 34 65 2D"
                         " 34 66 35 61 2D 38 62 36 63 2D 37 64 38 65 39 66 61 30 62 31 63 32",
                         wire, sizeof wire);
    zvt_stream_t s = {0};
    zvt_apdu_t a;
    bool bad;
    assert_true(zvt_stream_feed(&s, wire, n - 10));
    assert_false(zvt_stream_next(&s, &a, &bad)); /* split read: wait for the rest */
    assert_false(bad);
    assert_true(zvt_stream_feed(&s, wire + n - 10, 10));
    assert_true(zvt_stream_next(&s, &a, &bad));
    assert_int_equal(a.cls, 0x04);
    assert_int_equal(a.instr, 0x0F);
    size_t off = 0;
    zvt_bmp_t b;
    uint64_t v;
    int seen = 0;
    while (zvt_bmp_next(a.data, a.len, &off, &b, &bad)) {
        seen++;
        if (b.tag == 0x04) {
            assert_true(zvt_bcd_get(b.value, b.len, &v));
            assert_int_equal(v, 5000);
        } else if (b.tag == 0x87) {
            assert_true(zvt_bcd_get(b.value, b.len, &v));
            assert_int_equal(v, 17);
        } else if (b.tag == 0x22) {
            assert_int_equal(b.len, 8);
        } else if (b.tag == 0x3C) {
            assert_int_equal(b.len, 36);
            assert_memory_equal(b.value, REF, 36);
        }
    }
    assert_false(bad);
    assert_int_equal(seen, 10);
}

static void extended_length_and_bad_fields(void **state)
{
    (void)state;
    zvt_apdu_t a = {.cls = 0x06, .instr = 0xD3, .len = 300};
    memset(a.data, 0x41, a.len);
    uint8_t out[400];
    size_t n = zvt_encode(&a, out, sizeof out);
    assert_int_equal(n, 305);
    assert_int_equal(out[2], 0xFF);
    assert_int_equal(out[3], 300 & 0xFF);
    assert_int_equal(out[4], 300 >> 8);
    zvt_stream_t s = {0};
    zvt_apdu_t b;
    bool bad;
    assert_true(zvt_stream_feed(&s, out, n));
    assert_true(zvt_stream_next(&s, &b, &bad));
    assert_int_equal(b.len, 300);
    /* an unknown tag and a length running past the block are refused */
    const uint8_t unknown[] = {0x7E, 0x00};
    size_t off = 0;
    zvt_bmp_t f;
    assert_false(zvt_bmp_next(unknown, sizeof unknown, &off, &f, &bad));
    assert_true(bad);
    const uint8_t overlong[] = {0x3C, 0xF0, 0xF0, 0xF9, 'a', 'b'};
    off = 0;
    assert_false(zvt_bmp_next(overlong, sizeof overlong, &off, &f, &bad));
    assert_true(bad);
    const uint8_t notbcd[] = {0x04, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00};
    uint64_t v;
    off = 0;
    assert_true(zvt_bmp_next(notbcd, sizeof notbcd, &off, &f, &bad));
    assert_false(zvt_bcd_get(f.value, f.len, &v));
}

static const uint8_t password[3] = {0x12, 0x34, 0x56};

/* a's bytes on the wire equal the hex text. */
static void assert_wire(const zvt_apdu_t *a, const char *hex)
{
    uint8_t want[512], got[512];
    size_t wn = hex_bytes(hex, want, sizeof want), gn = zvt_encode(a, got, sizeof got);
    assert_int_equal(gn, wn);
    assert_memory_equal(got, want, wn);
}

/* The commands the driver sends, byte for byte as the profile's examples
 * (the registration without the example's optional service byte 03 03). */
static void kiosk_commands(void **state)
{
    (void)state;
    zvt_apdu_t a;
    zvt_cmd_registration(password, 156, &a);
    assert_wire(&a, "06 00 06 12 34 56 0E 01 56");
    assert_true(zvt_cmd_authorisation(5000, 156, REF, &a));
    assert_wire(&a, "06 01 32 04 00 00 00 00 50 00 49 01 56 3C F0 F3 F6 36 66 31 63 32 61 33 62 2D 30 64"
                    " 34 65 2D 34 66 35 61 2D 38 62 36 63 2D 37 64 38 65 39 66 61 30 62 31 63 32");
    assert_true(zvt_cmd_reversal(password, 17, &a));
    assert_wire(&a, "06 30 06 12 34 56 87 00 17");
    zvt_cmd_repeat_receipt(password, &a);
    assert_wire(&a, "06 20 03 12 34 56");
    zvt_cmd_end_of_day(password, &a);
    assert_wire(&a, "06 50 03 12 34 56");
    zvt_cmd_abort(&a);
    assert_wire(&a, "06 B0 00");
    zvt_cmd_ack(&a);
    assert_wire(&a, "80 00 00");
}

/* BMP 87 holds four digits: 9999 is the last receipt a reversal can name;
 * 10000 and more are refused, never sent without 87. */
static void reversal_receipt_beyond_four_digits(void **state)
{
    (void)state;
    zvt_apdu_t a;
    assert_true(zvt_cmd_reversal(password, 9999, &a));
    assert_wire(&a, "06 30 06 12 34 56 87 99 99");
    assert_false(zvt_cmd_reversal(password, 10000, &a));
    assert_false(zvt_cmd_reversal(password, 10017, &a));
    assert_false(zvt_cmd_reversal(password, UINT32_MAX, &a));
    zvt_apdu_t b = {.len = 3};
    assert_false(zvt_put_bcd(&b, 0x87, 10000, 2)); /* the field itself refuses, and adds nothing */
    assert_int_equal(b.len, 3);
}

/* Amounts BMP 04 cannot hold, and nothing, are refused. */
static void authorisation_amounts(void **state)
{
    (void)state;
    zvt_apdu_t a;
    assert_true(zvt_cmd_authorisation(999999999999LL, 156, "r", &a));
    assert_false(zvt_cmd_authorisation(1000000000000LL, 156, "r", &a));
    assert_false(zvt_cmd_authorisation(0, 156, "r", &a));
    assert_false(zvt_cmd_authorisation(-5, 156, "r", &a));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(authorisation_vector),
    cmocka_unit_test(status_information_fields),
    cmocka_unit_test(extended_length_and_bad_fields),
    cmocka_unit_test(kiosk_commands),
    cmocka_unit_test(reversal_receipt_beyond_four_digits),
    cmocka_unit_test(authorisation_amounts),
};

KTEST_MAIN(tests)
