/* The card codec against docs/card.md: the purchase APDU by APDU, the
 * worked example's keys, files and MACs (checked there with openssl), the
 * RFC 4493 CMAC vectors, the three files and the status words. */
#include "ktest.h"
#include "gateway/hex.h"

#include "drivers/card/card_apdu.h"
#include "drivers/gateway/meter_mac.h"

/* The worked example of docs/card.md. */
#define SERIAL "4B 50 00 00 00 00 00 01"
#define CHALLENGE "11 22 33 44 55 66 77 88"
#define NONCE_READ "B1 B2 B3 B4 B5 B6 B7 B8"
#define NONCE_BACK "A1 A2 A3 A4 A5 A6 A7 A8"
#define INFO_BYTES                                                                                                 \
    "01 01 00 4B 50 00 00 00 00 00 01 00 00 00 00 00 01 10 00 00 00 00 01 00 01 56 26 11 22 03 00 00"
#define PURSE_OLD "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
#define PURSE_NEW "01 00 00 13 88 00 01 26 11 22 03 15 00 00 00 00"
#define MAC_UPDATE "4C DB 49 3E 5B EB 89 61"
#define MAC_READ "51 22 E4 22 84 FB C9 0C"
#define MAC_BACK "DA 12 15 84 76 5F 95 93"

static const uint8_t master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static size_t hx(const char *text, uint8_t *out)
{
    return hex_bytes(text, out, CARD_APDU_MAX_WIRE);
}

/* a must encode to exactly the bytes of text. */
static void encodes_to(const card_apdu_t *a, const char *text)
{
    uint8_t want[CARD_APDU_MAX_WIRE], got[CARD_APDU_MAX_WIRE];
    size_t wn = hx(text, want);
    size_t gn = card_apdu_encode(a, got, sizeof got);
    assert_int_equal(gn, wn);
    assert_memory_equal(got, want, wn);
}

static void purse_bytes(const char *text, uint8_t out[CARD_PURSE_LEN])
{
    assert_int_equal(hex_bytes(text, out, CARD_PURSE_LEN), CARD_PURSE_LEN);
}

static void purchase_apdus_match_doc(void **state)
{
    (void)state;
    uint8_t serial[8], challenge[8], nread[8], nback[8], old[16], new[16], mac[8], msg[64];
    hx(SERIAL, serial);
    hx(CHALLENGE, challenge);
    hx(NONCE_READ, nread);
    hx(NONCE_BACK, nback);
    purse_bytes(PURSE_OLD, old);
    purse_bytes(PURSE_NEW, new);
    hx(MAC_UPDATE, mac);
    card_apdu_t a;
    card_apdu_select(&a); /* 1 */
    encodes_to(&a, "00 A4 04 0C 08 F04B505245504159");
    assert_true(card_apdu_read_binary(&a, CARD_SFI_INFO, 0, CARD_INFO_LEN)); /* 2 */
    encodes_to(&a, "00 B0 81 00 20");
    assert_true(card_apdu_read_binary(&a, CARD_SFI_WRITEBACK, 0, CARD_WRITEBACK_LEN)); /* 3 */
    encodes_to(&a, "00 B0 83 00 38");
    assert_true(card_apdu_read_mac(&a, CARD_SFI_PURSE, nread)); /* 4 */
    encodes_to(&a, "80 B6 82 00 08 " NONCE_READ " 00");
    size_t n = card_read_mac_msg(nread, 0x82, old, sizeof old, msg, sizeof msg); /* 5 */
    assert_true(card_apdu_sam_mac(&a, 0x04, serial, msg, n));
    encodes_to(&a, "80 2A 04 00 21 " SERIAL " " NONCE_READ " 82 " PURSE_OLD " 08");
    card_apdu_get_challenge(&a); /* 6 */
    encodes_to(&a, "00 84 00 00 08");
    n = card_update_mac_msg(challenge, 0x82, 0x00, new, sizeof new, msg, sizeof msg); /* 7 */
    assert_true(card_apdu_sam_mac(&a, 0x02, serial, msg, n));
    encodes_to(&a, "80 2A 02 00 24 " SERIAL " " CHALLENGE " 04 D6 82 00 " PURSE_NEW " 08");
    assert_true(card_apdu_update_mac(&a, CARD_SFI_PURSE, 0, new, sizeof new, mac)); /* 8 */
    encodes_to(&a, "04 D6 82 00 18 " PURSE_NEW " " MAC_UPDATE);
    assert_true(card_apdu_read_mac(&a, CARD_SFI_PURSE, nback)); /* 9 */
    encodes_to(&a, "80 B6 82 00 08 " NONCE_BACK " 00");
    n = card_read_mac_msg(nback, 0x82, new, sizeof new, msg, sizeof msg); /* 10 */
    assert_true(card_apdu_sam_mac(&a, 0x04, serial, msg, n));
    encodes_to(&a, "80 2A 04 00 21 " SERIAL " " NONCE_BACK " 82 " PURSE_NEW " 08");
    card_apdu_sam_select(&a);
    encodes_to(&a, "00 A4 04 0C 08 F0 4B 50 53 41 4D 30 31");
}

