/* Staff permissions and the PIN lockout rules, an operator's and the
 * service entry's (core/perm.h). */
#include "ktest.h"

#include "core/perm.h"

static void sets_parse_and_print(void **state)
{
    (void)state;
    perm_set_t s;
    char bad[32] = "", text[256];
    assert_true(perm_parse_set("collect_cash,reprint", &s, bad, sizeof bad));
    assert_true(perm_allows(s, PERM_COLLECT_CASH));
    assert_true(perm_allows(s, PERM_REPRINT));
    assert_false(perm_allows(s, PERM_CARDS));
    perm_format_set(s, text, sizeof text);
    assert_string_equal(text, "collect_cash,reprint");
    assert_true(perm_parse_set("", &s, bad, sizeof bad));
    assert_int_equal(s, 0);
    assert_true(perm_parse_set("all", &s, bad, sizeof bad));
    for (int p = 0; p < PERM_COUNT; p++)
        assert_true(perm_allows(s, (perm_t)p));
    assert_false(perm_parse_set("reprint,colect_cash", &s, bad, sizeof bad));
    assert_string_equal(bad, "colect_cash");
    assert_false(perm_allows(PERM_ALL, PERM_COUNT));
}

static void every_name_parses_back(void **state)
{
    (void)state;
    for (int p = 0; p < PERM_COUNT; p++) {
        perm_set_t s;
        assert_true(perm_parse_set(perm_name((perm_t)p), &s, NULL, 0));
        assert_int_equal(s, 1u << p);
    }
}

/* Five wrong PINs lock for 30 minutes; the lock runs out; a good PIN clears
 * the count; while locked, even a good PIN is not tried (pin_locked). */
static void five_wrong_pins_lock_for_thirty_minutes(void **state)
{
    (void)state;
    int64_t now = 1000000;
    pin_state_t s = {0};
    for (int i = 1; i < PERM_MAX_FAILURES; i++) {
        s = pin_after_attempt(s, false, now);
        assert_int_equal(s.failures, i);
        assert_false(pin_locked(&s, now));
    }
    s = pin_after_attempt(s, false, now);
    assert_true(pin_locked(&s, now));
    assert_true(pin_locked(&s, now + PERM_LOCK_MS - 1));
    assert_false(pin_locked(&s, now + PERM_LOCK_MS));
    pin_state_t after = pin_after_attempt(s, false, now + PERM_LOCK_MS); /* a new count */
    assert_int_equal(after.failures, 1);
    assert_false(pin_locked(&after, now + PERM_LOCK_MS));
    after = pin_after_attempt(after, true, now + PERM_LOCK_MS);
    assert_int_equal(after.failures, 0);
    assert_int_equal(after.locked_until, 0);
    s = (pin_state_t){.failures = 3};
    assert_int_equal(pin_after_attempt(s, true, now).failures, 0);
}

/* The service entry: five refused codes within ten minutes lock it for ten
 * minutes after the last; fewer, or spread wider, do not. */
static void the_entry_locks_on_five_codes_within_ten_minutes(void **state)
{
    (void)state;
    int64_t now = 1795000000000, minute = 60000;
    int64_t close[] = {now, now - minute, now - 2 * minute, now - 3 * minute, now - 9 * minute, now - 30 * minute};
    assert_int_equal(pin_entry_locked_until(close, 5, now), now + PERM_ENTRY_LOCK_MS);
    assert_int_equal(pin_entry_locked_until(close, 6, now), now + PERM_ENTRY_LOCK_MS); /* only the newest five */
    assert_int_equal(pin_entry_locked_until(close, 4, now), 0);
    assert_int_equal(pin_entry_locked_until(close, 5, now + PERM_ENTRY_LOCK_MS - 1), now + PERM_ENTRY_LOCK_MS);
    assert_int_equal(pin_entry_locked_until(close, 5, now + PERM_ENTRY_LOCK_MS), 0); /* it ran out */
    int64_t wide[] = {now, now - minute, now - 2 * minute, now - 3 * minute, now - PERM_ENTRY_WINDOW_MS};
    assert_int_equal(pin_entry_locked_until(wide, 5, now), 0);
    assert_int_equal(pin_entry_locked_until(NULL, 0, now), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(the_entry_locks_on_five_codes_within_ten_minutes),
    cmocka_unit_test(sets_parse_and_print),
    cmocka_unit_test(every_name_parses_back),
    cmocka_unit_test(five_wrong_pins_lock_for_thirty_minutes),
};

KTEST_MAIN(tests)
