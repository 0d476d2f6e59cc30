/* Daily billing (backoffice/domain/bo_billing.h, docs/billing.md) against
 * hand-computed days across the month boundary of 2026-11-30/12-01, in
 * the zone CST-8 (China Standard Time): a TOU day by time attribution and
 * one from the freezes' band registers, a tiered tariff whose monthly step
 * resets on the 1st, a single rate, a late reading re-billing its day, the
 * report's CSV through the real `backoffice` program, and the forecast's
 * rounding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_billing.h"
#include "backoffice/domain/bo_docs.h"
#include "backoffice/domain/bo_forecast.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/bo_testdb.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "base/timefmt.h"
#include "bo_harness.h"
#include "ktest.h"
#include "support/support.h"

#define HOUR 3600000LL

/* Local time "YYYY-MM-DDTHH:MM:SS" in CST-8, as UTC ms. */
static int64_t L(const char *local)
{
    int64_t ms = 0;
    assert_true(ktime_parse(local, &ms));
    return ms - 8 * HOUR;
}

/* Runs cmd through the shell; its stdout into out, its wait status. */
static int run_capture(const char *cmd, char *out, size_t len)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    return pclose(p);
}

static void forecast_rounds_down(void **state)
{
    (void)state;
    const int64_t spend[] = {300, 400};
    /* 1000 / 350 a day = 2.857142... days */
    assert_int_equal(bo_forecast_days_left_milli(1000, spend, 2), 2857);
    /* 1000 * 86,400,000 * 2 / 700 = 246,857,142.86 ms */
    assert_int_equal(bo_forecast_ms_to_zero(1000, spend, 2), 246857142);
    assert_int_equal(bo_forecast_days_left_milli(1000, spend, 1), 3333); /* the first day alone: 300 a day */
    const int64_t none[] = {0, 0};
    assert_int_equal(bo_forecast_days_left_milli(1000, none, 2), -1);
    assert_int_equal(bo_forecast_ms_to_zero(1000, none, 2), -1);
    assert_int_equal(bo_forecast_days_left_milli(1000, spend, 0), -1);
    assert_int_equal(bo_forecast_days_left_milli(0, spend, 2), 0);
    assert_int_equal(bo_forecast_days_left_milli(-50, spend, 2), 0);
    const int64_t tiny[] = {1};
    assert_int_equal(bo_forecast_ms_to_zero(INT64_MAX, tiny, 1), INT64_MAX);
}

static void dates(void **state)
{
    (void)state;
    int64_t d = 0;
    char text[11];
    assert_true(bo_bill_day_parse("2026-12-01", &d));
    bo_bill_day_text(d - 1, text);
    assert_string_equal(text, "2026-11-30");
    bo_bill_day_text(bo_bill_month_first(d - 1), text);
    assert_string_equal(text, "2026-11-01");
    assert_int_equal(bo_bill_month_first(d), d);
    assert_false(bo_bill_day_parse("2026-02-30", &d));
    assert_false(bo_bill_day_parse("2026-2-3", &d));
    assert_true(bo_bill_day_parse("2026-11-30", &d));
    int64_t start, end;
    bo_billing_day_bounds(d, &start, &end);
    assert_int_equal(start, L("2026-11-30T00:00:00"));
    assert_int_equal(end, L("2026-12-01T00:00:00"));
    assert_int_equal(bo_billing_day_of(L("2026-11-30T23:59:59")), d);
    assert_int_equal(bo_billing_day_of(L("2026-12-01T00:00:00")), d + 1);
}

typedef struct fixture {
    char dir[256], path[512];
    bo_db_t *db;
    bo_store_t st;
} fixture_t;

static void exec(fixture_t *f, const char *sql)
{
    kmsg_t msg = {{0}};
    kerr_t rc = bo_db_exec(f->db, sql, "setting up", &msg);
    if (rc)
        fprintf(stderr, "%s\n", msg.text);
    assert_int_equal(rc, K_OK);
}

