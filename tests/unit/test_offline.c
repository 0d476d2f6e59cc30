/* Offline selling limits (core/offline.c). */
#include "ktest.h"

#include "core/offline.h"

#define HOUR 3600000LL

static const offline_limits_t limits = {.after_ms = 300000, .max_purchase = 20000, .total = 50000, .hours = 24};

static void online_has_no_limit(void **state)
{
    (void)state;
    offline_facts_t f = {.now = 10 * HOUR, .last_contact = 10 * HOUR - 1000};
    assert_int_equal(offline_check(&limits, &f, 90000), OFFLINE_ONLINE);
    f.last_contact = 10 * HOUR - 300000; /* exactly after_ms: offline */
    assert_int_equal(offline_check(&limits, &f, 90000), OFFLINE_OVER_SALE);
    f.last_contact = 10 * HOUR - 1000;
    f.last_failed = true; /* the last request failed: offline at once */
    assert_int_equal(offline_check(&limits, &f, 90000), OFFLINE_OVER_SALE);
}

static void per_sale_and_total(void **state)
{
    (void)state;
    offline_facts_t f = {.now = 10 * HOUR, .last_contact = 9 * HOUR, .last_failed = true};
    assert_int_equal(offline_check(&limits, &f, 20000), OFFLINE_OK);
    assert_int_equal(offline_check(&limits, &f, 20001), OFFLINE_OVER_SALE);
    f.sold_since = 30000;
    assert_int_equal(offline_check(&limits, &f, 20000), OFFLINE_OK); /* exactly the total */
    f.sold_since = 30001;
    assert_int_equal(offline_check(&limits, &f, 20000), OFFLINE_OVER_TOTAL);
    f.sold_since = INT64_MAX - 5; /* no overflow */
    assert_int_equal(offline_check(&limits, &f, 100), OFFLINE_OVER_TOTAL);
}

static void hours_offline(void **state)
{
    (void)state;
    offline_facts_t f = {.now = 100 * HOUR, .last_contact = 76 * HOUR + 1, .last_failed = true};
    assert_int_equal(offline_check(&limits, &f, 100), OFFLINE_OK);
    f.last_contact = 76 * HOUR; /* 24 hours */
    assert_int_equal(offline_check(&limits, &f, 100), OFFLINE_TOO_LONG);
    offline_limits_t none = limits;
    none.hours = 0; /* no offline selling at all */
    f.last_contact = 100 * HOUR - 1000;
    assert_int_equal(offline_check(&none, &f, 100), OFFLINE_TOO_LONG);
}

static void never_reached(void **state)
{
    (void)state;
    offline_facts_t f = {.now = 100 * HOUR, .last_contact = 0, .sold_since = 40000};
    assert_true(offline_is_offline(&limits, &f));
    assert_int_equal(offline_check(&limits, &f, 10000), OFFLINE_OK); /* no start: only the money limits */
    assert_int_equal(offline_check(&limits, &f, 10001), OFFLINE_OVER_TOTAL);
    assert_string_equal(offline_verdict_text(OFFLINE_TOO_LONG),
                        "offline for too long: no sales until the back office answers");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(online_has_no_limit),
    cmocka_unit_test(per_sale_and_total),
    cmocka_unit_test(hours_offline),
    cmocka_unit_test(never_reached),
};

KTEST_MAIN(tests)
