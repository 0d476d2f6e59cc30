/* The notices' domain rules (docs/notices.md). The cut-off warnings'
 * forecast: a meter with billed days (bill_day rows) goes by daily
 * billing's mean spend over the 7 days up to its last billed day; one
 * without goes by the fall between its last two readings; against a real
 * SQLite store, through the trigger the ingest calls (bo_notice_reading),
 * counting what it queues. The alarm amounts: which protocols hold them,
 * which levels they take, and when a push queues them again. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_alarm_push.h"
#include "backoffice/domain/bo_notice.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/bo_testdb.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "ktest.h"

#define HOUR 3600000LL
#define T0 1764547200000LL /* 2025-12-01T00:00:00Z */

typedef struct fixture {
    char database[512];
    bo_db_t *db;
    bo_store_t st;
    bo_notices_cfg_t cfg;
} fixture_t;

static void exec(fixture_t *f, const char *sql)
{
    kmsg_t msg = {{0}};
    assert_int_equal(bo_db_exec(f->db, sql, "setting up", &msg), K_OK);
}

static long count(fixture_t *f, const char *sql)
{
    int64_t n = -1;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_db_int(f->db, sql, NULL, &n, &msg), K_OK);
    return (long)n;
}

/* M1, M2 and M3 bound to A1, whose contact wants everything at any hour;
 * the webhook enabled. */
static void open_site(fixture_t *f)
{
    kmsg_t msg = {{0}};
    assert_true(bo_testdb_make(NULL, NULL, f->database, sizeof f->database));
    assert_int_equal(bo_db_open(f->database, &f->db, &msg), K_OK);
    exec(f, "INSERT INTO site VALUES ('S1', 'Market');"
            "INSERT INTO customer VALUES ('C1', 'Chen');"
            "INSERT INTO meter(id, customer, protocol, gateway, site) VALUES "
            "('M1', 'C1', 'dlt645', 'h:1', 'S1'), ('M2', 'C1', 'dlt645', 'h:1', 'S1'),"
            "('M3', 'C1', 'dlt645', 'h:1', 'S1');"
            "INSERT INTO account(id, customer, opened_at) VALUES ('A1', 'C1', 0);"
            "INSERT INTO account_meter(account, meter, bound_at) VALUES ('A1', 'M1', 0), ('A1', 'M2', 0),"
            "('A1', 'M3', 0);"
            "INSERT INTO contact(account, mobile, wants, updated_at) VALUES ('A1', '8613812345678', 31, 0);");
    bo_sqlite_adopt(f->db, &f->st);
    f->cfg = (bo_notices_cfg_t){.webhook = true, .levels = {2000, 1000, 500}, .rearm_margin = 100,
                                .utc_offset_min = 480};
}

static void close_site(fixture_t *f)
{
    bo_db_close(f->db);
    bo_testdb_drop(f->database);
}

/* A billed day of meter spending money. */
static void billed(fixture_t *f, const char *meter, const char *day, long money)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO bill_day(meter, day, site, tariff, currency, method, complete, energy, money, balance,"
             " days_left_7, days_left_30, billed_at) VALUES ('%s', '%s', 'S1', 'single', 'CNY', 'time', 1, 1000,"
             " %ld, NULL, -1, -1, 0)",
             meter, day, money);
    exec(f, sql);
}

static void read_at(fixture_t *f, const char *meter, int64_t at, long balance)
{
    bo_reading_t r = {.at = at, .balance = balance, .energy = 1000, .purchase_count = 1};
    kmsg_t msg = {{0}};
    snprintf(r.meter, sizeof r.meter, "%s", meter);
    kerr_t rc = bo_notice_reading(&f->st, &f->cfg, &r, at + 1000, &msg);
    if (rc)
        fprintf(stderr, "%s\n", msg.text);
    assert_int_equal(rc, K_OK);
}

static long cutoffs(fixture_t *f, const char *meter, const char *kind)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notice_outbox WHERE meter = '%s' AND kind = '%s'", meter, kind);
    return count(f, sql);
}

