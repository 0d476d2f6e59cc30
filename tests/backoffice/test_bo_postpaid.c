/* Post-paid bills, other charges and apportionment (docs/billing.md)
 * through the real `backoffice` program, against hand-computed figures in
 * China Standard Time: the days billed from daily freezes by `billing
 * run`, a bill of two meters (TOU and single rate) with the arrears of an
 * earlier bill, a fixed and a per-area charge, checked to the fen; the
 * states refused out of order and without the permission; payments oldest
 * first; a charge applied twice counting once; 100.01 apportioned over
 * three accounts by area with the largest-remainder rule; a master meter
 * below its sub-meters giving nothing and a warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "backoffice/domain/bo_split.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/bo_testdb.h"
#include "base/timefmt.h"
#include "bo_harness.h"
#include "ktest.h"
#include "support/support.h"

#define HOUR 3600000LL
#define PIN_OK "2468"

typedef struct fixture {
    char dir[256], path[512];
    bo_db_t *db;
} fixture_t;

static fixture_t F;

static void exec(const char *sql)
{
    kmsg_t msg = {{0}};
    kerr_t rc = bo_db_exec(F.db, sql, "setting up", &msg);
    if (rc)
        fprintf(stderr, "%s\n", msg.text);
    assert_int_equal(rc, K_OK);
}

static int64_t count(const char *sql)
{
    int64_t v = -1;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_db_int(F.db, sql, NULL, &v, &msg), K_OK);
    return v;
}

/* Runs `backoffice ARGS` in CST-8 with env (NULL: none) in front ("X=1");
 * stdout and stderr into out; the exit status. */