static void cmac_rfc4493_vectors(void **state)
{
    (void)state;
    uint8_t key[16], msg[64], want[16], full[16], mac8[CARD_MAC_LEN];
    hex_bytes("2b7e1516 28aed2a6 abf71588 09cf4f3c", key, 16);
    hex_bytes("6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51"
              " 30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710",
              msg, sizeof msg);
    static const struct {
        size_t len;
        const char *mac;
    } v[] = {
        {0, "bb1d6929 e9593728 7fa37d12 9b756746"},
        {16, "070a16b4 6b4d4144 f79bdd9d d04a287c"},
        {40, "dfa66747 de9ae630 30ca3261 1497c827"},
        {64, "51f0bebf 7e3b9d92 fc497417 79363cfe"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hex_bytes(v[i].mac, want, 16);
        assert_true(meter_cmac(key, msg, v[i].len, full));
        assert_memory_equal(full, want, 16);
        assert_true(card_mac8(key, msg, v[i].len, mac8));
        assert_memory_equal(mac8, want, CARD_MAC_LEN);
    }
}

static void key_diversification(void **state)
{
    (void)state;
    static const struct {
        const char *label, *key;
    } v[] = {
        {CARD_LABEL_ISSUE, "C3 1E D0 48 C9 7E 61 BA 56 89 6A 94 0B 83 1C 28"},
        {CARD_LABEL_PURSE, "22 37 13 70 A7 81 49 8A 79 41 08 DF ED 24 E0 3E"},
        {CARD_LABEL_READ, "B8 BD 32 2E B8 23 23 38 7B 59 FB D7 6A C6 4C 9C"},
        {CARD_LABEL_METER, "FF 99 72 8E 10 CF E1 C9 08 33 7C C9 24 DB 64 EC"},
    };
    uint8_t serial[8], want[16], got[16];
    hx(SERIAL, serial);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hex_bytes(v[i].key, want, 16);
        assert_true(card_key_derive(master, v[i].label, serial, got));
        assert_memory_equal(got, want, 16);
    }
}

static void worked_example_macs(void **state)
{
    (void)state;
    uint8_t serial[8], kpurse[16], kread[16], challenge[8], nread[8], nback[8], old[16], new[16];
    uint8_t msg[64], want[64], mac[8];
    hx(SERIAL, serial);
    assert_true(card_key_derive(master, CARD_LABEL_PURSE, serial, kpurse));
    assert_true(card_key_derive(master, CARD_LABEL_READ, serial, kread));
    hx(CHALLENGE, challenge);
    hx(NONCE_READ, nread);
    hx(NONCE_BACK, nback);
    purse_bytes(PURSE_OLD, old);
    purse_bytes(PURSE_NEW, new);

    size_t n = card_update_mac_msg(challenge, 0x82, 0x00, new, sizeof new, msg, sizeof msg);
    assert_int_equal(n, hx(CHALLENGE " 04 D6 82 00 " PURSE_NEW, want));
    assert_memory_equal(msg, want, n);
    assert_true(card_mac8(kpurse, msg, n, mac));
    hx(MAC_UPDATE, want);
    assert_memory_equal(mac, want, 8);

    n = card_read_mac_msg(nread, 0x82, old, sizeof old, msg, sizeof msg);
    assert_int_equal(n, hx(NONCE_READ " 82 " PURSE_OLD, want));
    assert_memory_equal(msg, want, n);
    assert_true(card_mac8(kread, msg, n, mac));
    hx(MAC_READ, want);
    assert_memory_equal(mac, want, 8);

    n = card_read_mac_msg(nback, 0x82, new, sizeof new, msg, sizeof msg);
    assert_true(card_mac8(kread, msg, n, mac));
    hx(MAC_BACK, want);
    assert_memory_equal(mac, want, 8);

    /* the card's whole answer to the read-back: the file, the MAC, 90 00 */
    uint8_t wire[64];
    size_t wn = hx(PURSE_NEW " " MAC_BACK " 90 00", wire);
    card_resp_t r;
    kmsg_t m;
    assert_int_equal(card_resp_parse(wire, wn, &r, &m), K_OK);
    assert_int_equal(r.sw, 0x9000);
    assert_int_equal(r.len, CARD_PURSE_LEN + CARD_MAC_LEN);
    assert_memory_equal(r.data + CARD_PURSE_LEN, mac, CARD_MAC_LEN);
    card_purse_t p;
    assert_int_equal(card_purse_decode(r.data, CARD_PURSE_LEN, &p, &m), K_OK);
    assert_int_equal(p.purpose, CARD_PURPOSE_OPEN);
    assert_int_equal(p.amount, 5000);
    assert_int_equal(p.count, 1);
    assert_string_equal(p.time, "261122031500");
}

