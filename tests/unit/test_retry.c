/* The retry policy every driver uses (base/retry.h): how many tries,
 * the pauses between them from the backoff rule, slept on the clock seam
 * (the test clock steps: nothing here waits). */
#include "ktest.h"

#include "base/retry.h"
#include "support/support.h"

/* The gateway's policy: 100 ms, doubling, the whole delay each time. */
static void pauses_double_up_to_the_longest(void **state)
{
    (void)state;
    const kretry_t p = {.retries = 5, .base_ms = 100, .max_ms = 1600};
    const int64_t want[] = {100, 200, 400, 800, 1600, 1600};
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(kretry_delay_ms(&p, i + 1), want[i]);
}

/* retries + 1 tries, a pause before each but the first, on the clock given. */
static void tries_then_stops_pausing_on_the_clock(void **state)
{
    (void)state;
    const kretry_t p = {.retries = 2, .base_ms = 100, .max_ms = 1600};
    int64_t start = test_now_ms;
    unsigned tries = 0;
    for (unsigned i = 0; kretry_next(&p, &test_clock, i); i++) {
        assert_int_equal(test_now_ms - start, i == 0 ? 0 : i == 1 ? 100 : 300);
        tries++;
    }
    assert_int_equal(tries, 3);
    assert_int_equal(test_now_ms - start, 300);
}

/* A policy without a base tries again at once (the bill acceptor's). */
static void no_base_no_pause(void **state)
{
    (void)state;
    const kretry_t p = {.retries = 2};
    int64_t start = test_now_ms;
    unsigned tries = 0;
    for (unsigned i = 0; kretry_next(&p, &test_clock, i); i++)
        tries++;
    assert_int_equal(tries, 3);
    assert_int_equal(test_now_ms, start);
    const kretry_t once = {0};
    assert_true(kretry_next(&once, &test_clock, 0));
    assert_false(kretry_next(&once, &test_clock, 1));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(pauses_double_up_to_the_longest),
    cmocka_unit_test(tries_then_stops_pausing_on_the_clock),
    cmocka_unit_test(no_base_no_pause),
};

KTEST_MAIN(tests)
