/* metersim's own codecs against the documents, not against the drivers:
 * DL/T 645 frames and the credit MACs against the hex examples of
 * docs/protocols/dlt645-prepaid.md, and the card slot's APDUs and card
 * files against the worked example of docs/card.md. */
#include "ktest.h"
#include "gateway/hex.h"

#include "sim/cardsim/cardsim_card.h"
#include "sim/metersim/card_codec.h"
#include "sim/metersim/credit_mac.h"
#include "sim/metersim/dlt_frame.h"

typedef struct vector {
    const char *name;
    uint8_t ctrl;
    const char *plain; /* DATA as meant, before +0x33 */
    const char *wire;
} vector_t;

/* Every frame of the profile document, meter 000012345678. */
static const vector_t vectors[] = {
    {"read count", 0x11, "01 02 33 03", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 34 35 66 36 FE 16"},
    {"count 7", 0x91, "01 02 33 03 07 00", "FE FE FE FE 68 78 56 34 12 00 00 68 91 06 34 35 66 36 3A 33 ED 16"},
    {"read money", 0x11, "00 02 90 00", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 35 C3 33 57 16"},
    {"money 1234.56", 0x91, "00 02 90 00 56 34 12 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 08 33 35 C3 33 89 67 45 33 43 16"},
    {"read energy block", 0x11, "00 FF 01 00", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 32 34 33 C5 16"},
    {"energy block", 0x91, "00 FF 01 00 56 34 12 00 00 00 01 00 50 00 03 00 06 00 05 00 00 34 03 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 18 33 32 34 33 89 67 45 33 33 33 34 33 "
     "83 33 36 33 39 33 38 33 33 67 36 33 87 16"},
    {"read status word 3", 0x11, "03 05 00 04", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 36 38 33 37 D1 16"},
    {"status word 3", 0x91, "03 05 00 04 90 02", "FE FE FE FE 68 78 56 34 12 00 00 68 91 06 36 38 33 37 C3 35 4B 16"},
    {"no such data", 0xD1, "02", "FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 35 EB 16"},
    {"read customer", 0x11, "0E 04 00 04", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 41 37 33 37 DB 16"},
    {"customer", 0x91, "0E 04 00 04 01 00 00 00 00 10",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 0A 41 37 33 37 34 33 33 33 33 43 A4 16"},
    {"read total", 0x11, "00 00 00 00", "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 33 33 33 C5 16"},
    {"total", 0x91, "00 00 00 00 56 34 12 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 91 08 33 33 33 33 89 67 45 33 B1 16"},
    {"recharge", 0x03, "FF 02 01 07 01 00 00 00 88 13 00 00 08 00 00 00 8E 57 85 74 01 00 00 00 00 10 BA 26 82 8E",
     "FE FE FE FE 68 78 56 34 12 00 00 68 03 1E 32 35 34 3A 34 33 33 33 BB 46 33 33 "
     "3B 33 33 33 C1 8A B8 A7 34 33 33 33 33 43 ED 59 B5 C1 8B 16"},
    {"recharge ok", 0x83, "FF 02 01 07 5A 18 00 00 08 00 00 00",
     "FE FE FE FE 68 78 56 34 12 00 00 68 83 0C 32 35 34 3A 8D 4B 33 33 3B 33 33 33 5A 16"},
    {"repeated", 0xC3, "02 00", "FE FE FE FE 68 78 56 34 12 00 00 68 C3 02 35 33 11 16"},
    {"count mismatch", 0xC3, "20 00", "FE FE FE FE 68 78 56 34 12 00 00 68 C3 02 53 33 2F 16"},
    {"open account", 0x03, "FF 01 01 07 01 00 00 00 00 00 00 00 01 00 00 00 2E 4E 8E CA 01 00 00 00 00 10 92 E1 3A 27",
     "FE FE FE FE 68 78 56 34 12 00 00 68 03 1E 32 34 34 3A 34 33 33 33 33 33 33 33 "
     "34 33 33 33 61 81 C1 FD 34 33 33 33 33 43 C5 14 6D 5A C2 16"},
    {"trip", 0x1C, "02 00 00 00 01 00 00 00 1A 00 59 59 23 21 11 26",
     "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 35 33 33 33 34 33 33 33 4D 33 8C 8C 56 54 44 59 8A 16"},
    {"relay ok", 0x9C, "", "FE FE FE FE 68 78 56 34 12 00 00 68 9C 00 80 16"},
    {"relay refused", 0xDC, "04", "FE FE FE FE 68 78 56 34 12 00 00 68 DC 01 37 F8 16"},
};

#define N_VECTORS (sizeof vectors / sizeof vectors[0])

static const uint8_t test_master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static msim_dlt_frame_t frame_of(const vector_t *v)
{
    msim_dlt_frame_t f = {.ctrl = v->ctrl};
    assert_true(msim_bcd12_from_text("000012345678", f.addr));
    f.len = (uint8_t)hex_bytes(v->plain, f.data, sizeof f.data);
    return f;
}

static size_t wire_of(size_t i, uint8_t *out)
{
    return hex_bytes(vectors[i].wire, out, MSIM_DLT_MAX_FRAME);
}

static void encodes_the_document_frames(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        msim_dlt_frame_t f = frame_of(&vectors[i]);
        uint8_t want[MSIM_DLT_MAX_FRAME], got[MSIM_DLT_MAX_FRAME];
        size_t wn = wire_of(i, want), gn = msim_dlt_encode(&f, got, sizeof got);
        if (gn != wn || memcmp(got, want, wn) != 0)
            fail_msg("%s: the frame differs from the document", vectors[i].name);
    }
}

static void decodes_the_document_frames(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        simrx_t rx;
        uint8_t wire[MSIM_DLT_MAX_FRAME];
        msim_dlt_rx_init(&rx);
        simrx_feed(&rx, wire, wire_of(i, wire));
        msim_dlt_frame_t got, want = frame_of(&vectors[i]);
        if (!msim_dlt_next(&rx, &got))
            fail_msg("%s: not decoded", vectors[i].name);
        assert_memory_equal(got.addr, want.addr, 6);
        assert_int_equal(got.ctrl, want.ctrl);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, want.len);
        assert_int_equal(rx.n, 0);
        assert_int_equal(rx.dropped, MSIM_DLT_WAKEUP);
        assert_false(msim_dlt_next(&rx, &got));
    }
}

/* Noise with stray 68s, then two frames, one byte at a time. */
static void noise_and_pieces(void **state)
{
    (void)state;
    uint8_t buf[1024];
    size_t n = hex_bytes("00 68 16 FF 68 11 22", buf, sizeof buf);
    n += wire_of(1, buf + n);
    n += hex_bytes("A5 5A", buf + n, sizeof buf - n);
    n += wire_of(14, buf + n);
    simrx_t rx;
    msim_dlt_rx_init(&rx);
    msim_dlt_frame_t f;
    int frames = 0;
    for (size_t i = 0; i < n; i++) {
        simrx_feed(&rx, buf + i, 1);
        while (msim_dlt_next(&rx, &f))
            assert_int_equal(f.ctrl, frames++ == 0 ? 0x91 : 0x83);
    }
    assert_int_equal(frames, 2);
}

/* A bad checksum, a missing 16 and an L over 200 are not frames; what
 * follows them is. */
static void bad_frames_are_skipped(void **state)
{
    (void)state;
    uint8_t buf[512];
    simrx_t rx;
    msim_dlt_frame_t f;
    size_t a = wire_of(0, buf);
    buf[a - 2] ^= 0x01; /* the checksum */
    size_t b = wire_of(19, buf + a);
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, buf, a + b);
    assert_true(msim_dlt_next(&rx, &f));
    assert_int_equal(f.ctrl, 0x9C);
    assert_false(msim_dlt_next(&rx, &f));
    assert_true(rx.dropped >= a);
    a = wire_of(19, buf);
    buf[a - 1] = 0x17; /* not 16 */
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, buf, a);
    assert_false(msim_dlt_next(&rx, &f));
    static const uint8_t huge[] = {0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, 0xC9}; /* L = 201 */
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, huge, sizeof huge);
    simrx_feed(&rx, buf, wire_of(19, buf));
    assert_true(msim_dlt_next(&rx, &f));
    assert_int_equal(f.ctrl, 0x9C);
}

