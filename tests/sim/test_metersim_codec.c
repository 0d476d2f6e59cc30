/* metersim's own codecs against the documents, not against the drivers:
 * DL/T 645 frames and the credit MACs against every hex example of
 * docs/protocols/dlt645-prepaid.md, read from the page (DLT645_DOC), and
 * the card slot's APDUs and card files against the worked example of
 * docs/card.md. */
#include "ktest.h"
#include "gateway/hex.h"
#include "sim/doc_hex.h"

#include "sim/cardsim/cardsim_card.h"
#include "sim/metersim/card_codec.h"
#include "sim/metersim/credit_mac.h"
#include "sim/metersim/dlt_frame.h"

#define MAX_RUNS 64
#define METER "000012345678"

static const uint8_t test_master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* The document's frames, decoded; the runs of its code blocks that start
 * with the wake-up bytes and 68. */
static doc_run_t runs[MAX_RUNS];
static msim_dlt_frame_t frames[MAX_RUNS];
static size_t n_frames;

static void read_document(void)
{
    n_frames = doc_frames("DLT645_DOC", "FE FE FE FE 68", 0, runs, MAX_RUNS, 20);
    for (size_t i = 0; i < n_frames; i++) {
        simrx_t rx;
        msim_dlt_rx_init(&rx);
        simrx_feed(&rx, runs[i].b, runs[i].n);
        if (!msim_dlt_next(&rx, &frames[i]) || rx.n != 0 || rx.dropped != MSIM_DLT_WAKEUP)
            fail_msg("frame %zu of the document is not one whole frame", i + 1);
    }
}

/* The document's frame with this control byte whose DATA begins with di
 * (DI0 first), the nth of them. */
static const msim_dlt_frame_t *frame_with(uint8_t ctrl, uint32_t di, int nth)
{
    for (size_t i = 0; i < n_frames; i++)
        if (frames[i].ctrl == ctrl && frames[i].len >= 4 && msim_le32_get(frames[i].data) == di && nth-- == 0)
            return &frames[i];
    fail_msg("no frame %02X with DI %08X on the document", ctrl, di);
    return NULL;
}

static const msim_dlt_frame_t *reply_with(uint8_t ctrl, const char *hex)
{
    uint8_t want[16];
    size_t n = hex_bytes(hex, want, sizeof want);
    for (size_t i = 0; i < n_frames; i++)
        if (frames[i].ctrl == ctrl && frames[i].len == n && memcmp(frames[i].data, want, n) == 0)
            return &frames[i];
    fail_msg("no frame %02X with DATA %s on the document", ctrl, hex);
    return NULL;
}

static uint64_t bcd_at(const msim_dlt_frame_t *f, size_t off, size_t n)
{
    uint64_t v;
    assert_true(off + n <= f->len);
    assert_true(msim_bcd_get(f->data + off, n, &v));
    return v;
}

/* Every frame of the document decodes (wake-up bytes, +0x33, checksum,
 * 16) and encodes back to its very bytes, for meter 000012345678. */
static void every_frame_of_the_document(void **state)
{
    (void)state;
    read_document();
    for (size_t i = 0; i < n_frames; i++) {
        char addr[13];
        uint8_t out[MSIM_DLT_MAX_FRAME];
        assert_true(msim_bcd12_to_text(frames[i].addr, addr));
        assert_string_equal(addr, METER);
        size_t n = msim_dlt_encode(&frames[i], out, sizeof out);
        if (n != runs[i].n || memcmp(out, runs[i].b, n) != 0)
            fail_msg("frame %zu of the document does not encode back to its bytes", i + 1);
    }
}

/* The reads mean what the document says they mean. */
static void the_reads_of_the_document(void **state)
{
    (void)state;
    read_document();
    assert_int_equal(frame_with(0x11, 0x03330201, 0)->len, 4);
    assert_int_equal(bcd_at(frame_with(0x91, 0x03330201, 0), 4, 2), 7);
    assert_int_equal(bcd_at(frame_with(0x91, 0x00900200, 0), 4, 4), 123456);
    const msim_dlt_frame_t *block = frame_with(0x91, 0x0001FF00, 0);
    static const uint64_t energy[5] = {123456, 10000, 30050, 50006, 33400};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(bcd_at(block, 4 + 4 * i, 4), energy[i]);
    const msim_dlt_frame_t *sw3 = frame_with(0x91, 0x04000503, 0);
    assert_int_equal(sw3->data[4] | sw3->data[5] << 8, 0x0290);
    char customer[13];
    assert_true(msim_bcd12_to_text(frame_with(0x91, 0x0400040E, 0)->data + 4, customer));
    assert_string_equal(customer, "100000000001");
    assert_int_equal(bcd_at(frame_with(0x91, 0x00000000, 0), 4, 4), 123456);
    reply_with(0xD1, "02"); /* no such data */
}

