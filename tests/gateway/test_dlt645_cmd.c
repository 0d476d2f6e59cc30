/* The DATA of keep power, writes and the daily freeze against the hex
 * examples of docs/protocols/dlt645-prepaid.md (meter 000012345678,
 * operator 00000001): built by drivers/gateway/dlt645_cmd.c, framed, and
 * compared byte for byte; the frozen replies read back. */
#include <string.h>

#include "ktest.h"
#include "gateway/hex.h"

#include "drivers/gateway/dlt645_cmd.h"

static const uint8_t deadline[6] = {0x59, 0x59, 0x23, 0x21, 0x11, 0x26}; /* 2026-11-21 23:59:59 */

/* Frames f to meter 000012345678 and compares it with the page's wire. */
static void assert_wire(dlt645_frame_t *f, uint8_t ctrl, const char *wire)
{
    uint8_t want[DLT645_MAX_FRAME], got[DLT645_MAX_FRAME];
    f->ctrl = ctrl;
    assert_true(dlt645_addr_from_text("000012345678", f->addr));
    size_t n = hex_bytes(wire, want, sizeof want);
    assert_int_equal(dlt645_encode(f, got, sizeof got), n);
    assert_memory_equal(got, want, n);
}

/* The value bytes (after the DI) of a reply frame from the page. */
static size_t reply_value(const char *wire, uint8_t *out)
{
    uint8_t raw[DLT645_MAX_FRAME];
    dlt645_stream_t s;
    dlt645_frame_t f;
    memset(&s, 0, sizeof s);
    dlt645_stream_feed(&s, raw, hex_bytes(wire, raw, sizeof raw));
    assert_true(dlt645_stream_next(&s, &f));
    memcpy(out, f.data + 4, f.len - 4u);
    return f.len - 4u;
}

static void keep_power_frames(void **state)
{
    (void)state;
    dlt645_frame_t f = {0};
    assert_int_equal(dlt645_relay_code(GW_RELAY_KEEP_ON), 0x3A);
    assert_int_equal(dlt645_relay_code(GW_RELAY_KEEP_OFF), 0x3B);
    assert_int_equal(dlt645_relay_code(GW_RELAY_TRIP), 0x1A);
    assert_int_equal(dlt645_relay_code(GW_RELAY_CLOSE), 0x1C);
    dlt645_relay_data(1, dlt645_relay_code(GW_RELAY_KEEP_ON), deadline, &f);
    assert_wire(&f, 0x1C,
                "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 35 33 33 33 34 33 33 33 6D 33 8C 8C 56 54 44 59 AA 16");
    dlt645_relay_data(1, dlt645_relay_code(GW_RELAY_KEEP_OFF), deadline, &f);
    assert_wire(&f, 0x1C,
                "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 35 33 33 33 34 33 33 33 6E 33 8C 8C 56 54 44 59 AB 16");
}

static void alarm_writes(void **state)
{
    (void)state;
    dlt645_frame_t f = {0};
    uint8_t v[4];
    assert_true(dlt645_money_value(10000, v));
    assert_true(dlt645_write_data(0x04001001u, 1, v, 4, &f));
    assert_wire(&f, 0x14, "FE FE FE FE 68 78 56 34 12 00 00 68 14 10 34 43 33 37 35 33 33 33 34 33 33 33 33 33 34 33 "
                          "51 16");
    assert_true(dlt645_money_value(5000, v));
    assert_true(dlt645_write_data(0x04001002u, 1, v, 4, &f));
    assert_wire(&f, 0x14, "FE FE FE FE 68 78 56 34 12 00 00 68 14 10 35 43 33 37 35 33 33 33 34 33 33 33 33 83 33 33 "
                          "A1 16");
    assert_false(dlt645_money_value(-1, v));
    assert_false(dlt645_money_value(100000000, v));
    assert_true(dlt645_money_value(99999999, v));
}

