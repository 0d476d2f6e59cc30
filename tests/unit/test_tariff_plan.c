/* Which tariff version applies at a time (core/tariff_plan.c), and how
 * quantities and the switch are said per meter kind (core/meter_kind.c). */
#include "ktest.h"

#include "core/meter_kind.h"
#include "core/tariff_plan.h"

static void version_at_effective_time(void **state)
{
    (void)state;
    const int64_t from[] = {TARIFF_ALWAYS, 1000, 5000};
    assert_int_equal(tariff_version_at(from, 3, 0), 0);
    assert_int_equal(tariff_version_at(from, 3, 999), 0);    /* the old one until the change */
    assert_int_equal(tariff_version_at(from, 3, 1000), 1);   /* the new one from that instant */
    assert_int_equal(tariff_version_at(from, 3, 4999), 1);
    assert_int_equal(tariff_version_at(from, 3, 5000), 2);
    const int64_t later_first[] = {5000, TARIFF_ALWAYS}; /* the list's order does not matter */
    assert_int_equal(tariff_version_at(later_first, 2, 4999), 1);
    assert_int_equal(tariff_version_at(later_first, 2, 5000), 0);
    const int64_t future[] = {1000};
    assert_int_equal(tariff_version_at(future, 1, 999), -1); /* nothing in force yet */
    const int64_t same[] = {1000, 1000};
    assert_int_equal(tariff_version_at(same, 2, 1000), 1); /* equal times: the later in the list */
    assert_int_equal(tariff_version_at(NULL, 0, 1000), -1);
}

static void units_per_kind(void **state)
{
    (void)state;
    char out[40];
    meter_quantity_format(METER_ELECTRICITY, 94643, UNIT_PLAIN, out);
    assert_string_equal(out, "94.64 kWh");
    meter_quantity_format(METER_WATER, 5000, UNIT_PLAIN, out);
    assert_string_equal(out, "5.00 m3"); /* 5000 litres, not "5.00 kWh" */
    meter_quantity_format(METER_WATER, 12195, UNIT_SCREEN, out);
    assert_string_equal(out, "12.19 m\xC2\xB3");
    meter_kind_t k;
    assert_true(meter_kind_parse("water", &k) && k == METER_WATER);
    assert_true(meter_kind_parse("", &k) && k == METER_ELECTRICITY);
    assert_false(meter_kind_parse("gas", &k));
}

static void valve_wording(void **state)
{
    (void)state;
    assert_string_equal(meter_switch_name(METER_WATER), "valve");
    assert_string_equal(meter_switch_state(METER_WATER, true), "closed"); /* water cut: the valve is closed */
    assert_string_equal(meter_switch_state(METER_WATER, false), "open");
    assert_string_equal(meter_switch_name(METER_ELECTRICITY), "relay");
    assert_string_equal(meter_switch_state(METER_ELECTRICITY, true), "open"); /* supply cut: the relay is open */
}

static void price_text(void **state)
{
    (void)state;
    char out[32];
    tariff_price_text(528300, 2, out);
    assert_string_equal(out, "0.5283");
    tariff_price_text(4100000, 2, out);
    assert_string_equal(out, "4.10");
    tariff_price_text(120000, 0, out);
    assert_string_equal(out, "12");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(version_at_effective_time),
    cmocka_unit_test(units_per_kind),
    cmocka_unit_test(valve_wording),
    cmocka_unit_test(price_text),
};

KTEST_MAIN(tests)