static void info_round_trip(void **state)
{
    (void)state;
    card_info_t c = {.version = CARD_INFO_VERSION, .type = CARD_TYPE_USER, .status = CARD_STATUS_ACTIVE,
                     .generation = 0, .currency = 156, .meter = "000000000001", .customer = "100000000001",
                     .issued = "261122030000"};
    hx(SERIAL, c.serial);
    uint8_t got[CARD_INFO_LEN], want[CARD_INFO_LEN];
    kmsg_t m;
    assert_int_equal(card_info_encode(&c, got, &m), K_OK);
    assert_int_equal(hx(INFO_BYTES, want), CARD_INFO_LEN);
    assert_memory_equal(got, want, CARD_INFO_LEN);
    card_info_t d;
    assert_int_equal(card_info_decode(got, sizeof got, &d, &m), K_OK);
    assert_int_equal(d.version, 1);
    assert_int_equal(d.type, CARD_TYPE_USER);
    assert_int_equal(d.status, CARD_STATUS_ACTIVE);
    assert_memory_equal(d.serial, c.serial, CARD_SERIAL_LEN);
    assert_string_equal(d.meter, "000000000001");
    assert_string_equal(d.customer, "100000000001");
    assert_int_equal(d.generation, 0);
    assert_int_equal(d.currency, 156);
    assert_string_equal(d.issued, "261122030000");
    /* a blocked replacement card, generation 2 */
    want[1] = CARD_TYPE_REPLACEMENT;
    want[2] = CARD_STATUS_BLOCKED;
    want[23] = 2;
    assert_int_equal(card_info_decode(want, sizeof want, &d, &m), K_OK);
    assert_int_equal(d.type, CARD_TYPE_REPLACEMENT);
    assert_int_equal(d.status, CARD_STATUS_BLOCKED);
    assert_int_equal(d.generation, 2);
    assert_int_equal(card_info_encode(&d, got, &m), K_OK);
    assert_memory_equal(got, want, CARD_INFO_LEN);
    /* a blank card: version, type 00, status 00, its serial, zeros elsewhere */
    uint8_t blank[CARD_INFO_LEN] = {0x01};
    hx(SERIAL, blank + 3);
    assert_int_equal(card_info_decode(blank, sizeof blank, &d, &m), K_OK);
    assert_int_equal(d.type, CARD_TYPE_BLANK);
    assert_string_equal(d.meter, "000000000000");
    assert_string_equal(d.issued, "000000000000");
    assert_int_equal(d.currency, 0);
}

