/* Scheduled reading's rules: when a scan is due (periodic and the day's
 * scan after local midnight), the order of a pass, and when a silent meter
 * raises and clears its alert. */
#include "ktest.h"

#include "core/scan.h"

#define MIN INT64_C(60000)
#define HOUR (60 * MIN)
#define DAY0 (INT64_C(20000) * SCAN_DAY_MS) /* a UTC midnight */

static const scan_sched_t hourly = {.period_ms = HOUR, .after_midnight_ms = 5 * MIN, .utc_offset_ms = 0};

static void first_scan_at_once_then_each_period(void **state)
{
    (void)state;
    scan_sched_t s = hourly;
    s.after_midnight_ms = -1;
    scan_state_t st = scan_state_init();
    int64_t t = DAY0 + 10 * HOUR + 17 * MIN;
    assert_int_equal(scan_due(&s, &st, t), SCAN_PERIODIC);
    scan_started(&s, &st, SCAN_PERIODIC, t);
    assert_int_equal(scan_due(&s, &st, t + HOUR - 1), SCAN_NONE);
    assert_int_equal(scan_due(&s, &st, t + HOUR), SCAN_PERIODIC);
    /* the wall clock set back: a scan rather than hours of none */
    assert_int_equal(scan_due(&s, &st, t - 2 * HOUR), SCAN_PERIODIC);
}

static void the_days_scan_once_after_midnight(void **state)
{
    (void)state;
    scan_state_t st = scan_state_init();
    scan_started(&hourly, &st, SCAN_PERIODIC, DAY0 - 10 * MIN); /* 23:50 */
    assert_int_equal(scan_due(&hourly, &st, DAY0 + 4 * MIN), SCAN_NONE);
    assert_int_equal(scan_due(&hourly, &st, DAY0 + 5 * MIN), SCAN_MIDNIGHT);
    scan_started(&hourly, &st, SCAN_MIDNIGHT, DAY0 + 5 * MIN);
    assert_int_equal(st.last_day, 20000);
    assert_int_equal(scan_due(&hourly, &st, DAY0 + 30 * MIN), SCAN_NONE);
    assert_int_equal(scan_due(&hourly, &st, DAY0 + 65 * MIN), SCAN_PERIODIC);
    /* started late in the day: no day's scan, only periodic ones */
    scan_state_t late = scan_state_init();
    assert_int_equal(scan_due(&hourly, &late, DAY0 + 12 * HOUR), SCAN_PERIODIC);
    /* off */
    scan_sched_t off = hourly;
    off.after_midnight_ms = -1;
    assert_int_equal(scan_due(&off, &st, DAY0 + SCAN_DAY_MS + 5 * MIN), SCAN_PERIODIC);
}

static void local_midnight_follows_the_offset(void **state)
{
    (void)state;
    scan_sched_t s = hourly;
    s.utc_offset_ms = 8 * HOUR; /* UTC+8: local midnight is 16:00 UTC */
    scan_state_t st = scan_state_init();
    scan_started(&s, &st, SCAN_PERIODIC, DAY0 + 15 * HOUR + 50 * MIN);
    assert_int_equal(scan_due(&s, &st, DAY0 + 16 * HOUR + 6 * MIN), SCAN_MIDNIGHT);
    scan_started(&s, &st, SCAN_MIDNIGHT, DAY0 + 16 * HOUR + 6 * MIN);
    assert_int_equal(st.last_day, 20001);
    assert_int_equal(scan_due(&s, &st, DAY0 + 16 * HOUR + 40 * MIN), SCAN_NONE);
    s.utc_offset_ms = -5 * HOUR; /* before the epoch's day boundary too */
    st = scan_state_init();
    scan_started(&s, &st, SCAN_PERIODIC, DAY0 + 4 * HOUR + 59 * MIN);
    assert_int_equal(scan_due(&s, &st, DAY0 + 5 * HOUR + 5 * MIN), SCAN_MIDNIGHT);
    scan_started(&s, &st, SCAN_MIDNIGHT, DAY0 + 5 * HOUR + 5 * MIN);
    assert_int_equal(st.last_day, 20000);
}

static void a_pass_visits_each_meter_once(void **state)
{
    (void)state;
    scan_run_t r = scan_run_begin(SCAN_PERIODIC, 3);
    size_t i, seen = 0, sum = 0;
    while (scan_run_next(&r, &i)) {
        sum += i;
        seen++;
    }
    assert_int_equal(seen, 3);
    assert_int_equal(sum, 0 + 1 + 2);
    assert_false(scan_run_next(&r, &i));
    scan_run_t none = scan_run_begin(SCAN_PERIODIC, 0);
    assert_false(scan_run_next(&none, &i));
}

static void silence_alert_once_and_cleared(void **state)
{
    (void)state;
    assert_int_equal(scan_after_miss(1), SCAN_ALERT_KEEP);
    assert_int_equal(scan_after_miss(SCAN_MISSES_ALERT - 1), SCAN_ALERT_KEEP);
    assert_int_equal(scan_after_miss(SCAN_MISSES_ALERT), SCAN_ALERT_RAISE);
    assert_int_equal(scan_after_miss(SCAN_MISSES_ALERT + 1), SCAN_ALERT_KEEP);
    assert_int_equal(scan_after_answer(0), SCAN_ALERT_KEEP);
    assert_int_equal(scan_after_answer(SCAN_MISSES_ALERT - 1), SCAN_ALERT_KEEP);
    assert_int_equal(scan_after_answer(SCAN_MISSES_ALERT + 5), SCAN_ALERT_CLEAR);
    assert_string_equal(read_source_name(READ_SCAN), "scan");
    assert_string_equal(read_source_name(READ_COMMAND), "command");
    assert_null(read_source_name(READ_SOURCE_COUNT));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(first_scan_at_once_then_each_period),
    cmocka_unit_test(the_days_scan_once_after_midnight),
    cmocka_unit_test(local_midnight_follows_the_offset),
    cmocka_unit_test(a_pass_visits_each_meter_once),
    cmocka_unit_test(silence_alert_once_and_cleared),
};

KTEST_MAIN(tests)
