/* paysim's own ZVT codec against the examples of docs/protocols/zvt.md,
 * not against the driver's. */
#include "ktest.h"
#include "gateway/hex.h"

#include "sim/paysim/zvt_wire.h"

#define REF "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9fa0b1c2"
#define REF_HEX                                                                                                    \
    "3C F0 F3 F6 36 66 31 63 32 61 33 62 2D 30 64 34 65 2D 34 66 35 61 2D 38 62 36 63 2D 37 64 38 65 39 66 61 30 " \
    "62 31 63 32"
#define AUTH "06 01 32 04 00 00 00 00 50 00 49 01 56 " REF_HEX
#define STATUS                                                                                                     \
    "04 0F 4F 27 00 04 00 00 00 00 50 00 0B 00 00 42 0C 14 30 05 0D 11 21 22 F0 F8 41 11 11 EE EE EE 11 11 87 " \
    "00 17 8A 05 49 01 56 " REF_HEX

static size_t hx(const char *text, uint8_t *out)
{
    return hex_bytes(text, out, PSIM_APDU_MAX);
}

/* a must be exactly the bytes of text on the wire. */
static void wire_is(const psim_apdu_t *a, const char *text)
{
    uint8_t want[PSIM_APDU_MAX], got[PSIM_APDU_MAX];
    size_t wn = hx(text, want), gn = psim_apdu_encode(a, got, sizeof got);
    assert_int_equal(gn, wn);
    assert_memory_equal(got, want, wn);
}

/* text, fed whole, is one APDU. */
static psim_apdu_t apdu_of(const char *text)
{
    uint8_t wire[PSIM_APDU_MAX];
    psim_rx_t rx = {.n = 0};
    psim_apdu_t a;
    assert_true(psim_rx_feed(&rx, wire, hx(text, wire)));
    assert_int_equal(psim_rx_next(&rx, &a), PSIM_NEXT_ONE);
    assert_int_equal(rx.n, 0);
    return a;
}

/* The authorisation the ECR sends, read field by field. */
static void the_authorisation(void **state)
{
    (void)state;
    psim_apdu_t a = apdu_of(AUTH);
    assert_int_equal(a.cls, 0x06);
    assert_int_equal(a.instr, 0x01);
    size_t off = 0;
    psim_bmp_t b;
    uint64_t v;
    assert_int_equal(psim_bmp_next(a.data, a.len, &off, &b), PSIM_NEXT_ONE);
    assert_int_equal(b.tag, 0x04);
    assert_true(psim_bcd_get(b.value, b.len, &v));
    assert_int_equal(v, 5000);
    assert_int_equal(psim_bmp_next(a.data, a.len, &off, &b), PSIM_NEXT_ONE);
    assert_int_equal(b.tag, 0x49);
    assert_true(psim_bcd_get(b.value, b.len, &v));
    assert_int_equal(v, 156);
    assert_int_equal(psim_bmp_next(a.data, a.len, &off, &b), PSIM_NEXT_ONE);
    assert_int_equal(b.tag, 0x3C);
    assert_int_equal(b.len, strlen(REF));
    assert_memory_equal(b.value, REF, b.len);
    assert_int_equal(psim_bmp_next(a.data, a.len, &off, &b), PSIM_NEXT_MORE);
}

/* The status information of the approved example, built field by field
 * as the terminal sends it. */
static void the_status_information(void **state)
{
    (void)state;
    psim_apdu_t a = {.cls = 0x04, .instr = 0x0F};
    static const uint8_t result = 0x00, card_type = 0x05;
    static const uint8_t pan[] = {0x41, 0x11, 0x11, 0xEE, 0xEE, 0xEE, 0x11, 0x11};
    assert_true(psim_bmp_put(&a, 0x27, &result, 1));
    assert_true(psim_bmp_put_bcd(&a, 0x04, 5000, 6));
    assert_true(psim_bmp_put_bcd(&a, 0x0B, 42, 3));
    assert_true(psim_bmp_put_bcd(&a, 0x0C, 143005, 3));
    assert_true(psim_bmp_put_bcd(&a, 0x0D, 1121, 2));
    assert_true(psim_bmp_put(&a, 0x22, pan, sizeof pan));
    assert_true(psim_bmp_put_bcd(&a, 0x87, 17, 2));
    assert_true(psim_bmp_put(&a, 0x8A, &card_type, 1));
    assert_true(psim_bmp_put_bcd(&a, 0x49, 156, 2));
    assert_true(psim_bmp_put(&a, 0x3C, (const uint8_t *)REF, strlen(REF)));
    wire_is(&a, STATUS);
    size_t off = 0;
    psim_bmp_t b;
    int fields = 0;
    psim_next_t got;
    while ((got = psim_bmp_next(a.data, a.len, &off, &b)) == PSIM_NEXT_ONE)
        fields++;
    assert_int_equal(got, PSIM_NEXT_MORE);
    assert_int_equal(fields, 10);
}