static void purse_round_trip(void **state)
{
    (void)state;
    uint8_t want[CARD_PURSE_LEN], got[CARD_PURSE_LEN];
    kmsg_t m;
    card_purse_t p;
    purse_bytes(PURSE_OLD, want);
    assert_int_equal(card_purse_decode(want, sizeof want, &p, &m), K_OK);
    assert_int_equal(p.purpose, CARD_PURPOSE_NONE);
    assert_int_equal(p.count, 0);
    assert_int_equal(p.amount, 0);
    assert_int_equal(card_purse_encode(&p, got, &m), K_OK);
    assert_memory_equal(got, want, CARD_PURSE_LEN);

    card_purse_t np = {.purpose = CARD_PURPOSE_OPEN, .amount = 5000, .count = 1, .time = "261122031500"};
    assert_int_equal(card_purse_encode(&np, got, &m), K_OK);
    purse_bytes(PURSE_NEW, want);
    assert_memory_equal(got, want, CARD_PURSE_LEN);

    card_purse_t big = {.purpose = CARD_PURPOSE_PURCHASE, .amount = 4294967295, .count = 65535,
                        .time = "991231235959"};
    assert_int_equal(card_purse_encode(&big, got, &m), K_OK);
    purse_bytes("02 FF FF FF FF FF FF 99 12 31 23 59 59 00 00 00", want);
    assert_memory_equal(got, want, CARD_PURSE_LEN);
    assert_int_equal(card_purse_decode(got, sizeof got, &p, &m), K_OK);
    assert_int_equal(p.amount, 4294967295);
    assert_int_equal(p.count, 65535);
    assert_string_equal(p.time, "991231235959");
}

#define WB_BYTES                                                                                                   \
    "01 00 00 00 00 00 01 FF FF FB 2E 00 00 00 01 E2 40 00 00 00 00 27 10 00 00 00 00 4E 20 00 00 00 00 75 30"     \
    " 00 00 00 00 9C 40 00 07 19 05 26 11 23 08 00 00 00 00 00 00 00"

static void writeback_round_trip(void **state)
{
    (void)state;
    card_writeback_t w = {.written = true, .meter = "000000000001", .remaining = -1234, .energy_total = 123456,
                          .energy = {10000, 20000, 30000, 40000}, .count = 7,
                          .status = CARD_WB_RELAY_OPEN | CARD_WB_BOUND | CARD_WB_CREDIT_TAKEN,
                          .tamper = CARD_WB_MAGNETIC | CARD_WB_METER_COVER, .time = "261123080000"};
    uint8_t got[CARD_WRITEBACK_LEN], want[CARD_WRITEBACK_LEN];
    kmsg_t m;
    assert_int_equal(card_writeback_encode(&w, got, &m), K_OK);
    assert_int_equal(hex_bytes(WB_BYTES, want, sizeof want), CARD_WRITEBACK_LEN);
    assert_memory_equal(got, want, CARD_WRITEBACK_LEN);
    card_writeback_t d;
    assert_int_equal(card_writeback_decode(got, sizeof got, &d, &m), K_OK);
    assert_true(d.written);
    assert_string_equal(d.meter, "000000000001");
    assert_int_equal(d.remaining, -1234);
    assert_int_equal(d.energy_total, 123456);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(d.energy[i], w.energy[i]);
    assert_int_equal(d.count, 7);
    assert_int_equal(d.status, 0x19);
    assert_int_equal(d.tamper, 0x05);
    assert_string_equal(d.time, "261123080000");
    /* the extremes of the signed and the 6-byte fields */
    w.remaining = INT32_MIN;
    w.energy_total = ((int64_t)1 << 48) - 1;
    assert_int_equal(card_writeback_encode(&w, got, &m), K_OK);
    assert_memory_equal(got + 7, "\x80\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF", 10);
    assert_int_equal(card_writeback_decode(got, sizeof got, &d, &m), K_OK);
    assert_int_equal(d.remaining, INT32_MIN);
    assert_int_equal(d.energy_total, ((int64_t)1 << 48) - 1);
    /* never written: all zeros */
    uint8_t zero[CARD_WRITEBACK_LEN] = {0};
    assert_int_equal(card_writeback_decode(zero, sizeof zero, &d, &m), K_OK);
    assert_false(d.written);
    assert_int_equal(d.remaining, 0);
}