/* M1 and M2 on the TOU tariff, M3 tiered, M4 single. */
static void open_site(fixture_t *f)
{
    kmsg_t msg = {{0}};
    assert_true(tmpdir_make(f->dir, sizeof f->dir));
    assert_true(bo_testdb_make(f->dir, "bo.db", f->path, sizeof f->path));
    assert_int_equal(bo_db_open(f->path, &f->db, &msg), K_OK);
    exec(f, "INSERT INTO site VALUES ('S1', 'Market');"
            "INSERT INTO customer VALUES ('C1', 'Chen');"
            "INSERT INTO tariff VALUES ('tou', 'CNY', 'tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 "
            "at=00:00/valley,08:00/flat,10:00/peak,18:00/sharp,21:00/flat');"
            "INSERT INTO tariff VALUES ('tiered', 'CNY', 'tiered 200:0.5 400:0.6 -:0.8');"
            "INSERT INTO tariff VALUES ('single', 'CNY', 'single 0.5283');"
            "INSERT INTO meter(id, customer, protocol, gateway, site, tariff) VALUES "
            "('M1', 'C1', 'dlt645', 'h:1', 'S1', 'tou'), ('M2', 'C1', 'dlt645', 'h:1', 'S1', 'tou'),"
            "('M3', 'C1', 'dlt645', 'h:1', 'S1', 'tiered'), ('M4', 'C1', 'dlt645', 'h:1', 'S1', 'single');"
            "INSERT INTO account(id, customer, opened_at) VALUES ('A1', 'C1', 0);"
            "INSERT INTO account_meter(account, meter, bound_at) VALUES ('A1', 'M1', 0), ('A1', 'M4', 0);");
    bo_sqlite_adopt(f->db, &f->st);
}

static void close_site(fixture_t *f)
{
    bo_db_close(f->db);
    bo_testdb_drop(f->path);
    tmpdir_remove(f->dir);
}

static void reading(fixture_t *f, const char *meter, const char *local, int64_t energy, int64_t balance)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO reading(kiosk, meter, at, energy, balance, purchase_count, relay_open, flags) "
             "VALUES ('K1', '%s', %lld, %lld, %lld, 1, 0, 0)",
             meter, (long long)L(local), (long long)energy, (long long)balance);
    exec(f, sql);
}

static void freeze(fixture_t *f, const char *meter, const char *local, int64_t s, int64_t p, int64_t fl, int64_t v)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO frozen(meter, at, at_text, kiosk, energy, sharp, peak, flat, valley, read_at) "
             "VALUES ('%s', %lld, '%s+08:00', 'K1', %lld, %lld, %lld, %lld, %lld, 0)",
             meter, (long long)L(local), local, (long long)(s + p + fl + v), (long long)s, (long long)p,
             (long long)fl, (long long)v);
    exec(f, sql);
}

/* M1's readings around 2026-11-30 (tou_by_time says what they make). */
static void m1_readings(fixture_t *f)
{
    reading(f, "M1", "2026-11-29T22:00:00", 100000, 9000);
    reading(f, "M1", "2026-11-30T02:00:00", 104000, 6000);
    reading(f, "M1", "2026-11-30T12:00:00", 114000, 5000);
    reading(f, "M1", "2026-12-01T00:00:00", 126000, 4000);
}

/* M4's of 2026-11-30, the midnight after it not yet read (late_reading_rebills). */
static void m4_readings(fixture_t *f)
{
    reading(f, "M4", "2026-11-30T00:00:00", 1000, 2000);
    reading(f, "M4", "2026-11-30T18:00:00", 11500, 1445);
}

static void bill(fixture_t *f, const char *day)
{
    bo_bill_stats_t s;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_billing_run_day(&f->st, day, "", 1, &s, &msg);
    if (rc)
        fprintf(stderr, "%s\n", msg.text);
    assert_int_equal(rc, K_OK);
}

/* A column of a meter's day ("" for NULL, "-" for no row). */
static void cell(fixture_t *f, const char *meter, const char *day, const char *col, char *out, size_t len)
{
    char sql[300];
    bool found = false;
    kmsg_t msg = {{0}};
    snprintf(sql, sizeof sql, "SELECT coalesce(CAST(%s AS TEXT), '') FROM bill_day WHERE meter = '%s' AND day = '%s'",
             col, meter, day);
    assert_int_equal(bo_db_text(f->db, sql, out, len, &found, &msg), K_OK);
    if (!found)
        snprintf(out, len, "-");
}

