/* Usage inspection: each anti-theft check raises its alert, with evidence,
 * and stays quiet when the numbers are explained. */
#include "ktest.h"

#include "core/inspect.h"

static const meter_snapshot_t base = {.at = 1000, .energy = 500000, .balance = 2000, .count = 5};

static size_t run(const meter_snapshot_t *prev, const meter_snapshot_t *now, const inspect_between_t *b,
                  inspect_alert_t out[INSPECT_MAX_ALERTS])
{
    return inspect_readings(prev, now, b, out);
}

static bool has(const inspect_alert_t *a, size_t n, alert_kind_t k)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].kind == k)
            return true;
    return false;
}

static void normal_use_raises_nothing(void **state)
{
    (void)state;
    inspect_alert_t a[INSPECT_MAX_ALERTS];
    meter_snapshot_t now = base;
    now.energy += 3000;
    now.balance -= 160;
    assert_int_equal(run(&base, &now, NULL, a), 0);
    inspect_between_t credit = {.credited = 5000, .credits = 1};
    now.balance += 5000;
    now.count += 1;
    assert_int_equal(run(&base, &now, &credit, a), 0);
    assert_int_equal(run(NULL, &base, NULL, a), 0); /* a first reading */
}

static void energy_backwards(void **state)
{
    (void)state;
    inspect_alert_t a[INSPECT_MAX_ALERTS];
    meter_snapshot_t now = base;
    now.energy -= 10;
    size_t n = run(&base, &now, NULL, a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].kind, ALERT_ENERGY_BACKWARDS);
    assert_int_equal(a[0].severity, SEVERITY_CRITICAL);
    assert_string_equal(a[0].evidence, "energy 499990, before 500000");
    assert_string_equal(inspect_alert_name(a[0].kind), "energy_backwards");
}

static void energy_rising_while_open(void **state)
{
    (void)state;
    inspect_alert_t a[INSPECT_MAX_ALERTS];
    meter_snapshot_t prev = base, now = base;
    prev.relay_open = now.relay_open = true;
    prev.balance = now.balance = 0;
    now.energy += INSPECT_OPEN_TOLERANCE; /* within the register's resolution */
    assert_int_equal(run(&prev, &now, NULL, a), 0);
    now.energy += 1;
    size_t n = run(&prev, &now, NULL, a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].kind, ALERT_ENERGY_WHILE_OPEN);
    inspect_between_t closed = {.relay_closed = true};
    assert_int_equal(run(&prev, &now, &closed, a), 0); /* we closed it in between */
}

static void tamper_flags_raise_once(void **state)
{
    (void)state;
    inspect_alert_t a[INSPECT_MAX_ALERTS];
    meter_snapshot_t now = base;
    now.flags = METER_COVER | METER_MAGNETIC;
    size_t n = run(&base, &now, NULL, a);
    assert_int_equal(n, 2);
    assert_true(has(a, n, ALERT_TAMPER) && has(a, n, ALERT_MAGNETIC));
    assert_string_equal(a[0].evidence, "meter cover opened");
    meter_snapshot_t later = now;
    assert_int_equal(run(&now, &later, NULL, a), 0); /* still set: no new alert */
    later.flags |= METER_TERMINAL | METER_REVERSE;
    n = run(&now, &later, NULL, a);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].evidence, "terminal cover opened");
    assert_int_equal(a[1].kind, ALERT_REVERSE);
}

static void balance_rising_without_purchase(void **state)
{
    (void)state;
    inspect_alert_t a[INSPECT_MAX_ALERTS];
    meter_snapshot_t now = base;
    now.balance += 1;
    size_t n = run(&base, &now, NULL, a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].kind, ALERT_BALANCE_ROSE);
    inspect_between_t credit = {.credited = 1000, .credits = 1};
    now.balance = base.balance + 1001;
    now.count = base.count + 1;
    n = run(&base, &now, &credit, a);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].evidence, "balance 3001, before 2000, credited here 1000");
}

static void purchase_count_jumping(void **state)
{
    (void)state;
    inspect_alert_t a[INSPECT_MAX_ALERTS];
    meter_snapshot_t now = base;
    now.count += 2;
    now.balance += 600; /* two purchases elsewhere */
    inspect_between_t one = {.credited = 600, .credits = 1};
    size_t n = run(&base, &now, &one, a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].kind, ALERT_COUNT_JUMP);
    assert_int_equal(a[0].severity, SEVERITY_WARNING);
}

static void cut_with_credit(void **state)
{
    (void)state;
    inspect_alert_t a[INSPECT_MAX_ALERTS];
    meter_snapshot_t now = base;
    now.relay_open = true;
    size_t n = run(&base, &now, NULL, a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].kind, ALERT_CUT_WITH_CREDIT);
    assert_int_equal(run(&now, &now, NULL, a), 0); /* raised when it starts, not on every reading */
    assert_int_equal(run(NULL, &now, NULL, a), 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(normal_use_raises_nothing),
    cmocka_unit_test(energy_backwards),
    cmocka_unit_test(energy_rising_while_open),
    cmocka_unit_test(tamper_flags_raise_once),
    cmocka_unit_test(balance_rising_without_purchase),
    cmocka_unit_test(purchase_count_jumping),
    cmocka_unit_test(cut_with_credit),
};

KTEST_MAIN(tests)
