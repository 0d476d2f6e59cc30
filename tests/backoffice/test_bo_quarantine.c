/* Rows too implausible to apply are held in quarantine (docs/sync.md,
 * "Quarantine"): a sale above the kiosk's max_purchase, a time beyond the
 * clock skew allowed, a purchase count jump, an absurd register. The kiosk
 * is answered accepted with a reason (so it does not resend forever),
 * staff are alerted, list the rows and release (apply) or discard them,
 * audited. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <time.h>

#include "bo_harness.h"
#include "ktest.h"

#define METER "000012345678"

static void setup(boh_t *h, const char *ini)
{
    assert_true(boh_setup(h, false, ini));
    assert_true(boh_meter(h, METER, "S1"));
}

/* Posts body as K1's upload; the answer's first result's status and
 * reason. */
static void upload(boh_t *h, const char *body, char status[16], char why[512], char *answer, size_t len)
{
    boh_resp_t r = boh_call(h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "results"), 0);
    const cJSON *w = cJSON_GetObjectItem(res, "reason");
    snprintf(status, 16, "%s", cJSON_GetObjectItem(res, "status")->valuestring);
    snprintf(why, 512, "%s", cJSON_IsString(w) ? w->valuestring : "");
    if (answer)
        snprintf(answer, len, "%s", r.body);
    cJSON_Delete(o);
    boh_free(&r);
}

/* A batch of one delivered sale of amount with count, as seq. */
static void sale_batch(char *buf, size_t len, int seq, unsigned n, long long amount, const char *count)
{
    char id[37], row[2048];
    boh_uuid(id, n);
    boh_txn_t t = {seq, 5, amount, id, "delivered", METER, "cash", "2026-11-21", count};
    boh_txn_row(row, sizeof row, &t);
    snprintf(buf, len, "{\"rows\":[%s]}", row);
}

static void reading_batch(char *buf, size_t len, int seq, const char *at, long long energy, long long count)
{
    snprintf(buf, len,
             "{\"rows\":[{\"seq\":%d,\"topic\":\"reading\",\"payload\":{\"meter\":\"" METER "\",\"at\":\"%s\","
             "\"energy\":%lld,\"balance\":500,\"purchase_count\":%lld,\"relay_open\":0,\"flags\":0}}]}",
             seq, at, energy, count);
}

#define HELD "SELECT count(*) FROM quarantine WHERE state = 'held'"
#define STAFF_ALERTS "SELECT count(*) FROM alert WHERE kiosk = 'backoffice' AND kind = 'quarantine'"

/* The attack: a `delivered` sale of 10^12 minor units. Held, not applied;
 * the kiosk is answered accepted (the same answer on a replay), a copy
 * under another seq is a duplicate; staff release it and it is applied. */
static void quarantine_sale_of_10e12_held_then_released(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, NULL);
    char body[2400], again[2400], status[16], why[512], first[1024], second[1024];
    sale_batch(body, sizeof body, 1, 1, 1000000000000LL, "7");
    upload(&h, body, status, why, first, sizeof first);
    assert_string_equal(status, "accepted");
    assert_non_null(strstr(why, "held for review (quarantine #1): amount_above_limit"));
    assert_non_null(strstr(why, "max_purchase 100000"));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM sale"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM meter_count"), 0);
    assert_int_equal(boh_count(&h, HELD " AND kiosk = 'K1' AND seq = 1 AND topic = 'txn' AND meter = '" METER "' "
                                   "AND rule = 'amount_above_limit' AND payload LIKE '%1000000000000%'"),
                     1);
    assert_int_equal(boh_count(&h, STAFF_ALERTS " AND evidence LIKE '%quarantine #1%'"), 1);
    upload(&h, body, status, why, second, sizeof second);
    assert_string_equal(first, second);
    sale_batch(again, sizeof again, 2, 1, 1000000000000LL, "7");
    upload(&h, again, status, why, NULL, 0);
    assert_string_equal(status, "duplicate");
    assert_non_null(strstr(why, "held for review already (quarantine #1)"));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM quarantine"), 1);
    assert_int_equal(boh_count(&h, STAFF_ALERTS), 1);
    char out[2048];
    assert_int_equal(boh_cli(&h, out, sizeof out, "quarantine list --csv"), 0);
    assert_non_null(strstr(out, "1,K1,1,txn," METER ",amount_above_limit,"));
    assert_int_equal(boh_cli(&h, NULL, 0, "quarantine release 1"), 2); /* a reason is needed */
    assert_int_equal(boh_cli(&h, out, sizeof out, "quarantine release 1 --reason 'bulk prepayment, checked'"), 0);
    assert_non_null(strstr(out, "applied: accepted"));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM sale WHERE amount = 1000000000000 AND kiosk = 'K1'"), 1);
    assert_int_equal(boh_count(&h, "SELECT highest FROM meter_count WHERE meter = '" METER "'"), 7);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM audit WHERE kiosk = 'backoffice' AND action = "
                                   "'quarantine.release' AND target = 'quarantine #1' AND reason = 'bulk prepayment, "
                                   "checked'"),
                     1);
    assert_int_equal(boh_count(&h, HELD), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "quarantine release 1 --reason twice"), 1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM sale"), 1);
    boh_teardown(&h);
}