static void billed_days_decide_the_forecast(void **state)
{
    (void)state;
    fixture_t f;
    open_site(&f);
    /* M1: 31.43 a day over its last 7 billed days; a day before the window
     * spent 10,000.00 (counted, it would make the rest last minutes) */
    billed(&f, "M1", "2025-11-23", 1000000);
    for (int d = 24; d <= 30; d++) {
        char day[11];
        snprintf(day, sizeof day, "2025-11-%02d", d);
        billed(&f, "M1", day, d % 2 ? 2000 : 4000); /* 4 x 40.00 + 3 x 20.00 = 220.00 in 7 days */
    }
    /* M2: 1.00 a day billed */
    billed(&f, "M2", "2025-11-30", 100);
    /* the same readings for each: 26.00, then 25.90 an hour later; for M2
     * and M3 then 10.00 another hour later */
    const char *const m[] = {"M1", "M2", "M3"};
    for (int i = 0; i < 3; i++) {
        read_at(&f, m[i], T0, 2600);
        read_at(&f, m[i], T0 + HOUR, 2590);
    }
    /* M1 at 31.43 a day: 26.00 lasts 19.9 hours, told at the first
     * reading; by the readings' fall (0.10 an hour) nothing would be told
     * (none at the first reading, 259 hours at the second) */
    assert_int_equal(cutoffs(&f, "M1", "cutoff_day"), 1);
    assert_int_equal(cutoffs(&f, "M1", "cutoff_soon"), 0);
    assert_int_equal(count(&f, "SELECT count(*) FROM notice_outbox WHERE meter = 'M1' AND kind = 'cutoff_day' "
                               "AND text LIKE '%约20小时%'"),
                     1);
    assert_int_equal(cutoffs(&f, "M2", "cutoff_day"), 0);
    assert_int_equal(cutoffs(&f, "M3", "cutoff_day"), 0);
    read_at(&f, "M2", T0 + 2 * HOUR, 1000);
    read_at(&f, "M3", T0 + 2 * HOUR, 1000);
    /* M2: 10.00 lasts 10 days at 1.00 a day, though it fell 15.90 in an
     * hour; M3, never billed: by that fall 10.00 lasts 37 minutes */
    assert_int_equal(cutoffs(&f, "M2", "cutoff_day") + cutoffs(&f, "M2", "cutoff_soon"), 0);
    assert_int_equal(cutoffs(&f, "M3", "cutoff_day"), 1);
    assert_int_equal(cutoffs(&f, "M3", "cutoff_soon"), 0);
    close_site(&f);
}

static void alarm_amounts_from_levels(void **state)
{
    (void)state;
    const bo_nlevels_t lv = {{3000, 1500, 500}, 100};
    int64_t a[2] = {-7, -7};
    assert_int_equal(bo_alarm_held("dlt645"), 2);
    assert_int_equal(bo_alarm_held("modbus"), 2);
    assert_int_equal(bo_alarm_held("mbus"), 0);
    assert_true(bo_alarm_amounts(&lv, 2, a));
    assert_int_equal(a[0], 3000); /* the first level: the meter's first warning */
    assert_int_equal(a[1], 500);  /* the third: its last before the money runs out */
    assert_true(bo_alarm_amounts(&lv, 1, a));
    assert_int_equal(a[0], 3000);
    assert_int_equal(a[1], 0);
    assert_false(bo_alarm_amounts(&lv, 0, a));
    const int64_t want[2] = {3000, 500};
    bo_alarm_seen_t seen = {.registered = true, .has_last = false};
    assert_true(bo_alarm_due(&seen, want)); /* never written */
    seen = (bo_alarm_seen_t){.registered = true, .has_last = true, .last = {3000, 500}};
    const char *const live[] = {"queued", "sent", "done"}, *const ended[] = {"failed", "expired", "unknown",
                                                                             "refused", "cancelled"};
    for (int i = 0; i < 3; i++) {
        snprintf(seen.last_state, sizeof seen.last_state, "%s", live[i]);
        assert_false(bo_alarm_due(&seen, want));
    }
    for (int i = 0; i < 5; i++) {
        snprintf(seen.last_state, sizeof seen.last_state, "%s", ended[i]);
        assert_true(bo_alarm_due(&seen, want));
    }
    snprintf(seen.last_state, sizeof seen.last_state, "done");
    seen.last[1] = 600; /* other amounts written */
    assert_true(bo_alarm_due(&seen, want));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(billed_days_decide_the_forecast),
        cmocka_unit_test(alarm_amounts_from_levels),
    };
    return ktest_run("bo_notice_domain", tests, sizeof tests / sizeof tests[0], argc, argv);
}