/* The other commands and answers of the document's examples. */
static void the_other_examples(void **state)
{
    (void)state;
    psim_apdu_t a = apdu_of("06 00 08 12 34 56 0E 01 56 03 03"); /* registration, service byte 03 */
    size_t off = 6;
    psim_bmp_t b;
    assert_int_equal(psim_bmp_next(a.data, a.len, &off, &b), PSIM_NEXT_ONE);
    assert_int_equal(b.tag, 0x03);
    assert_int_equal(b.len, 1);
    a = apdu_of("06 30 06 12 34 56 87 00 17");
    off = 3;
    uint64_t v;
    assert_int_equal(psim_bmp_next(a.data, a.len, &off, &b), PSIM_NEXT_ONE);
    assert_true(psim_bcd_get(b.value, b.len, &v));
    assert_int_equal(v, 17);
    static const char *const plain[] = {"80 00 00", "84 83 00", "06 0F 00", "06 1E 01 05", "06 B0 00",
                                        "04 FF 01 0A", "06 20 03 12 34 56", "06 50 03 12 34 56"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        a = apdu_of(plain[i]);
        wire_is(&a, plain[i]);
    }
    a = (psim_apdu_t){.cls = 0x06, .instr = 0xD1};
    uint8_t line[] = {0x00, 'C', 'A', 'R', 'D', ' ', 'P', 'A', 'Y', 'M', 'E', 'N', 'T'};
    memcpy(a.data, line, sizeof line);
    a.len = sizeof line;
    wire_is(&a, "06 D1 0D 00 43 41 52 44 20 50 41 59 4D 45 4E 54");
}

/* "LEN is one byte, or FF followed by a two-byte length, lowest byte
 * first, for 255 bytes or more"; pieces wait for the rest. */
static void lengths_and_pieces(void **state)
{
    (void)state;
    psim_apdu_t a = {.cls = 0x06, .instr = 0xD3, .len = 300}, b;
    memset(a.data, 0x41, a.len);
    uint8_t out[PSIM_APDU_MAX];
    size_t n = psim_apdu_encode(&a, out, sizeof out);
    assert_int_equal(n, 305);
    assert_memory_equal(out, "\x06\xD3\xFF\x2C\x01", 5);
    psim_rx_t rx = {.n = 0};
    assert_true(psim_rx_feed(&rx, out, 4));
    assert_int_equal(psim_rx_next(&rx, &b), PSIM_NEXT_MORE);
    assert_true(psim_rx_feed(&rx, out + 4, n - 4));
    assert_int_equal(psim_rx_next(&rx, &b), PSIM_NEXT_ONE);
    assert_int_equal(b.len, 300);
    a.len = 254;
    assert_int_equal(psim_apdu_encode(&a, out, sizeof out), 257);
    assert_int_equal(out[2], 254);
    a.len = 255;
    assert_int_equal(psim_apdu_encode(&a, out, sizeof out), 260);
    assert_int_equal(out[2], 0xFF);
    assert_true(psim_rx_feed(&rx, (const uint8_t *)"\x06\x01\xFF\x00\x10", 5)); /* 4096 bytes: no APDU of ours */
    assert_int_equal(psim_rx_next(&rx, &b), PSIM_NEXT_BAD);
    assert_int_equal(rx.n, 0);
}

static void fields_refused(void **state)
{
    (void)state;
    size_t off = 0;
    psim_bmp_t f;
    uint64_t v;
    assert_int_equal(psim_bmp_next((const uint8_t *)"\x99\x01\x02", 3, &off, &f), PSIM_NEXT_BAD); /* unknown */
    off = 0;
    assert_int_equal(psim_bmp_next((const uint8_t *)"\x3C\xF0\xF0\xF9" "ab", 6, &off, &f), PSIM_NEXT_BAD); /* 9 of 2 */
    off = 0;
    assert_int_equal(psim_bmp_next((const uint8_t *)"\x22\xF1\x41", 3, &off, &f), PSIM_NEXT_BAD); /* not F x F y */
    off = 0;
    assert_int_equal(psim_bmp_next((const uint8_t *)"\x04\x00\x00", 3, &off, &f), PSIM_NEXT_BAD); /* 6 bytes cut */
    off = 0;
    assert_int_equal(psim_bmp_next((const uint8_t *)"\x04\x00\x00\x0A\x00\x00\x00", 7, &off, &f), PSIM_NEXT_ONE);
    assert_false(psim_bcd_get(f.value, f.len, &v)); /* a field, but not BCD */
    psim_apdu_t a = {.len = 3};
    assert_false(psim_bmp_put_bcd(&a, 0x87, 10000, 2)); /* BMP 87 holds four digits */
    assert_false(psim_bmp_put(&a, 0x87, (const uint8_t *)"\x01", 1));
    assert_false(psim_bmp_put(&a, 0x7E, (const uint8_t *)"\x01", 1));
    assert_int_equal(a.len, 3);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(the_authorisation),
    cmocka_unit_test(the_status_information),
    cmocka_unit_test(the_other_examples),
    cmocka_unit_test(lengths_and_pieces),
    cmocka_unit_test(fields_refused),
};

KTEST_MAIN(tests)
