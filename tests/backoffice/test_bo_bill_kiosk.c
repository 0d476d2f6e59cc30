/* A post-paid account's bills paid at a kiosk (docs/billing.md, "At the
 * kiosk"; docs/sync.md, "Bill payments"), through `backoffice serve` over
 * mutual TLS: what the account owes for a kiosk in scope (oldest first,
 * refused for a kiosk of another site, an unknown account, another
 * kiosk's path); a `bill_payment` row uploaded on the bills oldest first,
 * once by its reference (a replay, the same payment under another seq),
 * an overpayment recorded with its excess on no bill and an alert for
 * staff, a payment out of scope or malformed rejected. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "bo_harness.h"
#include "ktest.h"

#define M1 "000012345678" /* on S1, K1's site: account A1's */
#define M3 "000012345670" /* on S2, K2's site: account A3's */

static boh_t H;

static void sql(const char *text)
{
    assert_true(boh_sql(&H, text));
}

/* A1 (post-paid, M1): bill 1 of September (own 3000, 1000 paid), bill 2
 * of October (own 5000, the 2000 of bill 1 as arrears), bill 3 a draft;
 * A3 (M3, on S2). */
static int setup(void **state)
{
    (void)state;
    assert_true(boh_setup(&H, true, NULL));
    assert_true(boh_meter(&H, M1, "S1"));
    assert_true(boh_meter(&H, M3, "S2"));
    const char *cols = "INSERT INTO bill(id, account, site, period_from, period_to, currency, energy, sharp, peak, "
                       "flat, valley, amount, charges, own, arrears, total, paid, state, drafted_at) VALUES ";
    char text[2048];
    snprintf(text, sizeof text,
             "INSERT INTO account(id, customer, opened_at, payment) VALUES ('A1', 'C0', 0, 'postpaid'),"
             "('A3', 'C0', 0, 'postpaid');"
             "INSERT INTO account_meter(account, meter, bound_at) VALUES ('A1', '" M1 "', 0), ('A3', '" M3 "', 0);"
             "%s (1, 'A1', 'S1', '2026-09-01', '2026-09-30', 'CNY', 0, 0, 0, 0, 0, 3000, 0, 3000, 0, 3000, 1000, "
             "'issued', 0), (2, 'A1', 'S1', '2026-10-01', '2026-10-31', 'CNY', 0, 0, 0, 0, 0, 5000, 0, 5000, 2000, "
             "7000, 0, 'issued', 0), (3, 'A1', 'S1', '2026-11-01', '2026-11-30', 'CNY', 0, 0, 0, 0, 0, 900, 0, 900, "
             "7000, 7900, 0, 'draft', 0);",
             cols);
    sql(text);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    boh_teardown(&H);
    return 0;
}

/* GET .../accounts/ACCOUNT/due as kiosk cert on kiosk's path: the status,
 * the body parsed (the caller frees it). */
static long due(const char *cert, const char *kiosk, const char *account, cJSON **body)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/kiosks/%s/accounts/%s/due", kiosk, account);
    boh_resp_t r = boh_call(&H, cert, "GET", path, NULL, NULL);
    long st = r.status;
    *body = cJSON_Parse(r.body);
    boh_free(&r);
    return st;
}

static long long num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    assert_true(cJSON_IsNumber(v));
    return (long long)v->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A1's owed as K1 sees it (the bills' count in n). */
static long long owed(int *n)
{
    cJSON *b;
    assert_int_equal(due("K1", "K1", "A1", &b), 200);
    long long o = num(b, "owed");
    *n = cJSON_GetArraySize(cJSON_GetObjectItem(b, "bills"));
    cJSON_Delete(b);
    return o;
}