/* More noise than the buffer holds: the newest bytes stay. */
static void a_flood_keeps_the_newest(void **state)
{
    (void)state;
    uint8_t noise[3000], buf[256];
    memset(noise, 0x55, sizeof noise);
    simrx_t rx;
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, noise, sizeof noise);
    assert_true(rx.n <= 2 * MSIM_DLT_MAX_FRAME);
    simrx_feed(&rx, buf, wire_of(2, buf));
    msim_dlt_frame_t f;
    assert_true(msim_dlt_next(&rx, &f));
    assert_int_equal(f.ctrl, 0x11);
}

static void encode_refuses_what_cannot_be_sent(void **state)
{
    (void)state;
    msim_dlt_frame_t f = {.ctrl = 0x11, .len = 201};
    uint8_t out[512];
    assert_int_equal(msim_dlt_encode(&f, out, sizeof out), 0);
    f.len = 4;
    assert_int_equal(msim_dlt_encode(&f, out, 19), 0);
    assert_int_equal(msim_dlt_encode(&f, out, 20), 20);
}

static void numbers_as_the_profile_writes_them(void **state)
{
    (void)state;
    uint8_t a[6], b[4];
    char text[13];
    uint64_t v;
    assert_true(msim_bcd12_from_text("000012345678", a));
    assert_memory_equal(a, "\x78\x56\x34\x12\x00\x00", 6);
    assert_true(msim_bcd12_to_text(a, text));
    assert_string_equal(text, "000012345678");
    assert_false(msim_bcd12_from_text("12345678", a));
    assert_false(msim_bcd12_from_text("00001234567a", a));
    assert_false(msim_bcd12_to_text((const uint8_t *)"\xAA\xAA\xAA\xAA\xAA\xAA", text));
    msim_le32_put(b, 0x00010000); /* DI 00 01 00 00 goes out DI0 first */
    assert_memory_equal(b, "\x00\x00\x01\x00", 4);
    assert_int_equal(msim_le32_get(b), 0x00010000);
    assert_true(msim_bcd_put(123456, b, 4));
    assert_memory_equal(b, "\x56\x34\x12\x00", 4);
    assert_true(msim_bcd_get(b, 4, &v));
    assert_int_equal(v, 123456);
    assert_false(msim_bcd_put(100000000, b, 4));
    b[0] = 0x5A;
    assert_false(msim_bcd_get(b, 4, &v));
}