#define ASSERT_CELL(f, meter, day, col, want)                                                                      \
    do {                                                                                                             \
        char got_[64];                                                                                               \
        cell(f, meter, day, col, got_, sizeof got_);                                                                \
        assert_string_equal(got_, want);                                                                           \
    } while (0)

/* M1, 2026-11-30, by time: 22:00 the day before 100 kWh, 02:00 104, 12:00
 * 114, midnight 126. 00-02: 2 kWh valley (half of 4 over 4 h); 02-12 at 1
 * kWh/h: valley 6, flat 2, peak 2; 12-24 at 1 kWh/h: peak 6, sharp 3,
 * flat 3. Sharp 3 x 1.2 + peak 8 x 0.9 + flat 5 x 0.6 + valley 8 x 0.3 =
 * 3.60 + 7.20 + 3.00 + 2.40 = 16.20. Balance: the 12:00 reading's 50.00;
 * 5000 / 1620 a day = 3.086 days. */
static void tou_by_time(void **state)
{
    (void)state;
    fixture_t f;
    open_site(&f);
    m1_readings(&f);
    bill(&f, "2026-11-30");
    ASSERT_CELL(&f, "M1", "2026-11-30", "energy", "24000");
    ASSERT_CELL(&f, "M1", "2026-11-30", "sharp", "3000");
    ASSERT_CELL(&f, "M1", "2026-11-30", "peak", "8000");
    ASSERT_CELL(&f, "M1", "2026-11-30", "flat", "5000");
    ASSERT_CELL(&f, "M1", "2026-11-30", "valley", "8000");
    ASSERT_CELL(&f, "M1", "2026-11-30", "money", "1620");
    ASSERT_CELL(&f, "M1", "2026-11-30", "balance", "5000");
    ASSERT_CELL(&f, "M1", "2026-11-30", "method", "time");
    ASSERT_CELL(&f, "M1", "2026-11-30", "complete", "1");
    ASSERT_CELL(&f, "M1", "2026-11-30", "days_left_7", "3086");
    ASSERT_CELL(&f, "M1", "2026-11-30", "days_left_30", "3086");
    close_site(&f);
}

/* M2, 2026-12-01, from the freezes at its two midnights: sharp 1, peak
 * 2.5, flat 3, valley 4.5 kWh (the readings between say otherwise and are
 * not used for energy) = 1.20 + 2.25 + 1.80 + 1.35 = 6.60. */
static void tou_from_freezes(void **state)
{
    (void)state;
    fixture_t f;
    open_site(&f);
    freeze(&f, "M2", "2026-12-01T00:00:00", 10000, 20000, 30000, 40000);
    freeze(&f, "M2", "2026-12-02T00:00:00", 11000, 22500, 33000, 44500);
    reading(&f, "M2", "2026-12-01T01:00:00", 500000, 7000);
    reading(&f, "M2", "2026-12-01T09:00:00", 900000, 6500);
    bill(&f, "2026-12-01");
    ASSERT_CELL(&f, "M2", "2026-12-01", "method", "frozen");
    ASSERT_CELL(&f, "M2", "2026-12-01", "energy", "11000");
    ASSERT_CELL(&f, "M2", "2026-12-01", "sharp", "1000");
    ASSERT_CELL(&f, "M2", "2026-12-01", "peak", "2500");
    ASSERT_CELL(&f, "M2", "2026-12-01", "flat", "3000");
    ASSERT_CELL(&f, "M2", "2026-12-01", "valley", "4500");
    ASSERT_CELL(&f, "M2", "2026-12-01", "money", "660");
    ASSERT_CELL(&f, "M2", "2026-12-01", "balance", "6500");
    /* 6500 / 660 = 9.848 days */
    ASSERT_CELL(&f, "M2", "2026-12-01", "days_left_7", "9848");
    close_site(&f);
}

