/* Daily billing's rate (docs/billing.md, "Figures"): a SQLite store made
 * here with N meters (a third each on a TOU, a tiered and a single-rate
 * tariff) and a day of readings each (00:00, 06:00, 12:00 and 18:00, and
 * the next midnight's), written in one transaction; then `billing run
 * --day` for that day through the domain, as the command line does it.
 * Prints the time to fill the store, the time to bill, and rows per second.
 *   billing_bench [--meters N] [--dir DIR] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/domain/bo_billing.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "bench_util.h"

#define NAME "billing_bench"
#define DAY "2026-11-30"
#define DAY_START 1795968000000LL /* 2026-11-30T00:00:00+08:00 */
#define HOUR 3600000LL

static void exec(bo_db_t *db, const char *sql)
{
    kmsg_t msg = {{0}};
    if (bo_db_exec(db, sql, "filling the store", &msg) != K_OK)
        bench_die(NAME, msg.text);
}

static sqlite3_stmt *prepare(bo_db_t *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(bo_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        bench_die(NAME, bo_db_error(db));
    return st;
}

static void step(bo_db_t *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        bench_die(NAME, bo_db_error(db));
    sqlite3_reset(st);
}

/* n meters with their readings, in one transaction. */
static void fill(bo_db_t *db, long n)
{
    static const char *const tariffs[] = {"tou", "tiered", "single"};
    exec(db, "BEGIN;"
             "INSERT INTO site VALUES ('S1', 'Estate');"
             "INSERT INTO customer VALUES ('C1', 'Estate');"
             "INSERT INTO tariff VALUES ('tou', 'CNY', 'tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 "
             "at=00:00/valley,08:00/flat,10:00/peak,18:00/sharp,21:00/flat');"
             "INSERT INTO tariff VALUES ('tiered', 'CNY', 'tiered 200:0.5283 400:0.5783 -:0.8283');"
             "INSERT INTO tariff VALUES ('single', 'CNY', 'single 0.5283');");
    sqlite3_stmt *m = prepare(db, "INSERT INTO meter(id, customer, protocol, gateway, site, tariff) "
                                  "VALUES (?, 'C1', 'dlt645', 'h:1', 'S1', ?)");
    sqlite3_stmt *r = prepare(db, "INSERT INTO reading(kiosk, meter, at, energy, balance, purchase_count, "
                                  "relay_open, flags) VALUES ('K1', ?, ?, ?, ?, 1, 0, 0)");
    for (long i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "%012ld", i);
        sqlite3_bind_text(m, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(m, 2, tariffs[i % 3], -1, SQLITE_STATIC);
        step(db, m);
        for (int k = 0; k <= 4; k++) {
            sqlite3_bind_text(r, 1, id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(r, 2, DAY_START + k * 6 * HOUR);
            sqlite3_bind_int64(r, 3, 1000000 + i % 997 + k * (1500 + i % 500));
            sqlite3_bind_int64(r, 4, 100000 - k * 300);
            step(db, r);
        }
    }
    sqlite3_finalize(m);
    sqlite3_finalize(r);
    exec(db, "COMMIT");
}

int main(int argc, char **argv)
{
    long n = 1000000;
    const char *dir = ".";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--meters") == 0)
            n = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--dir") == 0)
            dir = argv[i + 1];
    }
    setenv("TZ", "CST-8", 1);
    char path[600];
    snprintf(path, sizeof path, "%s/billing_bench.db", dir);
    unlink(path);
    bo_store_t st;
    kmsg_t msg = {{0}};
    if (bo_sqlite_open(path, &st, &msg) != K_OK)
        bench_die(NAME, msg.text);
    int64_t t0 = bench_now_us();
    fill(bo_sqlite_db(&st), n);
    int64_t t1 = bench_now_us();
    bo_bill_stats_t s;
    if (bo_billing_run_day(&st, DAY, "", t1 / 1000, &s, &msg) != K_OK)
        bench_die(NAME, msg.text);
    int64_t t2 = bench_now_us();
    st.ops->close(st.ctx);
    printf("billing: %ld meters, %ld readings written in one transaction in %.1f s\n", n, n * 5,
           (double)(t1 - t0) / 1e6);
    printf("billing: one day billed: %lld rows in %.1f s, %.0f rows/s (%lld without readings, %lld without a tariff)\n",
           (long long)s.rows, (double)(t2 - t1) / 1e6, (double)s.rows * 1e6 / (double)(t2 - t1 > 0 ? t2 - t1 : 1),
           (long long)s.idle, (long long)s.no_tariff);
    unlink(path);
    return s.rows == n ? 0 : 1;
}