/* "The MACs": K_meter of meter 000012345678 under the test master key,
 * the recharge's MACs, and the open account's (carried +0x33 in its frame). */
static void credit_macs_of_the_document(void **state)
{
    (void)state;
    uint8_t addr[6], kmeter[16], want[16], mac1[4], mac2[4];
    assert_true(msim_bcd12_from_text("000012345678", addr));
    assert_true(msim_mac_key(test_master, addr, kmeter));
    hex_bytes("05 9C 35 42 2A 20 2E 51 AD 6B E9 8D 31 0B 31 00", want, 16);
    assert_memory_equal(kmeter, want, 16);
    msim_mac_input_t c = {.di = 0x070102FF, .amount = 5000, .count = 8, .operator_code = 1};
    assert_true(msim_bcd12_from_text("100000000001", c.customer));
    assert_true(msim_mac_credit(kmeter, &c, mac1, mac2));
    assert_memory_equal(mac1, "\x8E\x57\x85\x74", 4);
    assert_memory_equal(mac2, "\xBA\x26\x82\x8E", 4);
    c = (msim_mac_input_t){.di = 0x070101FF, .amount = 0, .count = 1, .operator_code = 1};
    assert_true(msim_bcd12_from_text("100000000001", c.customer));
    assert_true(msim_mac_credit(kmeter, &c, mac1, mac2));
    assert_memory_equal(mac1, "\x2E\x4E\x8E\xCA", 4);
    assert_memory_equal(mac2, "\x92\xE1\x3A\x27", 4);
}

/* ---- the card slot: docs/card.md, "Worked example" --------------------- */

#define SERIAL "4B 50 00 00 00 00 00 01"
#define CHALLENGE "11 22 33 44 55 66 77 88"
#define NONCE_READ "B1 B2 B3 B4 B5 B6 B7 B8"
#define INFO_BYTES "01 01 00 4B 50 00 00 00 00 00 01 00 00 00 00 00 01 10 00 00 00 00 01 00 01 56 26 11 22 03 00 00"
#define PURSE_OLD "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
#define PURSE_NEW "01 00 00 13 88 00 01 26 11 22 03 15 00 00 00 00"

static size_t hx(const char *text, uint8_t *out)
{
    return hex_bytes(text, out, MSIM_CARD_APDU_MAX);
}