/* M3, tiered 0.5 to 200 kWh a month, 0.6 to 400, 0.8 above: 11-29 uses
 * 250 kWh (200 x 0.5 + 50 x 0.6 = 130.00), 11-30 50 kWh on the month's 250
 * (50 x 0.6 = 30.00), 12-01 50 kWh in a new month (50 x 0.5 = 25.00). */
static void tiered_resets_on_the_first(void **state)
{
    (void)state;
    fixture_t f;
    open_site(&f);
    reading(&f, "M3", "2026-11-29T00:00:00", 0, 50000);
    reading(&f, "M3", "2026-11-30T00:00:00", 250000, 37000);
    reading(&f, "M3", "2026-12-01T00:00:00", 300000, 34000);
    reading(&f, "M3", "2026-12-02T00:00:00", 350000, 31500);
    bill(&f, "2026-11-29");
    bill(&f, "2026-11-30");
    bill(&f, "2026-12-01");
    ASSERT_CELL(&f, "M3", "2026-11-29", "money", "13000");
    ASSERT_CELL(&f, "M3", "2026-11-30", "energy", "50000");
    ASSERT_CELL(&f, "M3", "2026-11-30", "money", "3000");
    ASSERT_CELL(&f, "M3", "2026-12-01", "energy", "50000");
    ASSERT_CELL(&f, "M3", "2026-12-01", "money", "2500");
    ASSERT_CELL(&f, "M3", "2026-12-01", "sharp", ""); /* no bands: not a TOU tariff */
    ASSERT_CELL(&f, "M3", "2026-12-01", "balance", "34000");
    /* 34000 at (13000 + 3000 + 2500) / 3 a day = 5.513 days */
    ASSERT_CELL(&f, "M3", "2026-12-01", "days_left_7", "5513");
    close_site(&f);
}

static int64_t rows(fixture_t *f)
{
    int64_t n = -1;
    kmsg_t msg;
    assert_int_equal(bo_db_int(f->db, "SELECT count(*) FROM bill_day", NULL, &n, &msg), K_OK);
    return n;
}

/* M4, single 0.5283: 11-30 00:00 1 kWh, 18:00 11.5: 10.5 kWh = 5.54715,
 * 555 half up, incomplete. A late reading at midnight (13.5 kWh) re-bills
 * the day on the next pending run: 12.5 kWh = 6.60375, 660. Billing a day
 * again changes nothing. */
static void late_reading_rebills(void **state)
{
    (void)state;
    fixture_t f;
    bo_bill_stats_t s;
    kmsg_t msg = {{0}};
    open_site(&f);
    m4_readings(&f);
    assert_int_equal(bo_billing_run_pending(&f.st, "", L("2026-12-01T00:30:00"), false, &s, &msg), K_OK);
    ASSERT_CELL(&f, "M4", "2026-11-30", "money", "555");
    ASSERT_CELL(&f, "M4", "2026-11-30", "complete", "0");
    int64_t before = rows(&f);
    bill(&f, "2026-11-30");
    assert_int_equal(rows(&f), before);
    ASSERT_CELL(&f, "M4", "2026-11-30", "money", "555");
    reading(&f, "M4", "2026-12-01T00:00:00", 13500, 1340);
    assert_int_equal(bo_billing_run_pending(&f.st, "", L("2026-12-01T00:35:00"), false, &s, &msg), K_OK);
    ASSERT_CELL(&f, "M4", "2026-11-30", "energy", "12500");
    ASSERT_CELL(&f, "M4", "2026-11-30", "money", "660");
    ASSERT_CELL(&f, "M4", "2026-11-30", "complete", "1");
    ASSERT_CELL(&f, "M4", "2026-12-01", "balance", "1340"); /* the new day: its balance, nothing used yet */
    ASSERT_CELL(&f, "M4", "2026-12-01", "money", "0");
    /* nothing new: nothing billed */
    assert_int_equal(bo_billing_run_pending(&f.st, "", L("2026-12-01T00:40:00"), false, &s, &msg), K_OK);
    assert_int_equal(s.days, 0);
    close_site(&f);
}

/* The report through the program: its CSV header, M1's day to the fen and
 * the account's total (M1 and M4). */
