/* The remote-credit MACs against docs/protocols/dlt645-prepaid.md, and the
 * master key file's rules. */
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "gateway/hex.h"
#include "support/support.h"

#include "drivers/gateway/dlt645_frame.h"
#include "drivers/gateway/meter_mac.h"

static const uint8_t test_master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static void cmac_matches_rfc4493(void **state)
{
    (void)state;
    /* RFC 4493 example 2: AES-128 key 2b7e1516..., message 6bc1bee2... */
    uint8_t key[16], msg[16], want[16], got[16];
    hex_bytes("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    hex_bytes("6bc1bee22e409f96e93d7e117393172a", msg, 16);
    hex_bytes("070a16b46b4d4144f79bdd9dd04a287c", want, 16);
    assert_true(meter_cmac(key, msg, 16, got));
    assert_memory_equal(got, want, 16);
}

static void meter_key_and_macs(void **state)
{
    (void)state;
    uint8_t addr[6], kmeter[16], want[16];
    assert_true(dlt645_addr_from_text("000012345678", addr));
    assert_true(meter_key_derive(test_master, addr, kmeter));
    hex_bytes("05 9C 35 42 2A 20 2E 51 AD 6B E9 8D 31 0B 31 00", want, 16);
    assert_memory_equal(kmeter, want, 16);
    meter_credit_mac_t c = {.di = 0x070102FF, .amount = 5000, .count = 8, .operator_code = 1};
    assert_true(dlt645_addr_from_text("100000000001", c.customer));
    uint8_t mac1[4], mac2[4];
    assert_true(meter_credit_macs(kmeter, &c, mac1, mac2));
    assert_memory_equal(mac1, "\x8E\x57\x85\x74", 4);
    assert_memory_equal(mac2, "\xBA\x26\x82\x8E", 4);
    c.di = 0x070101FF; /* open account, amount 0, count 1 */
    c.amount = 0;
    c.count = 1;
    assert_true(meter_credit_macs(kmeter, &c, mac1, mac2));
    /* the document's open-account frame carries them +0x33: 61 81 C1 FD, C5 14 6D 5A */
    assert_memory_equal(mac1, "\x2E\x4E\x8E\xCA", 4);
    assert_memory_equal(mac2, "\x92\xE1\x3A\x27", 4);
}

static char dir[512];

static int setup(void **state)
{
    (void)state;
    return tmpdir_make(dir, sizeof dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove(dir);
    return 0;
}

static kerr_t load(const char *text, mode_t mode, uint8_t key[16], kmsg_t *msg)
{
    char path[600];
    snprintf(path, sizeof path, "%s/master.key", dir);
    unlink(path); /* the case before may have left it read-only */
    assert_true(file_write(dir, "master.key", text));
    chmod(path, mode);
    return meter_key_load(path, key, msg);
}

static void key_file_rules(void **state)
{
    (void)state;
    uint8_t key[16];
    kmsg_t msg;
    assert_int_equal(load("000102030405060708090a0b0c0d0e0f\n", 0600, key, &msg), K_OK);
    assert_memory_equal(key, test_master, 16);
    assert_int_equal(load("00010203 04050607\n08090A0B 0C0D0E0F\n", 0400, key, &msg), K_OK);
    assert_memory_equal(key, test_master, 16);
    assert_int_equal(load("000102030405060708090a0b0c0d0e0f\n", 0644, key, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "chmod 600"));
    assert_int_equal(load("000102", 0600, key, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "exactly 32 hex digits"));
    assert_int_equal(load("000102030405060708090a0b0c0d0e0f00", 0600, key, &msg), K_EINVAL);
    assert_int_equal(load("zz0102030405060708090a0b0c0d0e0f", 0600, key, &msg), K_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(cmac_matches_rfc4493),
    cmocka_unit_test(meter_key_and_macs),
    cmocka_unit_test_setup_teardown(key_file_rules, setup, teardown),
};

KTEST_MAIN(tests)