static void apdu_is(const uint8_t *got, size_t n, const char *text)
{
    uint8_t want[MSIM_CARD_APDU_MAX];
    size_t wn = hx(text, want);
    assert_int_equal(n, wn);
    assert_memory_equal(got, want, wn);
}

/* The card APDUs of "A purchase, APDU by APDU" as the meter builds them
 * (the meter writes EF_WRITEBACK where the kiosk writes EF_PURSE). */
static void card_apdus_of_the_document(void **state)
{
    (void)state;
    uint8_t out[MSIM_CARD_APDU_MAX], nonce[8], data[24];
    hx(NONCE_READ, nonce);
    apdu_is(out, msim_card_apdu(0x00, 0xA4, 0x04, 0x0C, msim_card_aid, 8, MSIM_CARD_NO_LE, out),
            "00 A4 04 0C 08 F0 4B 50 52 45 50 41 59");
    apdu_is(out, msim_card_apdu(0x00, 0xB0, MSIM_CARD_P1(MSIM_CARD_SFI_INFO), 0, NULL, 0, MSIM_CARD_INFO_LEN, out),
            "00 B0 81 00 20");
    apdu_is(out, msim_card_apdu(0x00, 0xB0, MSIM_CARD_P1(MSIM_CARD_SFI_WB), 0, NULL, 0, MSIM_CARD_WB_LEN, out),
            "00 B0 83 00 38");
    apdu_is(out, msim_card_apdu(0x80, 0xB6, MSIM_CARD_P1(MSIM_CARD_SFI_PURSE), 0, nonce, 8, 0x00, out),
            "80 B6 82 00 08 " NONCE_READ " 00");
    apdu_is(out, msim_card_apdu(0x00, 0x84, 0, 0, NULL, 0, 8, out), "00 84 00 00 08");
    hx(PURSE_NEW " 4C DB 49 3E 5B EB 89 61", data);
    apdu_is(out, msim_card_apdu(0x04, 0xD6, 0x82, 0x00, data, sizeof data, MSIM_CARD_NO_LE, out),
            "04 D6 82 00 18 " PURSE_NEW " 4C DB 49 3E 5B EB 89 61");
    assert_int_equal(msim_card_apdu(0x04, 0xD6, 0x82, 0x00, data, 256, MSIM_CARD_NO_LE, out), 0);
}

/* What the MACs cover, and the MACs themselves under the card's keys. */
static void card_macs_of_the_document(void **state)
{
    (void)state;
    uint8_t serial[8], challenge[8], nonce[8], old[16], new[16], text[64], want[64], key[16], mac[8];
    hx(SERIAL, serial);
    hx(CHALLENGE, challenge);
    hx(NONCE_READ, nonce);
    hx(PURSE_OLD, old);
    hx(PURSE_NEW, new);
    size_t n = msim_card_read_text(nonce, 0x82, old, sizeof old, text);
    assert_int_equal(n, hx(NONCE_READ " 82 " PURSE_OLD, want));
    assert_memory_equal(text, want, n);
    assert_true(cardsim_key_derive(test_master, CARDSIM_K_READ, serial, key));
    assert_true(cardsim_mac(key, text, n, mac));
    assert_memory_equal(mac, "\x51\x22\xE4\x22\x84\xFB\xC9\x0C", 8);
    n = msim_card_update_text(challenge, 0x82, new, sizeof new, text);
    assert_int_equal(n, hx(CHALLENGE " 04 D6 82 00 " PURSE_NEW, want));
    assert_memory_equal(text, want, n);
    assert_true(cardsim_key_derive(test_master, CARDSIM_K_PURSE, serial, key));
    assert_true(cardsim_mac(key, text, n, mac));
    assert_memory_equal(mac, "\x4C\xDB\x49\x3E\x5B\xEB\x89\x61", 8);
}