static void file_rejections(void **state)
{
    (void)state;
    uint8_t info[CARD_INFO_LEN + 1], purse[CARD_PURSE_LEN], wb[CARD_WRITEBACK_LEN] = {0};
    kmsg_t m;
    card_info_t ci;
    card_purse_t cp;
    card_writeback_t cw;
    hx(INFO_BYTES, info);
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN - 1, &ci, &m), K_EINVAL);
    assert_string_equal(m.text, "EF_INFO: 31 bytes, the file has 32");
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN + 1, &ci, &m), K_EINVAL);
    info[16] = 0x1A; /* meter number 00 00 00 00 00 1A */
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN, &ci, &m), K_EINVAL);
    assert_string_equal(m.text, "EF_INFO: meter number (offset 11) is not BCD: 00 00 00 00 00 1A");
    hx(INFO_BYTES, info);
    info[31] = 0xF0;
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN, &ci, &m), K_EINVAL);
    assert_non_null(strstr(m.text, "time of issue"));
    hx(INFO_BYTES, info);
    info[25] = 0x5C;
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN, &ci, &m), K_EINVAL);
    assert_non_null(strstr(m.text, "currency"));
    hx(INFO_BYTES, info);
    info[0] = 0x02;
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN, &ci, &m), K_EVERSION);
    info[0] = 0x01;
    info[1] = 0x02;
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN, &ci, &m), K_EINVAL);
    info[1] = 0x01;
    info[2] = 0x02;
    assert_int_equal(card_info_decode(info, CARD_INFO_LEN, &ci, &m), K_EINVAL);

    purse_bytes(PURSE_NEW, purse);
    assert_int_equal(card_purse_decode(purse, 0, &cp, &m), K_EINVAL);
    assert_int_equal(card_purse_decode(purse, CARD_PURSE_LEN - 1, &cp, &m), K_EINVAL);
    purse[0] = 0x04;
    assert_int_equal(card_purse_decode(purse, CARD_PURSE_LEN, &cp, &m), K_EINVAL);
    purse_bytes(PURSE_NEW, purse);
    purse[15] = 0x01;
    assert_int_equal(card_purse_decode(purse, CARD_PURSE_LEN, &cp, &m), K_EINVAL);
    purse_bytes(PURSE_NEW, purse);
    purse[12] = 0x0A;
    assert_int_equal(card_purse_decode(purse, CARD_PURSE_LEN, &cp, &m), K_EINVAL);
    assert_string_equal(m.text, "EF_PURSE: time of the purchase (offset 7) is not BCD: 26 11 22 03 15 0A");

    assert_int_equal(card_writeback_decode(wb, CARD_WRITEBACK_LEN - 1, &cw, &m), K_EINVAL);
    wb[0] = 0x02;
    assert_int_equal(card_writeback_decode(wb, CARD_WRITEBACK_LEN, &cw, &m), K_EINVAL);
    wb[0] = 0x01;
    wb[1] = 0xA0;
    assert_int_equal(card_writeback_decode(wb, CARD_WRITEBACK_LEN, &cw, &m), K_EINVAL);
    assert_non_null(strstr(m.text, "meter number"));
    wb[1] = 0x00;
    wb[55] = 0x01;
    assert_int_equal(card_writeback_decode(wb, CARD_WRITEBACK_LEN, &cw, &m), K_EINVAL);
    wb[55] = 0x00;
    assert_int_equal(card_writeback_decode(wb, CARD_WRITEBACK_LEN, &cw, &m), K_OK);
}

static void encode_rejections(void **state)
{
    (void)state;
    uint8_t out[CARD_WRITEBACK_LEN];
    kmsg_t m;
    card_info_t ci = {.version = 1, .type = 1, .meter = "00000000001", .customer = "100000000001",
                      .issued = "261122030000"};
    assert_int_equal(card_info_encode(&ci, out, &m), K_EINVAL);
    assert_string_equal(m.text, "EF_INFO: meter number \"00000000001\" is not 12 digits");
    memcpy(ci.meter, "00000000000A", 13);
    assert_int_equal(card_info_encode(&ci, out, &m), K_EINVAL);
    memcpy(ci.meter, "000000000001", 13);
    assert_int_equal(card_info_encode(&ci, out, &m), K_OK);
    ci.currency = 10000;
    assert_int_equal(card_info_encode(&ci, out, &m), K_EINVAL);
    ci.currency = 156;
    ci.version = 2;
    assert_int_equal(card_info_encode(&ci, out, &m), K_EINVAL);

    card_purse_t p = {.purpose = 2, .amount = -1, .count = 1, .time = "261122031500"};
    assert_int_equal(card_purse_encode(&p, out, &m), K_EINVAL);
    assert_string_equal(m.text, "EF_PURSE: amount -1 is outside 0..4294967295");
    p.amount = 4294967296;
    assert_int_equal(card_purse_encode(&p, out, &m), K_EINVAL);
    p.amount = 1;
    p.count = 65536;
    assert_int_equal(card_purse_encode(&p, out, &m), K_EINVAL);
    p.count = 1;
    p.purpose = 4;
    assert_int_equal(card_purse_encode(&p, out, &m), K_EINVAL);

    card_writeback_t w = {.meter = "000000000001", .time = "261123080000", .remaining = (int64_t)INT32_MAX + 1};
    assert_int_equal(card_writeback_encode(&w, out, &m), K_EINVAL);
    w.remaining = (int64_t)INT32_MIN - 1;
    assert_int_equal(card_writeback_encode(&w, out, &m), K_EINVAL);
    w.remaining = 0;
    w.energy[3] = (int64_t)1 << 48;
    assert_int_equal(card_writeback_encode(&w, out, &m), K_EINVAL);
    assert_non_null(strstr(m.text, "valley energy"));
    w.energy[3] = -1;
    assert_int_equal(card_writeback_encode(&w, out, &m), K_EINVAL);
}