static int bo(const char *env, char *out, size_t len, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "TZ=CST-8 %s %s --set server.database='%s' %s 2>&1", env ? env : "",
             getenv("BACKOFFICE"), F.path, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char OUT[8192];

/* As bo into OUT; the run must end with status want. */
static void ok(const char *env, int want, const char *args)
{
    int st = bo(env, OUT, sizeof OUT, args);
    if (st != want)
        fprintf(stderr, "backoffice %s -> %d, wanted %d:\n%s\n", args, st, want, OUT);
    assert_int_equal(st, want);
}

/* As ok, and OUT must hold text. */
static void says(const char *env, int want, const char *args, const char *text)
{
    ok(env, want, args);
    if (!strstr(OUT, text))
        fprintf(stderr, "backoffice %s said:\n%s\nnot: %s\n", args, OUT, text);
    assert_non_null(strstr(OUT, text));
}

#define ALICE "BACKOFFICE_PIN=" PIN_OK

/* A daily freeze at local midnight `day` (YYYY-MM-DD); bands NULL when s < 0. */
static void freeze(const char *meter, const char *day, int64_t e, int64_t s, int64_t p, int64_t f, int64_t v)
{
    char sql[600], local[32], bands[128];
    int64_t at = 0;
    snprintf(local, sizeof local, "%sT00:00:00", day);
    assert_true(ktime_parse(local, &at));
    at -= 8 * HOUR;
    if (s < 0)
        snprintf(bands, sizeof bands, "NULL, NULL, NULL, NULL");
    else
        snprintf(bands, sizeof bands, "%lld, %lld, %lld, %lld", (long long)s, (long long)p, (long long)f,
                 (long long)v);
    snprintf(sql, sizeof sql,
             "INSERT INTO frozen(meter, at, at_text, kiosk, energy, sharp, peak, flat, valley, read_at) VALUES "
             "('%s', %lld, '%s', 'K1', %lld, %s, %lld)",
             meter, (long long)at, local, (long long)e, bands, (long long)at);
    exec(sql);
}

/* Site S1: account A1 (M1 TOU, M4 single rate), A2 (M2) prepaid. Site S2
 * (apportionment): master MM over SA (A3), SB (A4), SC (A5); MM2 over SD
 * (A6). The days 2026-10-31 to 2026-11-02 billed from their freezes. */
static int setup(void **state)
{
    (void)state;
    kmsg_t msg = {{0}};
    assert_true(tmpdir_make(F.dir, sizeof F.dir));
    assert_true(bo_testdb_make(F.dir, "bo.db", F.path, sizeof F.path));
    assert_int_equal(bo_db_open(F.path, &F.db, &msg), K_OK);
    exec("INSERT INTO site VALUES ('S1', 'Market'), ('S2', 'Tower');"
         "INSERT INTO customer VALUES ('C1', 'Chen');"
         "INSERT INTO tariff VALUES ('tou', 'CNY', 'tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 "
         "at=00:00/valley,08:00/flat,10:00/peak,18:00/sharp,21:00/flat');"
         "INSERT INTO tariff VALUES ('single', 'CNY', 'single 0.5283');"
         "INSERT INTO tariff VALUES ('one', 'CNY', 'single 1');"
         "INSERT INTO meter(id, customer, protocol, gateway, site, tariff) VALUES "
         "('M1', 'C1', 'dlt645', 'h:1', 'S1', 'tou'), ('M4', 'C1', 'dlt645', 'h:1', 'S1', 'single'),"
         "('M2', 'C1', 'dlt645', 'h:1', 'S1', 'single'), ('MM', 'C1', 'dlt645', 'h:2', 'S2', 'one'),"
         "('SA', 'C1', 'dlt645', 'h:2', 'S2', 'one'), ('SB', 'C1', 'dlt645', 'h:2', 'S2', 'one'),"
         "('SC', 'C1', 'dlt645', 'h:2', 'S2', 'one'), ('MM2', 'C1', 'dlt645', 'h:2', 'S2', 'one'),"
         "('SD', 'C1', 'dlt645', 'h:2', 'S2', 'one');"
         "INSERT INTO account(id, customer, opened_at) VALUES ('A1', 'C1', 0), ('A2', 'C1', 0), ('A3', 'C1', 0),"
         "('A4', 'C1', 0), ('A5', 'C1', 0), ('A6', 'C1', 0);"
         "INSERT INTO account_meter(account, meter, bound_at) VALUES ('A1', 'M1', 0), ('A1', 'M4', 0),"
         "('A2', 'M2', 0), ('A3', 'SA', 0), ('A4', 'SB', 0), ('A5', 'SC', 0), ('A6', 'SD', 0);");
    /* M1: 10-31 valley +2000 (0.60); 11-01 +500/+3000/+2000/+4000 (5.70); 11-02 +1000/+2000/+3000/+5000 (6.30) */
    freeze("M1", "2026-10-31", 98000, 10000, 30000, 40000, 18000);
    freeze("M1", "2026-11-01", 100000, 10000, 30000, 40000, 20000);
    freeze("M1", "2026-11-02", 109500, 10500, 33000, 42000, 24000);
    freeze("M1", "2026-11-03", 120500, 11500, 35000, 45000, 29000);
    /* M4 at 0.5283: 11-01 12345 Wh (6.5218635 -> 6.52), 11-02 7000 Wh (3.6981 -> 3.70) */
    freeze("M4", "2026-11-01", 50000, -1, 0, 0, 0);
    freeze("M4", "2026-11-02", 62345, -1, 0, 0, 0);
    freeze("M4", "2026-11-03", 69345, -1, 0, 0, 0);
    /* S2 on 11-01: MM 160010, SA 10000, SB 20000, SC 30000: common 100010 Wh; MM2 5000 under SD 10000 */
    const char *s2[][2] = {{"MM", "160010"}, {"SA", "10000"}, {"SB", "20000"},
                           {"SC", "30000"},  {"MM2", "5000"},  {"SD", "10000"}};
    for (size_t i = 0; i < sizeof s2 / sizeof s2[0]; i++) {
        freeze(s2[i][0], "2026-11-01", 1000, -1, 0, 0, 0);
        freeze(s2[i][0], "2026-11-02", 1000 + atoll(s2[i][1]), -1, 0, 0, 0);
    }
    ok(NULL, 0, "billing run --day 2026-10-31");
    ok(NULL, 0, "billing run --day 2026-11-01");
    ok(NULL, 0, "billing run --day 2026-11-02");
    /* staff: billing clerks may confirm and void; cashiers may not */
    ok(NULL, 0, "group set clerks --perms accounts");
    ok(NULL, 0, "group set cashiers --perms collect_cash");
    ok("BACKOFFICE_NEW_PIN=" PIN_OK, 0, "operator add alice --group clerks");
    ok("BACKOFFICE_NEW_PIN=1357", 0, "operator add bob --group cashiers");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bo_db_close(F.db);
    bo_testdb_drop(F.path);
    tmpdir_remove(F.dir);
    return 0;
}

static void split_by_largest_remainder(void **state)
{
    (void)state;
    int64_t part[3];
    kmsg_t msg = {{0}};
    const int64_t area[] = {1000, 2000, 3000}; /* 10.00, 20.00, 30.00 m2 */
    /* 10001 x 1/6 = 1666.83, x 2/6 = 3333.67, x 3/6 = 5000.5: 9999 down, the 2 left to .83 and .67 */
    assert_int_equal(bo_split(10001, area, 3, part, &msg), K_OK);
    assert_int_equal(part[0], 1667);
    assert_int_equal(part[1], 3334);
    assert_int_equal(part[2], 5000);
    const int64_t equal[] = {7, 7, 7}; /* ties: to the lower index (the lower account id) */
    assert_int_equal(bo_split(10001, equal, 3, part, &msg), K_OK);
    assert_int_equal(part[0], 3334);
    assert_int_equal(part[1], 3334);
    assert_int_equal(part[2], 3333);
    const int64_t zero[] = {0, 0, 0}; /* all 0: equal shares */
    assert_int_equal(bo_split(2, zero, 3, part, &msg), K_OK);
    assert_int_equal(part[0] + part[1] + part[2], 2);
    assert_int_equal(part[2], 0);
    const int64_t neg[] = {1, -1};
    assert_int_equal(bo_split(5, neg, 2, part, &msg), K_EINVAL);
    assert_int_equal(bo_split(-1, area, 3, part, &msg), K_EINVAL);
}

/* Bill 1: A1's 2026-10-31 (M1's valley 2000 Wh at 0.3: 60), confirmed,
 * issued and 20 paid: 40 left owing. */
static void first_bill_partly_paid(void)
{
    ok(ALICE, 0, "account payment A1 postpaid --operator alice --reason 'post-paid contract'");
    says(NULL, 0, "bill draft --account A1 --from 2026-10-31 --to 2026-10-31", "bill 1 drafted");
    ok(ALICE, 0, "bill confirm 1 --operator alice");
    ok(NULL, 0, "bill issue 1");
    ok(NULL, 0, "bill pay 1 --amount 20 --method counter --ref R-1");
}

/* The charges of S1: a property fee at 3.33 per m2 and a fixed service
 * fee of 15.00, monthly. */
static void site_charges(void)
{
    ok(NULL, 0, "charge add prop --site S1 --name 'Property fee' --per-m2 333 --every month");
    ok(NULL, 0, "charge add svc --site S1 --name 'Service fee' --fixed 1500 --every month");
}

static void bill_to_the_fen(void **state)
{
    (void)state;
    ok(NULL, 0, "account area A1 85.50");
    first_bill_partly_paid();
    site_charges();
    /* A1 (post-paid, 85.50 m2): 85.50 x 3.33 = 284.715 -> 284.72 and 15.00, billed; A2 (prepaid, no area):
     * 15.00 deducted, the property fee 0 */
    says(NULL, 0, "charge apply --site S1 --period 2026-11",
         "applied 3 charges (1 deducted, 2 billed) for 31472; 0 applied before, 1 came to 0");
    says(NULL, 0, "bill draft --account A1 --period 2026-11", "bill 2 drafted for A1, 2026-11-01 to 2026-11-30");
    ok(NULL, 0, "bill show 2 --csv");
    /* M1 TOU: 11-01 0.5x1.2 + 3x0.9 + 2x0.6 + 4x0.3 = 5.70, 11-02 1x1.2 + 2x0.9 + 3x0.6 + 5x0.3 = 6.30;
     * M4 at 0.5283: 12.345 kWh = 6.5218635 -> 6.52, 7 kWh = 3.6981 -> 3.70: 10.22.
     * Total 12.00 + 10.22 + 284.72 + 15.00 + 0.40 arrears = 322.34 */
    assert_string_equal(OUT, "line,kind,item,meter,energy,sharp,peak,flat,valley,amount\r\n"
                             "1,energy,energy,M1,20500,1500,5000,5000,9000,1200\r\n"
                             "2,energy,energy,M4,19345,,,,,1022\r\n"
                             "3,charge,Property fee,,0,,,,,28472\r\n"
                             "4,charge,Service fee,,0,,,,,1500\r\n"
                             "5,arrears,arrears,,0,,,,,40\r\n"
                             "total,draft,2026-11-01..2026-11-30,A1,39845,1500,5000,5000,9000,32234\r\n");
    assert_int_equal(count("SELECT amount * 1000000 + charges * 10 + arrears FROM bill WHERE id = 2"),
                     2222LL * 1000000 + 29972 * 10 + 40);
    assert_int_equal(count("SELECT total - (SELECT sum(amount) FROM bill_line WHERE bill = 2) FROM bill WHERE id = 2"),
                     0);
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A2'"), -1500);
    assert_int_equal(count("SELECT balance_after FROM charge_applied WHERE account = 'A2'"), -1500);
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'charge.deduct' AND target = 'A2'"), 1);
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'charge.bill' AND target = 'A1'"), 2);
    /* the lines stay as drafted: a day billed again later does not change the bill */
    exec("UPDATE bill_day SET money = money + 999 WHERE meter = 'M4'");
    ok(NULL, 0, "bill show 2 --csv");
    assert_non_null(strstr(OUT, "2,energy,energy,M4,19345,,,,,1022\r\n"));
}

static void states_in_order_and_signed(void **state)
{
    (void)state;
    says(NULL, 1, "account payment A1 postpaid --reason x", "needs an operator allowed accounts");
    says("BACKOFFICE_PIN=1357", 1, "account payment A1 postpaid --operator bob --reason x",
         "it needs the permission accounts");
    says("BACKOFFICE_PIN=9999", 1, "account payment A1 postpaid --operator alice --reason x", "wrong PIN");
    says(NULL, 1, "bill draft --account A1 --period 2026-11", "A1 is prepaid");
    assert_int_equal(count("SELECT count(*) FROM account WHERE id = 'A1' AND payment = 'prepaid'"), 1);
    ok(ALICE, 0, "account payment A1 postpaid --operator alice --reason 'post-paid contract'");
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'account.payment' AND target = 'A1' "
                           "AND reason = 'post-paid contract'"),
                     1);
    ok(NULL, 0, "bill draft --account A1 --period 2026-11");
    says(NULL, 1, "bill issue 1", "bill 1 is draft: it cannot issue now");
    says(NULL, 1, "bill pay 1 --amount 5 --method bank --ref B-1", "only an issued bill is paid");
    says(NULL, 1, "bill confirm 1", "needs an operator allowed accounts");
    says("BACKOFFICE_PIN=1357", 1, "bill confirm 1 --operator bob", "needs the permission accounts");
    ok(ALICE, 0, "bill confirm 1 --operator alice");
    says(ALICE, 1, "bill confirm 1 --operator alice", "bill 1 is confirmed: it cannot confirm now");
    ok(ALICE, 2, "bill void 1 --operator alice");
    says("BACKOFFICE_PIN=1357", 1, "bill void 1 --operator bob --reason wrong", "needs the permission accounts");
    ok(NULL, 0, "bill issue 1");
    says(NULL, 1, "bill draft --account A1 --period 2026-11", "void it to draft again");
    ok(ALICE, 0, "bill void 1 --operator alice --reason 'meter M4 misread'");
    says(ALICE, 1, "bill void 1 --operator alice --reason again", "bill 1 is void");
    /* a new bill (its number: the next free one, which a refused draft may
     * have used up on PostgreSQL) */
    says(NULL, 0, "bill draft --account A1 --period 2026-11", "drafted for A1, 2026-11-01 to 2026-11-30");
    assert_int_equal(count("SELECT count(*) FROM bill WHERE id <> 1 AND state = 'draft'"), 1);
    assert_int_equal(count("SELECT count(*) FROM bill WHERE state = 'void' AND void_reason = 'meter M4 misread'"), 1);
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action IN ('bill.confirm', 'bill.issue', 'bill.void', "
                           "'bill.draft')"),
                     5);
    assert_int_equal(count("SELECT count(*) FROM bill WHERE confirmed_by = 'alice'"), 1);
}