/* A credit's fields, and its MACs as the meter computes them. */
static void credit_of_the_document(uint32_t di, uint32_t amount, uint32_t count)
{
    const msim_dlt_frame_t *f = frame_with(0x03, di, 0);
    assert_int_equal(f->len, 30);
    msim_mac_input_t in = {.di = di, .operator_code = msim_le32_get(f->data + 4)};
    in.amount = msim_le32_get(f->data + 8);
    in.count = msim_le32_get(f->data + 12);
    memcpy(in.customer, f->data + 20, 6);
    assert_int_equal(in.operator_code, 1);
    assert_int_equal(in.amount, amount);
    assert_int_equal(in.count, count);
    char customer[13];
    assert_true(msim_bcd12_to_text(in.customer, customer));
    assert_string_equal(customer, "100000000001");
    uint8_t kmeter[16], mac1[4], mac2[4];
    assert_true(msim_mac_key(test_master, f->addr, kmeter));
    assert_true(msim_mac_credit(kmeter, &in, mac1, mac2));
    assert_memory_equal(mac1, f->data + 16, 4);
    assert_memory_equal(mac2, f->data + 26, 4);
}

/* "The MACs": K_meter under the test key, then the recharge's and the
 * open account's fields and MACs as their frames carry them; the
 * answers. */
static void credits_of_the_document(void **state)
{
    (void)state;
    read_document();
    uint8_t addr[6], kmeter[16], want[16];
    assert_true(msim_bcd12_from_text(METER, addr));
    assert_true(msim_mac_key(test_master, addr, kmeter));
    hex_bytes("05 9C 35 42 2A 20 2E 51 AD 6B E9 8D 31 0B 31 00", want, 16);
    assert_memory_equal(kmeter, want, 16);
    credit_of_the_document(0x070102FF, 5000, 8);
    credit_of_the_document(0x070101FF, 0, 1);
    const msim_dlt_frame_t *ok = frame_with(0x83, 0x070102FF, 0);
    assert_int_equal(msim_le32_get(ok->data + 4), 6234);
    assert_int_equal(msim_le32_get(ok->data + 8), 8);
    reply_with(0xC3, "02 00"); /* repeated: bit 1 */
    reply_with(0xC3, "20 00"); /* count mismatch: bit 5 */
}

/* The trip: password level 02, operator 1, N1 1A, the deadline. */
static void relay_of_the_document(void **state)
{
    (void)state;
    read_document();
    const msim_dlt_frame_t *trip = NULL;
    for (size_t i = 0; i < n_frames && !trip; i++)
        trip = frames[i].ctrl == 0x1C ? &frames[i] : NULL;
    assert_non_null(trip);
    assert_int_equal(trip->len, 16);
    assert_memory_equal(trip->data, "\x02\x00\x00\x00\x01\x00\x00\x00\x1A\x00", 10);
    assert_int_equal(bcd_at(trip, 10, 6), 261121235959); /* ss mm hh DD MM YY, lowest first */
    reply_with(0x9C, "");
    reply_with(0xDC, "04"); /* not authorised */
}

static size_t frame_bytes(const msim_dlt_frame_t *f, uint8_t *out)
{
    return msim_dlt_encode(f, out, MSIM_DLT_MAX_FRAME);
}

/* Noise with stray 68s, then two frames, one byte at a time. */
static void noise_and_pieces(void **state)
{
    (void)state;
    read_document();
    uint8_t buf[1024];
    size_t n = hex_bytes("00 68 16 FF 68 11 22", buf, sizeof buf);
    n += frame_bytes(frame_with(0x91, 0x03330201, 0), buf + n);
    n += hex_bytes("A5 5A", buf + n, sizeof buf - n);
    n += frame_bytes(frame_with(0x83, 0x070102FF, 0), buf + n);
    simrx_t rx;
    msim_dlt_rx_init(&rx);
    msim_dlt_frame_t f;
    int got = 0;
    for (size_t i = 0; i < n; i++) {
        simrx_feed(&rx, buf + i, 1);
        while (msim_dlt_next(&rx, &f))
            assert_int_equal(f.ctrl, got++ == 0 ? 0x91 : 0x83);
    }
    assert_int_equal(got, 2);
}

/* A bad checksum, a missing 16 and an L over 200 are not frames; what
 * follows them is. */
