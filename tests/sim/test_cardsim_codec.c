/* cardsim's own reading of docs/card.md, not the driver's: the worked
 * example's four keys and its MACs, and command APDUs in their short
 * forms. */
#include "ktest.h"
#include "gateway/hex.h"

#include "sim/cardsim/cardsim_card.h"

static const uint8_t master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

#define SERIAL "4B 50 00 00 00 00 00 01"
#define PURSE_NEW "01 00 00 13 88 00 01 26 11 22 03 15 00 00 00 00"

static void keys_of_the_document(void **state)
{
    (void)state;
    static const struct {
        cardsim_key_t k;
        const char *want;
    } keys[] = {
        {CARDSIM_K_ISSUE, "C3 1E D0 48 C9 7E 61 BA 56 89 6A 94 0B 83 1C 28"},
        {CARDSIM_K_PURSE, "22 37 13 70 A7 81 49 8A 79 41 08 DF ED 24 E0 3E"},
        {CARDSIM_K_READ, "B8 BD 32 2E B8 23 23 38 7B 59 FB D7 6A C6 4C 9C"},
        {CARDSIM_K_METER, "FF 99 72 8E 10 CF E1 C9 08 33 7C C9 24 DB 64 EC"},
    };
    uint8_t serial[8], key[16], want[16];
    hex_bytes(SERIAL, serial, sizeof serial);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_true(cardsim_key_derive(master, keys[i].k, serial, key));
        hex_bytes(keys[i].want, want, sizeof want);
        assert_memory_equal(key, want, 16);
    }
    assert_false(cardsim_key_derive(master, CARDSIM_N_KEYS, serial, key));
}

/* The table "The MACs, in full": the first 8 bytes are the card's MACs. */
static void macs_of_the_document(void **state)
{
    (void)state;
    static const struct {
        cardsim_key_t k;
        const char *msg, *mac;
    } macs[] = {
        {CARDSIM_K_READ, "B1 B2 B3 B4 B5 B6 B7 B8 82 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
         "51 22 E4 22 84 FB C9 0C"},
        {CARDSIM_K_PURSE, "11 22 33 44 55 66 77 88 04 D6 82 00 " PURSE_NEW, "4C DB 49 3E 5B EB 89 61"},
        {CARDSIM_K_READ, "A1 A2 A3 A4 A5 A6 A7 A8 82 " PURSE_NEW, "DA 12 15 84 76 5F 95 93"},
    };
    uint8_t serial[8], key[16], msg[64], want[8], mac[8];
    hex_bytes(SERIAL, serial, sizeof serial);
    for (size_t i = 0; i < sizeof macs / sizeof macs[0]; i++) {
        size_t n = hex_bytes(macs[i].msg, msg, sizeof msg);
        assert_true(cardsim_key_derive(master, macs[i].k, serial, key));
        assert_true(cardsim_mac(key, msg, n, mac));
        hex_bytes(macs[i].mac, want, sizeof want);
        assert_memory_equal(mac, want, 8);
    }
}

/* The APDU of text (its data points into a buffer kept until the next call). */
static cardsim_apdu_t parsed(const char *text, bool ok)
{
    static uint8_t b[300];
    cardsim_apdu_t a;
    size_t n = hex_bytes(text, b, sizeof b);
    assert_int_equal(cardsim_apdu_parse(b, n, &a), ok);
    return a;
}

/* The four cases of a short APDU, as the commands of docs/card.md use them. */
static void apdu_forms(void **state)
{
    (void)state;
    cardsim_apdu_t a = parsed("00 A4 04 0C 08 F0 4B 50 52 45 50 41 59", true); /* case 3 */
    assert_true(a.has_lc);
    assert_false(a.has_le);
    assert_int_equal(a.lc, 8);
    assert_int_equal(a.data[0], 0xF0);
    a = parsed("00 B0 81 00 20", true); /* case 2 */
    assert_false(a.has_lc);
    assert_true(a.has_le);
    assert_int_equal(a.le, 0x20);
    assert_int_equal(a.p1, 0x81);
    a = parsed("80 B6 82 00 08 B1 B2 B3 B4 B5 B6 B7 B8 00", true); /* case 4 */
    assert_true(a.has_lc && a.has_le);
    assert_int_equal(a.lc, 8);
    assert_int_equal(a.le, 0x00);
    a = parsed("00 84 00 00", true); /* case 1 */
    assert_false(a.has_lc || a.has_le);
    parsed("00 A4 04", false);            /* no header */
    parsed("00 A4 04 0C 08 F0 4B", false); /* Lc says more */
    parsed("00 A4 04 0C 00 01 02", false); /* Lc 00: an extended length */
    parsed("00 A4 04 0C 02 F0 4B 00 00", false);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(keys_of_the_document),
    cmocka_unit_test(macs_of_the_document),
    cmocka_unit_test(apdu_forms),
};

KTEST_MAIN(tests)