static void payments_oldest_first(void **state)
{
    (void)state;
    first_bill_partly_paid();
    ok(NULL, 0, "bill draft --account A1 --from 2026-11-01 --to 2026-11-02");
    ok(ALICE, 0, "bill confirm 2 --operator alice");
    ok(NULL, 0, "bill issue 2");
    /* 100 on bill 2: 40 closes bill 1 (the oldest), 60 goes to bill 2 */
    ok(NULL, 0, "bill pay 2 --amount 100 --method bank --ref B-7");
    assert_int_equal(count("SELECT paid FROM bill WHERE id = 1 AND state = 'paid'"), 60);
    assert_int_equal(count("SELECT paid FROM bill WHERE id = 2 AND state = 'issued'"), 60);
    assert_int_equal(count("SELECT count(*) FROM bill_payment_part WHERE payment = 2"), 2);
    says(NULL, 1, "bill pay 2 --amount 5 --method bank --ref B-7", "was recorded already");
    says(NULL, 1, "bill pay 2 --amount 2163 --method bank --ref B-8", "more than the account's issued bills ask (2162)");
    ok(NULL, 0, "bill arrears --csv");
    assert_string_equal(OUT, "account,site,currency,bills,oldest,billed,paid,owed\r\n"
                             "A1,S1,CNY,1,2026-11-01,2222,60,2162\r\n");
    ok(NULL, 0, "bill pay 2 --amount 2162 --method counter --ref R-9");
    assert_int_equal(count("SELECT count(*) FROM bill WHERE state = 'paid'"), 2);
    ok(NULL, 0, "bill list --account A1 --csv");
    assert_non_null(strstr(OUT, "2,A1,S1,2026-11-01,2026-11-02,paid,CNY,39845,2222,0,40,2262,2222,0\r\n"));
}