static void card_files_of_the_document(void **state)
{
    (void)state;
    uint8_t info[32], purse[16];
    msim_card_info_t i;
    msim_card_purse_t p;
    kmsg_t msg;
    assert_int_equal(hx(INFO_BYTES, info), 32);
    assert_int_equal(msim_card_info_decode(info, sizeof info, &i, &msg), K_OK);
    assert_int_equal(i.version, 1);
    assert_int_equal(i.type, MSIM_CARD_TYPE_USER);
    assert_int_equal(i.status, MSIM_CARD_ACTIVE);
    assert_memory_equal(i.serial, "\x4B\x50\x00\x00\x00\x00\x00\x01", 8);
    assert_string_equal(i.meter, "000000000001");
    assert_string_equal(i.customer, "100000000001");
    assert_int_equal(i.generation, 0);
    assert_int_equal(i.currency, 156);
    assert_string_equal(i.issued, "261122030000");
    assert_int_equal(hx(PURSE_NEW, purse), 16);
    assert_int_equal(msim_card_purse_decode(purse, sizeof purse, &p, &msg), K_OK);
    assert_int_equal(p.purpose, MSIM_PURPOSE_OPEN);
    assert_int_equal(p.amount, 5000);
    assert_int_equal(p.count, 1);
    assert_string_equal(p.time, "261122031500");
    hx(PURSE_OLD, purse);
    assert_int_equal(msim_card_purse_decode(purse, sizeof purse, &p, &msg), K_OK);
    assert_int_equal(p.purpose, MSIM_PURPOSE_NONE);
    assert_int_equal(p.count, 0);
}

static void card_files_refused(void **state)
{
    (void)state;
    uint8_t info[32], purse[16];
    msim_card_info_t i;
    msim_card_purse_t p;
    kmsg_t msg;
    hx(INFO_BYTES, info);
    assert_int_equal(msim_card_info_decode(info, 31, &i, &msg), K_EINVAL);
    info[0] = 0x02;
    assert_int_equal(msim_card_info_decode(info, 32, &i, &msg), K_EVERSION);
    info[0] = 0x01;
    info[1] = 0x02; /* no such card type */
    assert_int_equal(msim_card_info_decode(info, 32, &i, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "card type 02"));
    info[1] = 0x01;
    info[16] = 0x0A; /* the meter number's last digit is no digit */
    assert_int_equal(msim_card_info_decode(info, 32, &i, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "meter number"));
    hx(PURSE_NEW, purse);
    purse[0] = 0x04;
    assert_int_equal(msim_card_purse_decode(purse, 16, &p, &msg), K_EINVAL);
    purse[0] = 0x01;
    purse[15] = 0x01; /* reserved */
    assert_int_equal(msim_card_purse_decode(purse, 16, &p, &msg), K_EINVAL);
}

/* EF_WRITEBACK field by field, as the table of docs/card.md places them. */
static void writeback_as_the_table_lays_it_out(void **state)
{
    (void)state;
    msim_card_wb_t wb = {.meter = "000000000001",
                         .remaining = -2,
                         .energy_total = 0x010203040506,
                         .energy = {1, 2, 3, 4},
                         .count = 258,
                         .status = MSIM_WB_BOUND | MSIM_WB_CREDIT_TAKEN,
                         .tamper = MSIM_WB_MAGNETIC,
                         .time = "261122031500"};
    uint8_t out[56], want[56];
    kmsg_t msg;
    assert_int_equal(msim_card_wb_encode(&wb, out, &msg), K_OK);
    assert_int_equal(hex_bytes("01  00 00 00 00 00 01  FF FF FF FE  01 02 03 04 05 06"
                               "  00 00 00 00 00 01  00 00 00 00 00 02  00 00 00 00 00 03  00 00 00 00 00 04"
                               "  01 02  18  04  26 11 22 03 15 00  00 00 00 00 00",
                               want, sizeof want),
                     56);
    assert_memory_equal(out, want, 56);
    wb.count = 65536;
    assert_int_equal(msim_card_wb_encode(&wb, out, &msg), K_EINVAL);
    wb.count = 1;
    wb.energy_total = (int64_t)1 << 48;
    assert_int_equal(msim_card_wb_encode(&wb, out, &msg), K_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(encodes_the_document_frames),
    cmocka_unit_test(decodes_the_document_frames),
    cmocka_unit_test(noise_and_pieces),
    cmocka_unit_test(bad_frames_are_skipped),
    cmocka_unit_test(a_flood_keeps_the_newest),
    cmocka_unit_test(encode_refuses_what_cannot_be_sent),
    cmocka_unit_test(numbers_as_the_profile_writes_them),
    cmocka_unit_test(credit_macs_of_the_document),
    cmocka_unit_test(card_apdus_of_the_document),
    cmocka_unit_test(card_macs_of_the_document),
    cmocka_unit_test(card_files_of_the_document),
    cmocka_unit_test(card_files_refused),
    cmocka_unit_test(writeback_as_the_table_lays_it_out),
};

KTEST_MAIN(tests)
