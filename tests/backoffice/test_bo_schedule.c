/* The charges and apportionments `backoffice serve` runs on its own
 * (backoffice/domain/bo_schedule.h, docs/billing.md "Scheduled runs"),
 * through the real program with its check every second: this month's
 * service fee on each account and last month's common-area share, each
 * once across passes, a restart with the run records lost, the next month
 * (the server's clock moved on) charging again once, and two months missed
 * (the clock moved past them) caught up late, oldest first, once each,
 * with their own periods' use, never before a job or an item was made. In
 * CST-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bo_harness.h"
#include "ktest.h"

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

static int64_t offset_ms; /* how far the server's clock was moved */

/* Local noon on the day of the month `ahead` months after this one, ms. */
static int64_t month_day_ms(int ahead, int day)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mon += ahead;
    tm.tm_mday = day;
    tm.tm_hour = 12;
    tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

/* Moves the server's clock to the 10th of the month `ahead` months after
 * this one. */
static void clock_to(boh_t *h, int ahead)
{
    char body[64];
    int64_t adv = month_day_ms(ahead, 10) - ((int64_t)time(NULL) * 1000 + offset_ms);
    snprintf(body, sizeof body, "{\"advance_ms\": %lld}", (long long)adv);
    boh_resp_t r = boh_call(h, NULL, "POST", "/v1/test/clock", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    offset_ms += adv;
}

/* "YYYY-MM" of the month `ahead` months after this one. */
static void month_ahead(int ahead, char out[8])
{
    time_t t = (time_t)(month_day_ms(ahead, 10) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 8, "%Y-%m", &tm);
}

#define LATE "SELECT count(*) FROM schedule_run WHERE detail LIKE 'late: %'"
#define LATE_AUDIT "SELECT count(*) FROM audit WHERE actor = 'backoffice:schedule' AND action = 'schedule.late'"
#define SVC_IN "SELECT count(*) FROM charge_applied WHERE item = 'svc' AND period = '%s'"
#define MADE "SELECT count(*) FROM charge_applied WHERE item = '%s' AND period %s '%s'"

/* From the month after this one: months 2 and 3 missed (the clock moved
 * to month 4), with a fee (svc3) on S1, a site's (S2) first fee and an
 * account on S1 (A4) made in month 3, and month 2's use for the share. */
static void missed_months_caught_up(boh_t *h)
{
    char q[600], m2[8], m3[8], m4[8];
    month_ahead(2, m2);
    month_ahead(3, m3);
    month_ahead(4, m4);
    assert_true(boh_meter(h, "M3", "S2"));
    assert_int_equal(boh_clif(h, "account open A3 --customer C0 --meter M3"), 0);
    assert_true(boh_meter(h, "M4", "S1"));
    assert_int_equal(boh_clif(h, "account open A4 --customer C0 --meter M4"), 0);
    snprintf(q, sizeof q,
             "INSERT INTO bill_day(meter, day, site, tariff, currency, method, complete, energy, money, days_left_7, "
             "days_left_30, billed_at) VALUES ('MM', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 50000, 0, -1, -1, 0), "
             "('M1', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 10000, 0, -1, -1, 0), "
             "('M2', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 10000, 0, -1, -1, 0)",
             m2, m2, m2);
    sql(h, q);
    snprintf(q, sizeof q,
             "INSERT INTO charge_item(id, site, name, basis, rate, every, created_at) VALUES "
             "('svc3', 'S1', 'Lift', 'fixed', 700, 'month', %lld), "
             "('svc2', 'S2', 'Service fee', 'fixed', 900, 'month', %lld)",
             (long long)month_day_ms(3, 5), (long long)month_day_ms(3, 5));
    sql(h, q);
    snprintf(q, sizeof q, "UPDATE account SET opened_at = %lld WHERE id = 'A4'", (long long)month_day_ms(3, 5));
    sql(h, q);
    sleep(2); /* two passes in month 1: the items made later charge nothing yet */
    assert_int_equal(boh_count(h, "SELECT count(*) FROM charge_applied WHERE item IN ('svc2', 'svc3')"), 0);
    clock_to(h, 4);
    assert_int_equal(wait_count(h, LATE, 5), 5);
    assert_int_equal(wait_count(h, FEES, 12), 12);
    sleep(2); /* two more passes: nothing more */
    assert_int_equal(boh_countf(h, SVC_IN, m2), 2);
    assert_int_equal(boh_countf(h, SVC_IN, m3), 3);
    assert_int_equal(boh_countf(h, SVC_IN, m4), 3);
    /* the items made (one on S1, S2's first) and the account opened (A4) in month 3: from month 3 on */
    assert_int_equal(boh_countf(h, MADE, "svc3", "<", m3), 0);
    assert_int_equal(boh_countf(h, MADE, "svc3", ">=", m3), 6);
    assert_int_equal(boh_countf(h, MADE, "svc2", "<", m3), 0);
    assert_int_equal(boh_countf(h, MADE, "svc2", ">=", m3), 2);
    /* oldest first: no account charged an item for a month before an earlier month */
    assert_int_equal(boh_count(h, "SELECT count(*) FROM charge_applied a JOIN charge_applied b ON a.account = "
                                  "b.account AND a.item = b.item WHERE a.period < b.period AND a.id > b.id"),
                     0);
    /* the share of month 2 from month 2's use; months 1 to 3 each once */
    assert_int_equal(
        boh_countf(h, "SELECT count(*) FROM apportion_run WHERE grp = 'G1' AND period = '%s' AND common = 30000", m2),
        1);
    assert_int_equal(boh_count(h, "SELECT count(*) FROM apportion_run"), 5);
    /* late: S1's months 2 and 3, S2's month 3, G1's months 1 and 2; each says when it was due */
    assert_int_equal(boh_countf(h,
                                "SELECT count(*) FROM schedule_run WHERE job = 'charges:S1' AND period = '%s' AND "
                                "detail LIKE 'late: period %s due %s-01 ran %s-%%'",
                                m2, m2, m2, m4),
                     1);
    assert_int_equal(boh_countf(h, "SELECT count(*) FROM schedule_run WHERE job = 'charges:S2' AND period < '%s'", m3),
                     0);
    assert_int_equal(boh_countf(h,
                                "SELECT count(*) FROM schedule_run WHERE job = 'charges:S2' AND period = '%s' AND "
                                "detail LIKE 'late:%%'",
                                m3),
                     1);
    assert_int_equal(boh_count(h, LATE), 5);
    assert_int_equal(boh_count(h, LATE_AUDIT), 5);
    assert_int_equal(boh_count(h, FEES), 12);
    /* A1, A2: -4000, three fees of 15.00, two of 7.00, half of month 2's share of 30.00;
     * A3: two fees of 9.00; A4: months 3 and 4, 15.00 and 7.00 each */
    assert_int_equal(boh_count(h, "SELECT count(*) FROM account WHERE balance = -11400"), 2);
    assert_int_equal(boh_count(h, "SELECT count(*) FROM account WHERE id = 'A3' AND balance = -1800"), 1);
    assert_int_equal(boh_count(h, "SELECT count(*) FROM account WHERE id = 'A4' AND balance = -4400"), 1);
}

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
    /* last month: the master used 30 kWh, each sub-meter 5: 20 kWh common
     * at 1.00, 10.00 each */
    snprintf(q, sizeof q,
             "INSERT INTO bill_day(meter, day, site, tariff, currency, method, "
             "complete, energy, money, days_left_7, "
             "days_left_30, billed_at) VALUES ('MM', '%s-01', 'S1', 't', 'CNY', "
             "'frozen', 1, 30000, 0, -1, -1, 0), "
             "('M1', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 5000, 0, -1, -1, 0), "
             "('M2', '%s-01', 'S1', 't', 'CNY', 'frozen', 1, 5000, 0, -1, -1, 0)",
             last, last, last);
    sql(&h, q);
    assert_int_equal(boh_clif(&h, "charge add svc --site S1 --name 'Service fee' "
                                  "--fixed 1500 --every month"),
                     0);
    assert_int_equal(boh_clif(&h, "apportion group add G1 --site S1 --master MM "
                                  "--subs M1,M2 --common residual "
                                  "--split ratio --price 100"),
                     0);
    assert_int_equal(wait_count(&h, FEES, 2), 2);
    assert_int_equal(wait_count(&h, SHARES, 2), 2);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM charge_applied WHERE item = 'svc' AND period "
             "= '%s'",
             month);
    assert_int_equal(boh_count(&h, q), 2);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM apportion_run WHERE grp = 'G1' AND period = "
             "'%s' AND common = 20000",
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
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM schedule_run WHERE "
                                   "detail LIKE '%2 applied before%'"),
                     1);
    assert_int_equal(boh_count(&h, FEES), 2);
    assert_int_equal(boh_count(&h, SHARES), 2);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM account WHERE balance = -2500"), 2);
    /* the next month: its fee once more on each account */
    offset_ms = 0;
    clock_to(&h, 1);
    assert_int_equal(wait_count(&h, FEES, 4), 4);
    assert_int_equal(wait_count(&h, "SELECT count(*) FROM apportion_run", 2), 2);
    sleep(2);
    assert_int_equal(boh_count(&h, FEES), 4);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM account WHERE balance = -4000"), 2);
    assert_int_equal(boh_count(&h, LATE), 0);
    missed_months_caught_up(&h);
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