static void charge_applied_twice_counts_once(void **state)
{
    (void)state;
    ok(ALICE, 0, "account payment A1 postpaid --operator alice --reason x");
    ok(NULL, 0, "account area A1 85.50");
    site_charges();
    ok(NULL, 0, "charge apply --site S1 --period 2026-11");
    says(NULL, 0, "charge apply --site S1 --period 2026-11", "applied 0 charges (0 deducted, 0 billed) for 0; 3 applied before");
    assert_int_equal(count("SELECT count(*) FROM charge_applied"), 3);
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A2'"), -1500);
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action LIKE 'charge.%' AND action <> 'charge.add'"), 3);
    /* a void bill gives its charges back to the next draft, once */
    ok(NULL, 0, "bill draft --account A1 --period 2026-11");
    ok(ALICE, 0, "bill void 1 --operator alice --reason redo");
    ok(NULL, 0, "bill draft --account A1 --period 2026-11");
    assert_int_equal(count("SELECT charges FROM bill WHERE id = 2"), 28472 + 1500);
    ok(NULL, 0, "charge apply --site S1 --period 2026-12");
    assert_int_equal(count("SELECT count(*) FROM charge_applied"), 6);
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A2'"), -3000);
}

static void apportion_by_area_to_the_fen(void **state)
{
    (void)state;
    ok(NULL, 0, "account area A3 10.00");
    ok(NULL, 0, "account area A4 20.00");
    ok(NULL, 0, "account area A5 30.00");
    ok(ALICE, 0, "account payment A4 postpaid --operator alice --reason x");
    ok(NULL, 0, "apportion group add G1 --site S2 --master MM --subs SA,SB,SC --common residual --split area "
                "--price 100");
    /* 160010 - 60000 = 100010 Wh at 1.00 a kWh: 100.01, split 1:2:3 by area (1666.83, 3333.67, 5000.50) */
    says(NULL, 0, "apportion run --group G1 --period 2026-11",
         "master 160010, sub-meters 60000, common 100010: 10001 shared between 3 accounts");
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A3'"), -1667);
    assert_int_equal(count("SELECT amount FROM charge_applied WHERE account = 'A4' AND mode = 'billed'"), 3334);
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A5'"), -5000);
    assert_int_equal(count("SELECT sum(amount) FROM charge_applied WHERE item = 'apportion:G1'"), 10001);
    says(NULL, 0, "apportion run --group G1 --period 2026-11", "ran for 2026-11 before: nothing done");
    assert_int_equal(count("SELECT sum(amount) FROM charge_applied WHERE item = 'apportion:G1'"), 10001);
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A3'"), -1667);
    ok(NULL, 0, "apportion group show G1 --csv");
    assert_non_null(strstr(OUT, "run,2026-11,\"master 160010, subs 60000\",100010,10001,\r\n"));
}