/* The attack: a reading dated 2099. Held; staff discard it (audited) and
 * nothing is applied. */
static void quarantine_reading_from_2099_held_then_discarded(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, NULL);
    char body[1024], status[16], why[512];
    reading_batch(body, sizeof body, 1, "2099-01-01T00:00:00.000Z", 1200, 3);
    upload(&h, body, status, why, NULL, 0);
    assert_string_equal(status, "accepted");
    assert_non_null(strstr(why, "time_in_future"));
    assert_non_null(strstr(why, "clock_skew_seconds = 3600"));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM reading"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "quarantine discard 1 --reason 'kiosk clock was wrong'"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM quarantine WHERE state = 'discarded' AND note = "
                                   "'kiosk clock was wrong'"),
                     1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM audit WHERE action = 'quarantine.discard'"), 1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM reading"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "quarantine discard 1 --reason twice"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "quarantine discard 9 --reason none"), 1);
    /* within the skew allowed, a reading is stored */
    reading_batch(body, sizeof body, 2, "2026-11-21T00:00:00.000Z", 1200, 3);
    upload(&h, body, status, why, NULL, 0);
    assert_string_equal(status, "accepted");
    assert_string_equal(why, "");
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM reading"), 1);
    boh_teardown(&h);
}

/* The attack: a purchase count pushed to 5,000,001 by an upload (a sale or
 * a reading). Held: the highest count does not move. An absurd register
 * is held too. */
static void quarantine_count_jump_and_absurd_register_held(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, NULL);
    char body[2400], status[16], why[512];
    reading_batch(body, sizeof body, 1, "2026-11-21T00:00:00.000Z", 1200, 10);
    upload(&h, body, status, why, NULL, 0);
    assert_string_equal(why, "");
    reading_batch(body, sizeof body, 2, "2026-11-21T01:00:00.000Z", 1300, 5000001);
    upload(&h, body, status, why, NULL, 0);
    assert_non_null(strstr(why, "count_jump: purchase count 5000001 of meter " METER));
    sale_batch(body, sizeof body, 3, 1, 5000, "5000001");
    upload(&h, body, status, why, NULL, 0);
    assert_non_null(strstr(why, "held for review (quarantine #2): count_jump"));
    assert_int_equal(boh_count(&h, "SELECT highest FROM meter_count WHERE meter = '" METER "'"), 10);
    reading_batch(body, sizeof body, 4, "2026-11-21T02:00:00.000Z", 99000000000000LL, 11);
    upload(&h, body, status, why, NULL, 0);
    assert_non_null(strstr(why, "register_absurd"));
    assert_int_equal(boh_count(&h, HELD), 3);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM reading"), 1);
    assert_int_equal(boh_count(&h, STAFF_ALERTS), 3);
    boh_teardown(&h);
}

/* Each rule is a setting: the kiosk's max_purchase (its settings
 * document), [quarantine] count_jump and clock_skew_seconds. */
static void quarantine_rules_follow_the_settings(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, "[quarantine]\ncount_jump = 5\nclock_skew_seconds = 0\n");
    char body[2400], status[16], why[512];
    sale_batch(body, sizeof body, 1, 1, 200000, "1");
    upload(&h, body, status, why, NULL, 0);
    assert_non_null(strstr(why, "amount_above_limit"));
    assert_int_equal(boh_cli(&h, NULL, 0, "settings set K1 max_purchase 300000"), 0);
    sale_batch(body, sizeof body, 2, 2, 200000, "2");
    upload(&h, body, status, why, NULL, 0);
    assert_string_equal(why, "");
    sale_batch(body, sizeof body, 3, 3, 5000, "8");
    upload(&h, body, status, why, NULL, 0);
    assert_non_null(strstr(why, "count_jump"));
    char soon[32]; /* two minutes ahead: beyond a skew of 0, within the default hour */
    time_t t = time(NULL) + 120;
    strftime(soon, sizeof soon, "%Y-%m-%dT%H:%M:%S.000Z", gmtime(&t));
    reading_batch(body, sizeof body, 4, soon, 1200, 2);
    upload(&h, body, status, why, NULL, 0);
    assert_non_null(strstr(why, "time_in_future"));
    assert_int_equal(boh_count(&h, HELD), 3);
    /* the staff's API lists the held rows and the alerts */
    boh_resp_t r = boh_call(&h, NULL, "GET", "/v1/admin/reports/quarantine", NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "rows")), 3);
    cJSON_Delete(o);
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/reports/alerts?format=csv", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "quarantine #3"));
    boh_free(&r);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(quarantine_sale_of_10e12_held_then_released),
    cmocka_unit_test(quarantine_reading_from_2099_held_then_discarded),
    cmocka_unit_test(quarantine_count_jump_and_absurd_register_held),
    cmocka_unit_test(quarantine_rules_follow_the_settings),
};

KTEST_MAIN(tests)