static void due_lists_issued_bills_oldest_first(void **state)
{
    (void)state;
    cJSON *b;
    assert_int_equal(due("K1", "K1", "A1", &b), 200);
    assert_string_equal(str(b, "account"), "A1");
    assert_string_equal(str(b, "payment"), "postpaid");
    assert_string_equal(str(b, "currency"), "CNY");
    assert_int_equal(num(b, "owed"), 7000);
    const cJSON *bills = cJSON_GetObjectItem(b, "bills");
    assert_int_equal(cJSON_GetArraySize(bills), 2); /* the draft is not shown */
    const cJSON *b1 = cJSON_GetArrayItem(bills, 0), *b2 = cJSON_GetArrayItem(bills, 1);
    assert_int_equal(num(b1, "bill"), 1);
    assert_string_equal(str(b1, "from"), "2026-09-01");
    assert_string_equal(str(b1, "to"), "2026-09-30");
    assert_int_equal(num(b1, "total"), 3000);
    assert_int_equal(num(b1, "paid"), 1000);
    assert_int_equal(num(b1, "due"), 2000);
    assert_int_equal(num(b2, "bill"), 2);
    assert_int_equal(num(b2, "total"), 7000);
    assert_int_equal(num(b2, "due"), 5000);
    cJSON_Delete(b);
}

static void due_refused_out_of_scope_unknown_or_not_the_kiosks(void **state)
{
    (void)state;
    cJSON *b;
    assert_int_equal(due("K2", "K2", "A1", &b), 403);
    assert_string_equal(str(cJSON_GetObjectItem(b, "error"), "code"), "account_out_of_scope");
    assert_non_null(strstr(str(cJSON_GetObjectItem(b, "error"), "message"), "site grant"));
    cJSON_Delete(b);
    assert_int_equal(due("K1", "K1", "NOPE", &b), 404);
    assert_string_equal(str(cJSON_GetObjectItem(b, "error"), "code"), "account_unknown");
    cJSON_Delete(b);
    assert_int_equal(due("K2", "K1", "A1", &b), 403); /* K2's certificate on K1's path */
    cJSON_Delete(b);
    assert_int_equal(due("rogue", "K1", "A1", &b), 401); /* a K1 certificate from another CA */
    assert_non_null(strstr(str(cJSON_GetObjectItem(b, "error"), "message"), "not signed by the kiosks' CA"));
    cJSON_Delete(b);
    assert_int_equal(due("K2", "K2", "A3", &b), 200);
    cJSON_Delete(b);
}

/* Uploads rows as kiosk; the answer's results (the caller frees them). */
static cJSON *upload(const char *kiosk, const char *rows)
{
    char body[4096], path[64];
    snprintf(body, sizeof body, "{\"rows\":[%s]}", rows);
    snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", kiosk);
    boh_resp_t r = boh_call(&H, kiosk, "POST", path, body, NULL);
    if (r.status != 200)
        fprintf(stderr, "upload -> %ld: %s\n", r.status, r.body);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    boh_free(&r);
    return o;
}

/* One row's status (reason into why). */
static const char *one(const char *kiosk, const char *row, char why[400])
{
    static char status[16];
    cJSON *o = upload(kiosk, row);
    const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "results"), 0);
    snprintf(status, sizeof status, "%s", str(res, "status"));
    snprintf(why, 400, "%s", str(res, "reason"));
    cJSON_Delete(o);
    return status;
}

static void pay_row(char *buf, size_t len, int seq, const char *account, long long amount, const char *ref,
                    const char *method)
{
    snprintf(buf, len,
             "{\"seq\":%d,\"topic\":\"bill_payment\",\"payload\":{\"txn_id\":\"%s\",\"account\":\"%s\","
             "\"amount\":%lld,\"currency\":\"CNY\",\"method\":\"%s\",\"ref\":\"%s\"}}",
             seq, ref, account, amount, method, ref);
}

#define T1 "6f1c2a4e-3b1d-4c8a-9e2f-0a1b2c3d4e51"
#define T2 "6f1c2a4e-3b1d-4c8a-9e2f-0a1b2c3d4e52"
#define T3 "6f1c2a4e-3b1d-4c8a-9e2f-0a1b2c3d4e53"