static void master_below_subs_warns(void **state)
{
    (void)state;
    ok(NULL, 0, "apportion group add G2 --site S2 --master MM2 --subs SD:3 --common residual --split ratio --price 100");
    says(NULL, 0, "apportion run --group G2 --period 2026-11", "master MM2 used 5000, less than its sub-meters' 10000");
    assert_non_null(strstr(OUT, "common 0: 0 shared between 0 accounts"));
    assert_int_equal(count("SELECT common + amount FROM apportion_run WHERE grp = 'G2' AND warning <> ''"), 0);
    assert_int_equal(count("SELECT count(*) FROM charge_applied WHERE item = 'apportion:G2'"), 0);
    assert_int_equal(count("SELECT count(*) FROM alert WHERE kind = 'apportion_negative' AND meter = 'MM2'"), 1);
    says(NULL, 2, "apportion group add G3 --site S2 --master MM2 --subs SD --common both --split ratio --price 1",
         "--common residual|master");
    says(NULL, 1, "apportion group add G3 --site S1 --master MM2 --subs SD --common master --split ratio --price 1",
         "not registered on site S1");
}

#define CLOSE_A1 "account close A1 --final-reading M1=130000 --final-reading M4=70000 --refund --reason moving"

/* Closing an account that owes (docs/accounts.md): A2 (prepaid) at -15.00
 * after its service fee is refused, settled by a payment, then closed;
 * A1 (post-paid) with 0.40 left on bill 1 and a balance of -2.50 is
 * refused, takes 0.30 (on the bill first), is refused a write-off signed
 * by an operator without `accounts`, then closes with the rest (2.60)
 * written off by alice: recorded per bill, audited, the bill still issued. */