static void bad_frames_are_skipped(void **state)
{
    (void)state;
    read_document();
    uint8_t buf[512];
    simrx_t rx;
    msim_dlt_frame_t f;
    const msim_dlt_frame_t *ok = reply_with(0x9C, "");
    size_t a = frame_bytes(frame_with(0x11, 0x03330201, 0), buf);
    buf[a - 2] ^= 0x01; /* the checksum */
    size_t b = frame_bytes(ok, buf + a);
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, buf, a + b);
    assert_true(msim_dlt_next(&rx, &f));
    assert_int_equal(f.ctrl, 0x9C);
    assert_false(msim_dlt_next(&rx, &f));
    assert_true(rx.dropped >= a);
    a = frame_bytes(ok, buf);
    buf[a - 1] = 0x17; /* not 16 */
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, buf, a);
    assert_false(msim_dlt_next(&rx, &f));
    static const uint8_t huge[] = {0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, 0xC9}; /* L = 201 */
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, huge, sizeof huge);
    simrx_feed(&rx, buf, frame_bytes(ok, buf));
    assert_true(msim_dlt_next(&rx, &f));
    assert_int_equal(f.ctrl, 0x9C);
}

/* More noise than the buffer holds: the newest bytes stay. */
static void a_flood_keeps_the_newest(void **state)
{
    (void)state;
    read_document();
    uint8_t noise[3000], buf[256];
    memset(noise, 0x55, sizeof noise);
    simrx_t rx;
    msim_dlt_rx_init(&rx);
    simrx_feed(&rx, noise, sizeof noise);
    assert_true(rx.n <= 2 * MSIM_DLT_MAX_FRAME);
    simrx_feed(&rx, buf, frame_bytes(frame_with(0x11, 0x00900200, 0), buf));
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

/* Addresses, values and DIs as the profile writes them. */
static void numbers_of_the_profile(void **state)
{
    (void)state;
    uint8_t a[6], b[4];
    char text[13];
    uint64_t v;
    assert_true(msim_bcd12_from_text(METER, a));
    assert_memory_equal(a, "\x78\x56\x34\x12\x00\x00", 6);
    assert_false(msim_bcd12_from_text("12345678", a));
    assert_false(msim_bcd12_from_text("00001234567a", a));
    assert_false(msim_bcd12_to_text((const uint8_t *)"\xAA\xAA\xAA\xAA\xAA\xAA", text));
    msim_le32_put(b, 0x00010000); /* DI 00 01 00 00 goes out DI0 first */
    assert_memory_equal(b, "\x00\x00\x01\x00", 4);
    assert_false(msim_bcd_put(100000000, b, 4));
    assert_true(msim_bcd_put(99999999, b, 4));
    b[0] = 0x5A;
    assert_false(msim_bcd_get(b, 4, &v));
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

/* One byte of the worked example's EF_INFO or EF_PURSE changed: refused. */
static void card_files_refused(void **state)
{
    (void)state;
    static const struct {
        bool info;
        size_t at;
        uint8_t value;
        kerr_t rc;
        const char *says;
    } broken[] = {
        {true, 0, 0x02, K_EVERSION, "format version 02"},
        {true, 1, 0x02, K_EINVAL, "card type 02"},
        {true, 2, 0x07, K_EINVAL, "status 07"},
        {true, 16, 0x0A, K_EINVAL, "meter number"},
        {true, 25, 0x5F, K_EINVAL, "currency"},
        {false, 0, 0x04, K_EINVAL, "purpose 04"},
        {false, 15, 0x01, K_EINVAL, "reserved"},
        {false, 12, 0xA0, K_EINVAL, "time of the purchase"},
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        uint8_t b[32];
        msim_card_info_t info;
        msim_card_purse_t purse;
        kmsg_t msg;
        size_t n = hx(broken[i].info ? INFO_BYTES : PURSE_NEW, b);
        b[broken[i].at] = broken[i].value;
        kerr_t rc = broken[i].info ? msim_card_info_decode(b, n, &info, &msg)
                                   : msim_card_purse_decode(b, n, &purse, &msg);
        assert_int_equal(rc, broken[i].rc);
        assert_non_null(strstr(msg.text, broken[i].says));
    }
    uint8_t b[32] = {0};
    msim_card_info_t info;
    kmsg_t msg;
    assert_int_equal(msim_card_info_decode(b, 31, &info, &msg), K_EINVAL); /* not the file's size */
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
                         .tamper = 0x04, /* magnetic field */
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
    cmocka_unit_test(every_frame_of_the_document),
    cmocka_unit_test(the_reads_of_the_document),
    cmocka_unit_test(credits_of_the_document),
    cmocka_unit_test(relay_of_the_document),
    cmocka_unit_test(noise_and_pieces),
    cmocka_unit_test(bad_frames_are_skipped),
    cmocka_unit_test(a_flood_keeps_the_newest),
    cmocka_unit_test(encode_refuses_what_cannot_be_sent),
    cmocka_unit_test(numbers_of_the_profile),
    cmocka_unit_test(card_apdus_of_the_document),
    cmocka_unit_test(card_macs_of_the_document),
    cmocka_unit_test(card_files_of_the_document),
    cmocka_unit_test(card_files_refused),
    cmocka_unit_test(writeback_as_the_table_lays_it_out),
};

KTEST_MAIN(tests)