static void kiosk_payment_oldest_first_once(void **state)
{
    (void)state;
    char row[600], why[400];
    int n;
    pay_row(row, sizeof row, 1, "A1", 2500, T1, "kiosk");
    assert_string_equal(one("K1", row, why), "accepted");
    assert_string_equal(why, "");
    /* bill 1 takes its 2000 and is paid; bill 2 the 500 left */
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM bill WHERE id = 1 AND state = 'paid' AND paid = 3000"), 1);
    assert_int_equal(boh_count(&H, "SELECT paid FROM bill WHERE id = 2"), 500);
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM bill_payment WHERE method = 'kiosk' AND ref = '" T1
                                   "' AND account = 'A1' AND amount = 2500 AND actor = 'kiosk:K1'"),
                     1);
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM audit WHERE action = 'bill.pay' AND actor = 'kiosk:K1' "
                                   "AND target = 'A1' AND detail LIKE '%unapplied 0'"),
                     1);
    assert_int_equal(owed(&n), 4500);
    assert_int_equal(n, 1);
    /* the same batch again (a lost answer): the first answer, nothing paid twice */
    assert_string_equal(one("K1", row, why), "accepted");
    /* the same payment under another seq: a duplicate */
    pay_row(row, sizeof row, 2, "A1", 2500, T1, "kiosk");
    assert_string_equal(one("K1", row, why), "duplicate");
    assert_non_null(strstr(why, "received before"));
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM bill_payment"), 1);
    assert_int_equal(boh_count(&H, "SELECT sum(paid) FROM bill"), 3500);
    assert_int_equal(owed(&n), 4500);
}

static void overpayment_recorded_and_parked_for_staff(void **state)
{
    (void)state;
    char row[600], why[400];
    int n;
    pay_row(row, sizeof row, 1, "A1", 8500, T2, "kiosk"); /* the bills ask 7000 */
    assert_string_equal(one("K1", row, why), "accepted");
    assert_non_null(strstr(why, "1500 more than the bills ask, held for staff"));
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM bill WHERE state = 'paid' AND paid = own"), 2);
    assert_int_equal(boh_count(&H, "SELECT sum(p.amount) FROM bill_payment_part p JOIN bill_payment b ON "
                                   "b.id = p.payment WHERE b.ref = '" T2 "' AND b.amount = 8500"),
                     7000);
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM alert WHERE kind = 'bill_overpaid' AND evidence LIKE "
                                   "'%1500 is on no bill%'"),
                     1);
    assert_int_equal(owed(&n), 0);
    assert_int_equal(n, 0);
    /* every bill paid: a payment now is all parked */
    pay_row(row, sizeof row, 2, "A1", 100, T3, "kiosk");
    assert_string_equal(one("K1", row, why), "accepted");
    assert_non_null(strstr(why, "100 more than the bills ask"));
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM alert WHERE kind = 'bill_overpaid'"), 2);
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM bill_payment_part p JOIN bill_payment b ON "
                                   "b.id = p.payment WHERE b.ref = '" T3 "'"),
                     0);
}

static void payment_out_of_scope_or_malformed_rejected(void **state)
{
    (void)state;
    char row[600], why[400];
    pay_row(row, sizeof row, 1, "A1", 100, "6f1c2a4e-3b1d-4c8a-9e2f-0a1b2c3d4e60", "kiosk");
    assert_string_equal(one("K2", row, why), "rejected");
    assert_non_null(strstr(why, "out_of_scope: account A1"));
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM alert WHERE kind = 'out_of_scope' AND evidence LIKE "
                                   "'%bill payment%'"),
                     1);
    pay_row(row, sizeof row, 5, "A1", 100, "6f1c2a4e-3b1d-4c8a-9e2f-0a1b2c3d4e61", "cash");
    assert_string_equal(one("K1", row, why), "rejected");
    assert_non_null(strstr(why, "is kiosk"));
    pay_row(row, sizeof row, 6, "NOPE", 100, "6f1c2a4e-3b1d-4c8a-9e2f-0a1b2c3d4e62", "kiosk");
    assert_string_equal(one("K1", row, why), "rejected");
    assert_non_null(strstr(why, "not known"));
    assert_int_equal(boh_count(&H, "SELECT count(*) FROM bill_payment WHERE ref LIKE '%e6_'"), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(due_lists_issued_bills_oldest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(due_refused_out_of_scope_unknown_or_not_the_kiosks, setup, teardown),
        cmocka_unit_test_setup_teardown(kiosk_payment_oldest_first_once, setup, teardown),
        cmocka_unit_test_setup_teardown(overpayment_recorded_and_parked_for_staff, setup, teardown),
        cmocka_unit_test_setup_teardown(payment_out_of_scope_or_malformed_rejected, setup, teardown),
    };
    return ktest_run("bo_bill_kiosk", tests, sizeof tests / sizeof tests[0], argc, argv);
}