static void closing_an_account_that_owes(void **state)
{
    (void)state;
    first_bill_partly_paid();
    site_charges();
    ok(NULL, 0, "charge apply --site S1 --period 2026-11");
    says(NULL, 1, "account close A2 --final-reading M2=5000 --refund --reason moving",
         "account A2 owes 1500 (minor units): a negative balance of 1500. Take the payment first "
         "(`backoffice account settle A2 --amount 1500 --method counter|bank --ref R`), or write the debt off");
    assert_int_equal(count("SELECT count(*) FROM account_meter WHERE account = 'A2' AND unbound_at IS NULL"), 1);
    assert_int_equal(count("SELECT count(*) FROM account WHERE id = 'A2' AND state = 'open'"), 1);
    says(NULL, 1, "account settle A2 --amount 2000 --method counter --ref S-1", "more than account A2 owes (1500)");
    says(NULL, 0, "account settle A2 --amount 1500 --method counter --ref S-1", "it owes 0 now");
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A2'"), 0);
    assert_int_equal(count("SELECT count(*) FROM bill_payment WHERE account = 'A2' AND ref = 'S-1' AND amount = 1500"),
                     1);
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'account.settle' AND target = 'A2'"), 1);
    says(NULL, 0, "account close A2 --final-reading M2=5000 --refund --reason moving", "balance 0");
    /* A1: bill 1 asks 40, and a balance of -250 */
    exec("UPDATE account SET balance = -250 WHERE id = 'A1'");
    says(NULL, 1, CLOSE_A1, "account A1 owes 290 (minor units): a negative balance of 250 and 40 on 1 unpaid bill "
                            "(the oldest 1)");
    says(NULL, 0, "account settle A1 --amount 30 --method bank --ref B-7", "it owes 260 now");
    assert_int_equal(count("SELECT paid FROM bill WHERE id = 1"), 50);
    assert_int_equal(count("SELECT balance FROM account WHERE id = 'A1'"), -250);
    says("BACKOFFICE_PIN=1357", 1, CLOSE_A1 " --write-off --operator bob", "needs the permission accounts");
    says(ALICE, 2, CLOSE_A1 " --write-off", "usage");
    assert_int_equal(count("SELECT count(*) FROM writeoff"), 0);
    assert_int_equal(count("SELECT count(*) FROM account WHERE id = 'A1' AND state = 'open'"), 1);
    says(ALICE, 0, CLOSE_A1 " --write-off --operator alice", "account A1 closed; balance 0");
    assert_int_equal(count("SELECT count(*) FROM writeoff WHERE account = 'A1' AND balance = 250 AND bills = 10 AND "
                           "operator = 'alice' AND reason = 'moving'"),
                     1);
    assert_int_equal(count("SELECT count(*) FROM writeoff_bill WHERE bill = 1 AND amount = 10"), 1);
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'account.write_off' AND target = 'A1' AND "
                           "detail LIKE '%260, a negative balance of 250 and 10 on 1 unpaid bill%operator alice'"),
                     1);
    assert_int_equal(count("SELECT count(*) FROM bill WHERE id = 1 AND state = 'issued'"), 1);
    assert_int_equal(count("SELECT count(*) FROM account WHERE id = 'A1' AND state = 'closed' AND settled = 0"), 1);
    ok(NULL, 0, "bill arrears --site S1 --csv"); /* what was written off is owed no more */
    if (strstr(OUT, "A1,"))
        fprintf(stderr, "bill arrears still lists A1:\n%s\n", OUT);
    assert_null(strstr(OUT, "A1,"));
}

