/* The identity rule every command to a meter passes first: the meter
 * number must be the registry's; the customer too, when both sides name
 * one. */
#include "ktest.h"

#include "core/meter_id.h"

static const meter_id_t registry = {"000000000002", "100000000002", true};

static void the_same_meter(void **state)
{
    (void)state;
    meter_id_t answered = {"000000000002", "100000000002", true};
    assert_int_equal(meter_id_compare(&registry, &answered), METER_ID_SAME);
    assert_string_equal(meter_id_verdict_name(METER_ID_SAME), "same");
}

/* A wrong Modbus unit: another meter answers there. */
static void another_meter(void **state)
{
    (void)state;
    meter_id_t answered = {"000000000001", "100000000001", true};
    assert_int_equal(meter_id_compare(&registry, &answered), METER_ID_OTHER_METER);
    meter_id_t same_customer = {"000000000001", "100000000002", true}; /* the number alone decides */
    assert_int_equal(meter_id_compare(&registry, &same_customer), METER_ID_OTHER_METER);
    assert_string_equal(meter_id_verdict_name(METER_ID_OTHER_METER), "other_meter");
}

static void another_customer(void **state)
{
    (void)state;
    meter_id_t answered = {"000000000002", "100000000009", true};
    assert_int_equal(meter_id_compare(&registry, &answered), METER_ID_OTHER_CUSTOMER);
    assert_string_equal(meter_id_verdict_name(METER_ID_OTHER_CUSTOMER), "other_customer");
}

/* What one side does not say cannot contradict: no registry line, a meter
 * that does not tell its customer, an account not opened yet. */
static void unknown_customers_are_not_compared(void **state)
{
    (void)state;
    meter_id_t untold = {"000000000002", "", false}, unopened = {"000000000002", "", true};
    assert_int_equal(meter_id_compare(&registry, &untold), METER_ID_SAME);
    assert_int_equal(meter_id_compare(&registry, &unopened), METER_ID_SAME);
    meter_id_t no_line = {"000000000002", "", false}, answered = {"000000000002", "100000000009", true};
    assert_int_equal(meter_id_compare(&no_line, &answered), METER_ID_SAME);
    meter_id_t other = {"000000000003", "", false};
    assert_int_equal(meter_id_compare(&no_line, &other), METER_ID_OTHER_METER);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(the_same_meter),
    cmocka_unit_test(another_meter),
    cmocka_unit_test(another_customer),
    cmocka_unit_test(unknown_customers_are_not_compared),
};

KTEST_MAIN(tests)