static void report_csv(void **state)
{
    (void)state;
    fixture_t f;
    open_site(&f);
    m1_readings(&f);
    m4_readings(&f);
    char cmd[1200], out[4096];
    snprintf(cmd, sizeof cmd, "TZ=CST-8 %s --set 'server.database=%s' billing run --day 2026-11-30", getenv("BACKOFFICE"),
             f.path);
    assert_int_equal(run_capture(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "2 rows stored"));
    snprintf(cmd, sizeof cmd,
             "TZ=CST-8 %s --set 'server.database=%s' billing report --account A1 --from 2026-11-30 --to 2026-11-30 --csv",
             getenv("BACKOFFICE"), f.path);
    assert_int_equal(run_capture(cmd, out, sizeof out), 0);
    const char *want = "day,meter,currency,energy,sharp,peak,flat,valley,money,balance,days_left_7,days_left_30,method\r\n"
                       "2026-11-30,M1,CNY,24000,3000,8000,5000,8000,1620,5000,3.086,3.086,time\r\n"
                       "2026-11-30,M4,CNY,10500,,,,,555,1445,2.603,2.603,time\r\n"
                       "total,,CNY,34500,3000,8000,5000,8000,2175,6445,,,\r\n";
    assert_string_equal(out, want);
    snprintf(cmd, sizeof cmd, "%s --set 'server.database=%s' billing report --from 2026-11-30 --to 2026-11-30",
             getenv("BACKOFFICE"), f.path);
    assert_int_equal(run_capture(cmd, out, sizeof out), 2 << 8);
    close_site(&f);
}

/* End to end: readings uploaded by a kiosk to `backoffice serve`, `billing
 * run` on the command line bills the days they touch, and the admin API
 * answers the report: M's 2026-11-30 on the single rate, 12.5 kWh x
 * 0.5283 = 6.60375, 660. */
static void http_report(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    char out[4096];
    assert_int_equal(boh_cli(&h, out, sizeof out, "tariff set single CNY 'single 0.5283'"), 0);
    assert_true(boh_sql(&h, "UPDATE meter SET tariff = 'single'"));
    static const char *const at[] = {"2026-11-29T16:00:00.000Z", "2026-11-30T10:00:00.000Z", "2026-11-30T16:00:00.000Z"};
    static const long long energy[] = {1000, 11500, 13500};
    char body[2048];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"rows\":[");
    for (int i = 0; i < 3; i++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "%s{\"seq\":%d,\"topic\":\"reading\",\"payload\":{\"meter\":\"000012345678\",\"at\":"
                              "\"%s\",\"energy\":%lld,\"balance\":900,\"purchase_count\":3,\"relay_open\":0,\"flags\":0}}",
                              i ? "," : "", i + 1, at[i], energy[i]);
    snprintf(body + n, sizeof body - n, "]}");
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    assert_int_equal(boh_cli(&h, out, sizeof out, "billing run"), 0);
    r = boh_call(&h, NULL, "GET", "/v1/admin/billing?meter=000012345678&from=2026-11-30&to=2026-11-30", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"day\":\"2026-11-30\""));
    assert_non_null(strstr(r.body, "\"energy\":12500"));
    assert_non_null(strstr(r.body, "\"money\":660"));
    assert_non_null(strstr(r.body, "\"day\":\"total\""));
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/billing?from=2026-11-30&to=2026-11-30", NULL, NULL);
    assert_int_equal(r.status, 400);
    boh_free(&r);
    boh_teardown(&h);
}

/* Runs the backoffice program on the fixture's database in CST-8; stdout
 * into out; its exit status. */
static int program(fixture_t *f, const char *args, char *out, size_t len)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "TZ=CST-8 %s --set 'server.database=%s' %s", getenv("BACKOFFICE"), f->path, args);
    int st = run_capture(cmd, out, len);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Prices change on 2026-11-16 (versions set through the program with
 * --from): each day billed with the version in force at its midnight.
 * M2 (TOU) from its freezes, sharp 1, peak 2.5, flat 3, valley 4.5 kWh
 * both days: 11-15 at the old prices 6.60; 11-16 at 1.5/1.0/0.7/0.35 =
 * 1.50 + 2.50 + 2.10 + 1.575 = 7.675, 7.68 half up. M3 (tiered) 150 kWh a
 * day: 11-15 150 x 0.5 = 75.00; 11-16 on the month's 150 at the new steps
 * 0.55 to 200, 0.65 to 400: 50 x 0.55 + 100 x 0.65 = 27.50 + 65.00 =
 * 92.50. The tariffs document lists the new versions with the instant. */