/* The admin API's read-only views of a bill drafted on the command line. */
static void http_bills(void **state)
{
    (void)state;
    boh_t h;
    char out[4096];
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    assert_true(boh_sql(&h,
                                  "INSERT INTO account(id, customer, opened_at, payment) VALUES ('A9', 'C0', 0, "
                                  "'postpaid'); INSERT INTO account_meter(account, meter, bound_at) VALUES ('A9', "
                                  "'000012345678', 0); INSERT INTO bill_day(meter, day, site, tariff, currency, method, "
                                  "complete, energy, money, days_left_7, days_left_30, billed_at) VALUES "
                                  "('000012345678', '2026-11-05', 'S1', 'single', 'CNY', 'frozen', 1, 4000, 211, -1, "
                                  "-1, 0)"));
    assert_int_equal(boh_cli(&h, out, sizeof out, "bill draft --account A9 --period 2026-11"), 0);
    /* issued by hand here: the states are the command line's tests above */
    assert_true(boh_sql(&h, "UPDATE bill SET state = 'issued'"));
    boh_resp_t r = boh_call(&h, NULL, "GET", "/v1/admin/bills?account=A9", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"total\":211"));
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/bills/1?format=csv", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "1,energy,energy,000012345678,4000,,,,,211\r\n"));
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/arrears?site=S1&format=csv", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "A9,S1,CNY,1,2026-11-01,211,0,211\r\n"));
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/bills/7", NULL, NULL);
    assert_int_equal(r.status, 404);
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/bills?account=A9&site=S1", NULL, NULL);
    assert_int_equal(r.status, 400);
    boh_free(&r);
    boh_teardown(&h);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_by_largest_remainder),
        cmocka_unit_test_setup_teardown(bill_to_the_fen, setup, teardown),
        cmocka_unit_test_setup_teardown(states_in_order_and_signed, setup, teardown),
        cmocka_unit_test_setup_teardown(payments_oldest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(charge_applied_twice_counts_once, setup, teardown),
        cmocka_unit_test_setup_teardown(apportion_by_area_to_the_fen, setup, teardown),
        cmocka_unit_test_setup_teardown(master_below_subs_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(closing_an_account_that_owes, setup, teardown),
        cmocka_unit_test(http_bills),
    };
    return ktest_run("bo_postpaid", tests, sizeof tests / sizeof tests[0], argc, argv);
}