static void price_writes_convert_exactly(void **state)
{
    (void)state;
    dlt645_frame_t f = {0};
    uint8_t v[4];
    assert_true(dlt645_price_value(1200000, v)); /* 1.2000 CNY/kWh = 120 fen = 1200000 price units */
    assert_true(dlt645_write_data(0x04050101u, 1, v, 4, &f));
    assert_wire(&f, 0x14, "FE FE FE FE 68 78 56 34 12 00 00 68 14 10 34 34 38 37 35 33 33 33 34 33 33 33 33 53 34 33 "
                          "67 16");
    assert_true(dlt645_price_value(528300, v)); /* 0.5283 */
    assert_memory_equal(v, "\x83\x52\x00\x00", 4);
    assert_false(dlt645_price_value(528350, v)); /* 0.528350: a fifth decimal the meter cannot hold */
    assert_false(dlt645_price_value(-100, v));
    assert_false(dlt645_price_value(10000000000LL, v)); /* 10000.0000 does not fit NNNN.NNNN */
}

static void day_table_write(void **state)
{
    (void)state;
    const tou_switch_t p[] = {{0, BAND_VALLEY}, {480, BAND_FLAT}, {1080, BAND_PEAK}, {1320, BAND_VALLEY}};
    uint8_t v[3 * GW_MAX_PERIODS];
    dlt645_frame_t f = {0};
    assert_true(dlt645_day_table(p, 4, v));
    assert_true(dlt645_write_data(0x04010001u, 1, v, 12, &f));
    assert_wire(&f, 0x14, "FE FE FE FE 68 78 56 34 12 00 00 68 14 18 34 33 34 37 35 33 33 33 34 33 33 33 37 33 33 36 "
                          "33 3B 35 33 4B 37 33 55 30 16");
    tou_switch_t many[GW_MAX_PERIODS + 1];
    for (size_t i = 0; i < GW_MAX_PERIODS + 1; i++)
        many[i] = (tou_switch_t){(uint16_t)(60 * i), BAND_FLAT};
    assert_true(dlt645_day_table(many, GW_MAX_PERIODS, v));
    assert_false(dlt645_day_table(many, GW_MAX_PERIODS + 1, v));
    assert_false(dlt645_day_table(many, 0, v));
    const tou_switch_t late[] = {{1440, BAND_FLAT}};
    assert_false(dlt645_day_table(late, 1, v));
}

static void frozen_replies(void **state)
{
    (void)state;
    gw_frozen_t out;
    uint8_t v[DLT645_MAX_DATA];
    memset(&out, 0, sizeof out);
    assert_int_equal(
        reply_value("FE FE FE FE 68 78 56 34 12 00 00 68 91 09 34 33 39 38 33 33 3A 45 59 94 16", v), 5);
    assert_true(dlt645_frozen_time(v, &out));
    assert_false(out.none);
    assert_string_equal(out.at, "2026-12-07 00:00");
    assert_int_equal(out.year, 2026);
    assert_int_equal(out.day, 7);
    size_t n = reply_value("FE FE FE FE 68 78 56 34 12 00 00 68 91 18 34 34 39 38 89 67 45 33 33 33 34 33 83 33 36 33 "
                           "39 33 38 33 33 67 36 33 94 16",
                           v);
    assert_true(dlt645_frozen_energy(v, n, &out));
    assert_int_equal(out.energy_total, 1234560);
    assert_int_equal(out.energy_band[0], 100000);
    assert_int_equal(out.energy_band[1], 300500);
    assert_int_equal(out.energy_band[2], 500060);
    assert_int_equal(out.energy_band[3], 334000);
    assert_false(out.bands_absent);
    n = reply_value("FE FE FE FE 68 78 56 34 12 00 00 68 91 08 34 34 39 38 89 67 45 33 BE 16", v);
    assert_true(dlt645_frozen_energy(v, n, &out));
    assert_true(out.bands_absent);
    assert_int_equal(out.energy_total, 1234560);
    assert_false(dlt645_frozen_energy(v, 8, &out));
    const uint8_t zeros[5] = {0}, bad[5] = {0x00, 0x00, 0x07, 0x13, 0x26}, feb30[5] = {0x00, 0x00, 0x30, 0x02, 0x26};
    assert_true(dlt645_frozen_time(zeros, &out));
    assert_true(out.none);
    assert_false(dlt645_frozen_time(bad, &out));
    assert_false(dlt645_frozen_time(feb30, &out));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(keep_power_frames),
    cmocka_unit_test(alarm_writes),
    cmocka_unit_test(price_writes_convert_exactly),
    cmocka_unit_test(day_table_write),
    cmocka_unit_test(frozen_replies),
};

KTEST_MAIN(tests)
