/* The charges and apportionments `backoffice serve` runs on its own
 * (backoffice/domain/bo_schedule.h, docs/billing.md "Scheduled runs"),
 * through the real program with its check every second: this month's
 * service fee on each account and last month's common-area share, each
 * once across passes, a restart with the run records lost, and the next
 * month (the server's clock moved on) charging again once. In CST-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bo_harness.h"
#include "ktest.h"

#define DAY_MS 86400000LL

static void sql(boh_t *h, const char *text)
{
    if (!boh_sql(h, text))
        fail_msg("%s failed", text);
}

/* Waits up to 15 s for the query to count want; its last count. */
static long wait_count(boh_t *h, const char *query, long want)
{
    long n = -1;
    for (int i = 0; i < 150 && (n = boh_count(h, query)) != want; i++)
        usleep(100000);
    return n;
}

/* The local month of t and the one before, "YYYY-MM". */
static void months(time_t t, char now[8], char before[8])
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(now, 8, "%Y-%m", &tm);
    tm.tm_mday = 1;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    time_t b = mktime(&tm);
    localtime_r(&b, &tm);
    strftime(before, 8, "%Y-%m", &tm);
}

#define FEES "SELECT count(*) FROM charge_applied WHERE item = 'svc'"
#define SHARES "SELECT count(*) FROM charge_applied WHERE item = 'apportion:G1'"

static void charges_and_shares_once_per_period(void **state)
{
    (void)state;
    boh_t h;
    char month[8], last[8], q[400];
    months(time(NULL), month, last);
    assert_true(boh_setup(&h, false, "[billing]\ncheck_seconds = 1\n"));
    assert_true(boh_meter(&h, "MM", "S1"));
    assert_true(boh_meter(&h, "M1", "S1"));
    assert_true(boh_meter(&h, "M2", "S1"));
    assert_int_equal(boh_clif(&h, "account open A1 --customer C0 --meter M1"), 0);
    assert_int_equal(boh_clif(&h, "account open A2 --customer C0 --meter M2"), 0);
    /* last month: the master used 30 kWh, each sub-meter 5: 20 kWh common at 1.00, 10.00 each */
    snprintf(q, sizeof q,
             "INSERT INTO bill_day(meter, day, site, tariff, currency, method, complete, energy, money, days_left_7, "
             "days_left_30, billed_at) VALUES ('MM', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 30000, 0, -1, -1, 0), "
             "('M1', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 5000, 0, -1, -1, 0), "
             "('M2', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 5000, 0, -1, -1, 0)",
             last, last, last);
    sql(&h, q);
    assert_int_equal(boh_clif(&h, "charge add svc --site S1 --name 'Service fee' --fixed 1500 --every month"), 0);
    assert_int_equal(boh_clif(&h, "apportion group add G1 --site S1 --master MM --subs M1,M2 --common residual "
                                  "--split ratio --price 100"),
                     0);
    assert_int_equal(wait_count(&h, FEES, 2), 2);
    assert_int_equal(wait_count(&h, SHARES, 2), 2);
    snprintf(q, sizeof q, "SELECT count(*) FROM charge_applied WHERE item = 'svc' AND period = '%s'", month);
    assert_int_equal(boh_count(&h, q), 2);
    snprintf(q, sizeof q, "SELECT count(*) FROM apportion_run WHERE grp = 'G1' AND period = '%s' AND common = 20000",
             last);
    assert_int_equal(boh_count(&h, q), 1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM account WHERE balance = -2500"), 2);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM audit WHERE actor = 'backoffice:schedule' AND "
                                   "action = 'charge.deduct'"),
                     4);
    assert_int_equal(wait_count(&h, "SELECT count(*) FROM schedule_run", 2), 2);
    sleep(3); /* three more passes: nothing more */
    assert_int_equal(boh_count(&h, FEES), 2);
    assert_int_equal(boh_count(&h, SHARES), 2);
    /* a restart with the records of the runs lost: the charges' own keys hold */
    assert_int_equal(boh_stop(&h), 0);
    sql(&h, "DELETE FROM schedule_run");
    assert_true(boh_start(&h));
    assert_int_equal(wait_count(&h, "SELECT count(*) FROM schedule_run", 2), 2);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM schedule_run WHERE detail LIKE '%2 applied before%'"), 1);
    assert_int_equal(boh_count(&h, FEES), 2);
    assert_int_equal(boh_count(&h, SHARES), 2);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM account WHERE balance = -2500"), 2);
    /* the next month: its fee once more on each account */
    char body[64];
    snprintf(body, sizeof body, "{\"advance_ms\": %lld}", 32 * DAY_MS);
    boh_resp_t r = boh_call(&h, NULL, "POST", "/v1/test/clock", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    assert_int_equal(wait_count(&h, FEES, 4), 4);
    assert_int_equal(wait_count(&h, "SELECT count(*) FROM apportion_run", 2), 2);
    sleep(2);
    assert_int_equal(boh_count(&h, FEES), 4);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM account WHERE balance = -4000"), 2);
    boh_teardown(&h);
}

int main(int argc, char **argv)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(charges_and_shares_once_per_period),
    };
    return ktest_run("bo_schedule", tests, sizeof tests / sizeof tests[0], argc, argv);
}
