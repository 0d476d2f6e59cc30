/* The kiosk's decoding of modbus-prepaid answers, and the command block
 * against the example in docs/protocols/modbus-prepaid.md. */
#include "ktest.h"
#include "gateway/hex.h"

#include "drivers/gateway/modbus_profile.h"

static void regs_from_hex(const char *hex, uint16_t *r, size_t n)
{
    uint8_t b[128];
    assert_int_equal(hex_bytes(hex, b, sizeof b), 2 * n);
    for (size_t i = 0; i < n; i++)
        r[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
}

static void prepaid_block(void **state)
{
    (void)state;
    uint16_t r[MBP_N_PREPAID];
    /* balance 6250, count 8, relay open, cover+low balance, electricity, meter, customer, purchased 5000 */
    regs_from_hex("00 00 18 6A 00 00 00 08 00 01 00 09 00 01 00 00 12 34 56 78 10 00 00 00 00 01 00 00 13 88 00 00",
                  r, MBP_N_PREPAID);
    gw_reading_t out = {0};
    kmsg_t msg;
    assert_true(mbp_decode_prepaid(r, "000012345678", &out, &msg));
    assert_int_equal(out.balance, 6250);
    assert_int_equal(out.purchase_count, 8);
    assert_true(out.relay_open);
    assert_int_equal(out.flags, GW_FLAG_COVER | GW_FLAG_LOW_BALANCE);
    assert_int_equal(out.have, GW_READ_COUNT | GW_READ_BALANCE | GW_READ_STATUS);
    assert_false(mbp_decode_prepaid(r, "000012345679", &out, &msg));
    assert_non_null(strstr(msg.text, "this is meter 000012345678, not 000012345679"));
    r[0] = 0xFFFF; /* -1000: overdraft */
    r[1] = 0xFC18;
    assert_true(mbp_decode_prepaid(r, "000012345678", &out, &msg));
    assert_int_equal(out.balance, -1000);
    r[4] = 7;
    assert_false(mbp_decode_prepaid(r, "000012345678", &out, &msg));
    r[4] = 0;
    r[8] = 0x12AB; /* not BCD */
    assert_false(mbp_decode_prepaid(r, "000012345678", &out, &msg));
}

/* The identity is reported as the meter says it, whoever was asked for:
 * the engine compares. Customer zeros: no account open. */
static void identity_is_reported(void **state)
{
    (void)state;
    uint16_t r[MBP_N_PREPAID];
    regs_from_hex("00 00 18 6A 00 00 00 08 00 01 00 09 00 01 00 00 12 34 56 78 10 00 00 00 00 01 00 00 13 88 00 00",
                  r, MBP_N_PREPAID);
    gw_reading_t out = {0};
    kmsg_t msg;
    assert_true(mbp_decode_identity(r, &out, &msg));
    assert_string_equal(out.id_meter, "000012345678");
    assert_string_equal(out.id_customer, "100000000001");
    assert_true(out.id_customer_told);
    assert_int_equal(out.have, GW_READ_IDENTITY);
    r[10] = r[11] = r[12] = 0;
    assert_true(mbp_decode_identity(r, &out, &msg));
    assert_string_equal(out.id_customer, "");
    r[11] = 0x00AB; /* not BCD */
    assert_false(mbp_decode_identity(r, &out, &msg));
}

static void energy_registers(void **state)
{
    (void)state;
    uint16_t r[MBP_N_ENERGY];
    regs_from_hex("00 01 E2 40 00 00 27 10 00 00 75 62 00 00 C3 56 00 00 82 78", r, MBP_N_ENERGY);
    gw_reading_t out = {0};
    mbp_decode_energy(r, &out);
    assert_int_equal(out.energy_total, 1234560); /* 1234.56 kWh */
    assert_int_equal(out.energy_band[0], 100000);
    assert_int_equal(out.energy_band[1], 300500);
    assert_int_equal(out.energy_band[2], 500060);
    assert_int_equal(out.energy_band[3], 334000);
    assert_false(out.bands_absent);
}

/* A single-rate meter: its total register alone, the bands absent. */
static void total_register_alone(void **state)
{
    (void)state;
    uint16_t r[MBP_N_TOTAL];
    regs_from_hex("00 01 E2 40", r, MBP_N_TOTAL);
    gw_reading_t out = {.energy_band = {1, 2, 3, 4}};
    mbp_decode_total(r, &out);
    assert_int_equal(out.energy_total, 1234560);
    assert_true(out.bands_absent);
    assert_int_equal(out.have, GW_READ_ENERGY);
    for (int b = 0; b < 4; b++)
        assert_int_equal(out.energy_band[b], 0);
}

static void command_results(void **state)
{
    (void)state;
    gw_credit_req_t req = {.to = {.meter = "000012345678"}, .customer = "100000000001", .amount = 5000, .count = 8};
    uint16_t r[MBP_N_RESULT];
    gw_credit_reply_t out;
    kmsg_t msg;
    regs_from_hex("00 00 00 00 18 5A 00 00 00 08", r, MBP_N_RESULT);
    assert_true(mbp_decode_result(&req, r, &out, &msg));
    assert_int_equal(out.result, GW_CREDIT_APPLIED);
    assert_int_equal(out.balance_after, 6234);
    r[4] = 7; /* applied, but at the wrong count */
    assert_false(mbp_decode_result(&req, r, &out, &msg));
    assert_non_null(strstr(msg.text, "at count 7, not 8"));
    r[0] = 1;
    assert_true(mbp_decode_result(&req, r, &out, &msg));
    assert_int_equal(out.result, GW_CREDIT_REPEATED);
    r[0] = 2;
    assert_true(mbp_decode_result(&req, r, &out, &msg));
    assert_int_equal(out.result, GW_CREDIT_COUNT_MISMATCH);
    r[0] = 5;
    assert_true(mbp_decode_result(&req, r, &out, &msg));
    assert_int_equal(out.result, GW_CREDIT_REFUSED);
    assert_string_equal(out.reason, "customer number mismatch");
    r[0] = 0xFFFF;
    assert_false(mbp_decode_result(&req, r, &out, &msg));
}

/* The example of docs/protocols/modbus-prepaid.md: the registers of the
 * recharge ADU "00 01 00 00 00 29 11 10 01 10 00 11 22 ..." */
static void command_block_matches_the_document(void **state)
{
    (void)state;
    static const uint8_t master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    gw_credit_req_t req = {.to = {.meter = "000012345678"}, .customer = "100000000001", .amount = 5000, .count = 8};
    uint16_t got[MBP_N_COMMAND], want[MBP_N_COMMAND];
    kmsg_t msg;
    assert_true(mbp_encode_command(&req, 1, master, got, &msg));
    regs_from_hex("00 01  00 00 13 88  00 00 00 08  10 00 00 00 00 01  00 00 12 34 56 78"
                  "  00 00 00 01  8E 57 85 74  BA 26 82 8E",
                  want, MBP_N_COMMAND);
    assert_memory_equal(got, want, sizeof want);
    req.open_account = true;
    req.amount = 0;
    req.count = 1;
    assert_true(mbp_encode_command(&req, 1, master, got, &msg));
    assert_int_equal(got[0], MBP_CMD_OPEN_ACCOUNT);
    assert_int_equal(got[13], 0x2E4E); /* MAC1 of the document's open-account frame, +0x33 removed */
    req.customer = "1234";
    assert_false(mbp_encode_command(&req, 1, master, got, &msg));
}

static void bcd_and_words(void **state)
{
    (void)state;
    uint16_t r[3], w[2];
    char text[13];
    assert_true(mbp_put_bcd12(r, "100000000001"));
    assert_int_equal(r[0], 0x1000);
    assert_int_equal(r[2], 0x0001);
    assert_true(mbp_get_bcd12(r, text));
    assert_string_equal(text, "100000000001");
    assert_false(mbp_put_bcd12(r, "1000"));
    mbp_put_u32(w, 0x00001388);
    assert_int_equal(w[0], 0);
    assert_int_equal(w[1], 0x1388);
    assert_int_equal(mbp_u32(w), 5000);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(prepaid_block),
    cmocka_unit_test(identity_is_reported),
    cmocka_unit_test(energy_registers),
    cmocka_unit_test(total_register_alone),
    cmocka_unit_test(command_results),
    cmocka_unit_test(command_block_matches_the_document),
    cmocka_unit_test(bcd_and_words),
};

KTEST_MAIN(tests)