static void tariff_version_mid_month(void **state)
{
    (void)state;
    fixture_t f;
    char out[4096];
    open_site(&f);
    freeze(&f, "M2", "2026-11-15T00:00:00", 10000, 20000, 30000, 40000);
    freeze(&f, "M2", "2026-11-16T00:00:00", 11000, 22500, 33000, 44500);
    freeze(&f, "M2", "2026-11-17T00:00:00", 12000, 25000, 36000, 49000);
    reading(&f, "M3", "2026-11-15T00:00:00", 0, 50000);
    reading(&f, "M3", "2026-11-16T00:00:00", 150000, 42500);
    reading(&f, "M3", "2026-11-17T00:00:00", 300000, 33250);
    assert_int_equal(program(&f,
                             "tariff set tou CNY 'tou sharp=1.5 peak=1.0 flat=0.7 valley=0.35 "
                             "at=00:00/valley,08:00/flat,10:00/peak,18:00/sharp,21:00/flat' --from 2026-11-16",
                             out, sizeof out),
                     0);
    assert_int_equal(program(&f, "tariff set tiered CNY 'tiered 200:0.55 400:0.65 -:0.9' --from 2026-11-16", out,
                             sizeof out),
                     0);
    assert_int_equal(program(&f, "tariff set nope CNY 'single 1' --from 2026-11-16", out, sizeof out), 1);
    assert_int_equal(program(&f, "tariff set tou CNY 'single 1' --from 2026-11-31", out, sizeof out), 2);
    assert_int_equal(program(&f, "billing run --day 2026-11-15", out, sizeof out), 0);
    assert_int_equal(program(&f, "billing run --day 2026-11-16", out, sizeof out), 0);
    ASSERT_CELL(&f, "M2", "2026-11-15", "money", "660");
    ASSERT_CELL(&f, "M2", "2026-11-16", "energy", "11000");
    ASSERT_CELL(&f, "M2", "2026-11-16", "money", "768");
    ASSERT_CELL(&f, "M3", "2026-11-15", "money", "7500");
    ASSERT_CELL(&f, "M3", "2026-11-16", "energy", "150000");
    ASSERT_CELL(&f, "M3", "2026-11-16", "money", "9250");
    assert_int_equal(program(&f, "tariff versions tiered --csv", out, sizeof out), 0);
    assert_string_equal(out, "tariff,currency,from,text\r\ntiered,CNY,2026-11-16 00:00:00,tiered 200:0.55 400:0.65 -:0.9\r\n");
    cJSON *body = NULL;
    int64_t version;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_doc_build(&f.st, "tariffs", "K1", &body, &version, &msg), K_OK);
    char *text = cJSON_PrintUnformatted(body);
    assert_non_null(strstr(text, "{\"id\":\"tiered\",\"currency\":\"CNY\",\"text\":\"tiered 200:0.5 400:0.6 -:0.8\"}"));
    assert_non_null(strstr(text, "\"text\":\"tiered 200:0.55 400:0.65 -:0.9\",\"effective_at\":\"2026-11-15T16:00:00.000Z\""));
    free(text);
    cJSON_Delete(body);
    close_site(&f);
}

int main(int argc, char **argv)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forecast_rounds_down), cmocka_unit_test(dates),
        cmocka_unit_test(tou_by_time),          cmocka_unit_test(tou_from_freezes),
        cmocka_unit_test(tiered_resets_on_the_first), cmocka_unit_test(late_reading_rebills),
        cmocka_unit_test(report_csv),           cmocka_unit_test(http_report),
        cmocka_unit_test(tariff_version_mid_month),
    };
    return ktest_run("bo_billing", tests, sizeof tests / sizeof tests[0], argc, argv);
}