static void response_and_status_words(void **state)
{
    (void)state;
    uint8_t wire[CARD_RESP_DATA_MAX + 3] = {0};
    card_resp_t r;
    kmsg_t m;
    assert_int_equal(card_resp_parse(wire, 0, &r, &m), K_EINVAL);
    assert_int_equal(card_resp_parse(wire, 1, &r, &m), K_EINVAL);
    assert_string_equal(m.text, "card response: 1 bytes, no status word");
    wire[0] = 0x69;
    wire[1] = 0x89;
    assert_int_equal(card_resp_parse(wire, 2, &r, &m), K_OK);
    assert_int_equal(r.len, 0);
    assert_int_equal(r.sw, 0x6989);
    wire[CARD_RESP_DATA_MAX] = 0x90;
    wire[CARD_RESP_DATA_MAX + 1] = 0x00;
    assert_int_equal(card_resp_parse(wire, CARD_RESP_DATA_MAX + 2, &r, &m), K_OK);
    assert_int_equal(r.len, CARD_RESP_DATA_MAX);
    assert_int_equal(r.sw, 0x9000);
    assert_int_equal(card_resp_parse(wire, CARD_RESP_DATA_MAX + 3, &r, &m), K_EINVAL);

    static const struct {
        uint16_t sw;
        card_sw_t kind;
        const char *text;
    } v[] = {
        {0x9000, CARD_SW_OK, "done"},
        {0x6700, CARD_SW_WRONG_LENGTH, "wrong length"},
        {0x6982, CARD_SW_NO_CHALLENGE, "no challenge"},
        {0x6983, CARD_SW_BLOCKED, "the card is blocked"},
        {0x6985, CARD_SW_CONDITIONS, "conditions not satisfied"},
        {0x6989, CARD_SW_BAD_MAC, "MAC wrong"},
        {0x6A82, CARD_SW_NO_FILE, "no such file"},
        {0x6A86, CARD_SW_WRONG_P1P2, "wrong P1 or P2"},
        {0x6D00, CARD_SW_BAD_INS, "instruction not supported"},
        {0x6E00, CARD_SW_BAD_CLA, "class not supported"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        assert_int_equal(card_sw_kind(v[i].sw), v[i].kind);
        assert_int_equal(card_sw_value(v[i].kind), v[i].sw);
        assert_string_equal(card_sw_text(v[i].sw), v[i].text);
    }
    assert_int_equal(card_sw_kind(0x6F00), CARD_SW_UNKNOWN);
    assert_int_equal(card_sw_value(CARD_SW_UNKNOWN), 0);
    assert_string_equal(card_sw_text(0x6F00), "unknown status word");
    assert_int_equal(card_sw_check(0x9000, "write EF_PURSE", &m), K_OK);
    assert_int_equal(card_sw_check(0x6985, "write EF_PURSE", &m), K_EDEVICE);
    assert_string_equal(m.text, "write EF_PURSE: 69 85 (conditions not satisfied)");
    assert_int_equal(card_sw_check(0x6A86, "SAM COMPUTE MAC", &m), K_EDEVICE);
    assert_string_equal(m.text, "SAM COMPUTE MAC: 6A 86 (wrong P1 or P2)");
}

static void builder_limits(void **state)
{
    (void)state;
    card_apdu_t a;
    uint8_t data[CARD_APDU_MAX_DATA] = {0}, eight[8] = {0}, wire[CARD_APDU_MAX_WIRE];
    assert_false(card_apdu_read_binary(&a, 0, 0, 0));
    assert_false(card_apdu_read_binary(&a, 31, 0, 0));
    assert_true(card_apdu_read_binary(&a, 30, 0, 0));
    encodes_to(&a, "00 B0 9E 00 00");
    assert_false(card_apdu_read_mac(&a, 0, eight));
    assert_false(card_apdu_update_mac(&a, 0x20, 0, data, 1, eight));
    assert_false(card_apdu_update_mac(&a, 2, 0, data, 248, eight));
    assert_true(card_apdu_update_mac(&a, 2, 0, data, 247, eight));
    assert_int_equal(a.lc, 255);
    assert_int_equal(card_apdu_encode(&a, wire, sizeof wire), 4 + 1 + 255);
    assert_int_equal(wire[4], 0xFF);
    assert_int_equal(card_apdu_encode(&a, wire, 4 + 255), 0);
    assert_false(card_apdu_sam_mac(&a, 2, eight, data, 248));
    assert_true(card_apdu_sam_mac(&a, 3, eight, data, 0)); /* the SAM refuses label 03, not the codec */
    encodes_to(&a, "80 2A 03 00 08 00 00 00 00 00 00 00 00 08");
    a.lc = 256;
    assert_int_equal(card_apdu_encode(&a, wire, sizeof wire), 0);
    uint8_t msg[20];
    assert_int_equal(card_update_mac_msg(eight, 0x82, 0, data, 9, msg, sizeof msg), 0);
    assert_int_equal(card_update_mac_msg(eight, 0x82, 0, data, 8, msg, sizeof msg), 20);
    assert_int_equal(card_read_mac_msg(eight, 0x82, data, 12, msg, sizeof msg), 0);
    assert_int_equal(card_read_mac_msg(eight, 0x82, data, 11, msg, sizeof msg), 20);
}

static void command_decode(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "00 B0 81 00 20",                                  /* case 2 */
        "00 A4 04 0C 08 F0 4B 50 52 45 50 41 59",          /* case 3 */
        "80 B6 82 00 08 " NONCE_BACK " 00",                /* case 4 */
        "04 D6 82 00 18 " PURSE_NEW " " MAC_UPDATE,        /* case 3 */
        "00 84 00 00",                                     /* case 1 */
    };
    uint8_t in[CARD_APDU_MAX_WIRE], out[CARD_APDU_MAX_WIRE];
    card_apdu_t a;
    kmsg_t m;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = hx(cases[i], in);
        assert_int_equal(card_apdu_decode(in, n, &a, &m), K_OK);
        assert_int_equal(card_apdu_encode(&a, out, sizeof out), n);
        assert_memory_equal(out, in, n);
    }
    size_t n = hx("80 B6 82 00 08 " NONCE_BACK " 00", in);
    assert_int_equal(card_apdu_decode(in, n, &a, &m), K_OK);
    assert_int_equal(a.cla, 0x80);
    assert_int_equal(a.ins, CARD_INS_READ_MAC);
    assert_int_equal(a.p1, 0x82);
    assert_int_equal(a.lc, 8);
    assert_true(a.has_le);
    assert_int_equal(a.le, 0);
    assert_int_equal(card_apdu_decode(in, 3, &a, &m), K_EINVAL);
    assert_int_equal(card_apdu_decode(in, n - 2, &a, &m), K_EINVAL); /* Lc 08, 7 data bytes */
    assert_int_equal(card_apdu_decode(in, n + 1, &a, &m), K_EINVAL);
    n = hx("00 B0 81 00 00 01 00", in); /* extended Le */
    assert_int_equal(card_apdu_decode(in, n, &a, &m), K_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(purchase_apdus_match_doc),
    cmocka_unit_test(cmac_rfc4493_vectors),
    cmocka_unit_test(key_diversification),
    cmocka_unit_test(worked_example_macs),
    cmocka_unit_test(info_round_trip),
    cmocka_unit_test(purse_round_trip),
    cmocka_unit_test(writeback_round_trip),
    cmocka_unit_test(file_rejections),
    cmocka_unit_test(encode_rejections),
    cmocka_unit_test(response_and_status_words),
    cmocka_unit_test(builder_limits),
    cmocka_unit_test(command_decode),
};

KTEST_MAIN(tests)
