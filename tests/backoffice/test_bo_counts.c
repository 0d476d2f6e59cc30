/* The purchase-count service: two kiosks selling to one meter at once
 * never hold the same count; a sale asking again keeps its count; a lease
 * ends with the sale's upload, a release, or its lifetime, and a sale
 * whose count went to another sale learns it when it renews; one kiosk
 * holds a bounded number of leases; an implausible `seen` is held. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "bo_harness.h"
#include "ktest.h"

#define METER "000012345678"

/* The back office with the meter on K1's site, granted to K2's too (a
 * neighbouring point), so that both kiosks sell to it. */
static void setup(boh_t *h, const char *ini)
{
    assert_true(boh_setup(h, false, ini));
    assert_true(boh_meter(h, METER, "S1"));
    assert_int_equal(boh_cli(h, NULL, 0, "site grant S2 --meter " METER " --reason 'neighbouring point'"), 0);
}

/* Asks counts/reserve for kiosk's sale n on meter (count > 0: renews that
 * count); returns the count given, or 0 with *status and the error code. */
static long ask(boh_t *h, const char *kiosk, const char *meter, unsigned n, long seen, long count, long *status,
                char code[32])
{
    char id[37], body[240], path[64];
    boh_uuid(id, n);
    int len = snprintf(body, sizeof body, "{\"meter\":\"%s\",\"txn\":\"%s\",\"seen\":%ld", meter, id, seen);
    snprintf(body + len, sizeof body - (size_t)len, count ? ",\"count\":%ld}" : "}", count);
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/reserve", kiosk);
    boh_resp_t r = boh_call(h, kiosk, "POST", path, body, NULL);
    *status = r.status;
    long given = 0;
    cJSON *j = cJSON_Parse(r.body);
    const cJSON *c = cJSON_GetObjectItem(j, "count"), *e = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "code");
    if (r.status == 200 && cJSON_IsNumber(c))
        given = (long)c->valuedouble;
    if (code)
        snprintf(code, 32, "%s", cJSON_IsString(e) ? e->valuestring : "");
    cJSON_Delete(j);
    boh_free(&r);
    return given;
}

/* Reserves for kiosk's sale n on METER; returns the count, or 0 with
 * *status set (a 409 then says meter_busy). */
static long reserve(boh_t *h, const char *kiosk, unsigned n, long seen, long *status)
{
    char code[32];
    long c = ask(h, kiosk, METER, n, seen, 0, status, code);
    if (*status == 409)
        assert_string_equal(code, "meter_busy");
    return c;
}

static void advance(boh_t *h, long ms)
{
    char body[64];
    snprintf(body, sizeof body, "{\"advance_ms\":%ld}", ms);
    boh_resp_t r = boh_call(h, NULL, "POST", "/v1/test/clock", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
}

static void release(boh_t *h, const char *kiosk, unsigned n, bool applied)
{
    char id[37], body[200], path[64];
    boh_uuid(id, n);
    snprintf(body, sizeof body, "{\"meter\":\"" METER "\",\"txn\":\"%s\",\"applied\":%s}", id,
             applied ? "true" : "false");
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/release", kiosk);
    boh_resp_t r = boh_call(h, kiosk, "POST", path, body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
}

#define SALES 25

typedef struct seller {
    boh_t *h;
    const char *kiosk;
    unsigned base;
    long counts[SALES];
    int busy;
} seller_t;

static void *sell(void *arg)
{
    seller_t *s = arg;
    struct timespec pause = {0, 2000000};
    for (int i = 0; i < SALES; i++) {
        long st = 0, c = 0;
        for (int tries = 0; tries < 2000 && c == 0; tries++) {
            c = reserve(s->h, s->kiosk, s->base + (unsigned)i, 0, &st);
            if (c == 0) {
                s->busy++;
                nanosleep(&pause, NULL);
            }
        }
        s->counts[i] = c;
        release(s->h, s->kiosk, s->base + (unsigned)i, true);
    }
    return NULL;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void counts_two_kiosks_never_share(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, NULL);
    seller_t a = {&h, "K1", 1000, {0}, 0}, b = {&h, "K2", 2000, {0}, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, sell, &a);
    pthread_create(&tb, NULL, sell, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    long all[2 * SALES];
    memcpy(all, a.counts, sizeof a.counts);
    memcpy(all + SALES, b.counts, sizeof b.counts);
    qsort(all, 2 * SALES, sizeof all[0], cmp_long);
    for (int i = 0; i < 2 * SALES; i++)
        assert_int_equal(all[i], i + 1); /* every count once, none skipped */
    assert_int_equal(boh_count(&h, "SELECT count(DISTINCT count) FROM count_grant"), 2 * SALES);
    assert_int_equal(boh_count(&h, "SELECT highest FROM meter_count WHERE meter = '" METER "'"), 2 * SALES);
    boh_teardown(&h);
}

/* A row of the kiosk's outbox for sale n, delivered with count. */
static void upload_delivered(boh_t *h, unsigned n, long count)
{
    char id[37], c[16];
    boh_uuid(id, n);
    snprintf(c, sizeof c, "%ld", count);
    boh_txn_t t = {1, 7, 5000, id, "delivered", METER, "cash", "2026-11-21", c};
    boh_resp_t r = boh_post_txn(h, "K1", &t);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "accepted"));
    boh_free(&r);
}

static void counts_same_sale_same_count(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, NULL);
    long st;
    long c = reserve(&h, "K1", 1, 4, &st);
    assert_int_equal(c, 5); /* the meter showed 4 */
    assert_int_equal(reserve(&h, "K1", 1, 4, &st), c);
    assert_int_equal(reserve(&h, "K2", 2, 4, &st), 0);
    assert_int_equal(st, 409);
    upload_delivered(&h, 1, c); /* the sale's upload ends its lease */
    assert_int_equal(reserve(&h, "K2", 2, 4, &st), c + 1);
    release(&h, "K2", 2, false); /* not applied: the count is free again */
    assert_int_equal(reserve(&h, "K2", 3, 0, &st), c + 1);
    release(&h, "K2", 3, true);
    /* a reading from the meter beyond what the service knew */
    assert_int_equal(reserve(&h, "K1", 4, 20, &st), 21);
    boh_teardown(&h);
}

/* A lease ends lease_seconds after it was granted or renewed: another
 * sale may then take the count, and the first sale, renewing before it
 * sends again, is told the count moved. Before its end only staff (or
 * proof the count is applied) free the meter. */
static void counts_lease_ends_after_its_lifetime(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, "[counts]\nlease_seconds = 5\n");
    long st;
    char code[32];
    assert_int_equal(reserve(&h, "K1", 1, 0, &st), 1);
    advance(&h, 4000);
    assert_int_equal(reserve(&h, "K2", 2, 0, &st), 0); /* not yet ended */
    assert_int_equal(st, 409);
    char out[512];
    assert_int_equal(boh_cli(&h, out, sizeof out, "count list --csv"), 0);
    assert_non_null(strstr(out, METER ",0,1,K1,"));
    advance(&h, 2000); /* 6 s after the grant: the lease has ended */
    assert_int_equal(reserve(&h, "K2", 2, 0, &st), 1);
    /* K1's sale, renewing its committed count 1 before resending it */
    assert_int_equal(ask(&h, "K1", METER, 1, 0, 1, &st, code), 0);
    assert_int_equal(st, 409);
    assert_string_equal(code, "count_moved");
    assert_int_equal(reserve(&h, "K1", 3, 0, &st), 0); /* K2's lease is live */
    /* staff settle a lease whose sale will never finish */
    assert_int_equal(boh_cli(&h, NULL, 0, "count release " METER), 0);
    assert_int_equal(reserve(&h, "K1", 3, 0, &st), 1);
    boh_teardown(&h);
}

/* Renewing keeps a lease alive (the same count, lease_seconds more), but
 * only until lease_max_seconds after it was granted: then the renewal is
 * refused and, once the lease ended, another sale takes the count. A
 * count already applied (its own renewal's `seen` shows it) is still the
 * sale's when it renews. */
static void counts_renewal_and_its_bound(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, "[counts]\nlease_seconds = 10\nlease_max_seconds = 15\n");
    long st;
    char code[32];
    assert_int_equal(reserve(&h, "K1", 1, 0, &st), 1);
    advance(&h, 8000);
    assert_int_equal(ask(&h, "K1", METER, 1, 0, 1, &st, code), 1); /* renewed: ends at 18 s */
    advance(&h, 5000);
    assert_int_equal(reserve(&h, "K2", 2, 0, &st), 0); /* 13 s: still K1's */
    assert_int_equal(st, 409);
    advance(&h, 4000);
    assert_int_equal(ask(&h, "K1", METER, 1, 0, 1, &st, code), 0); /* 17 s: older than lease_max_seconds */
    assert_string_equal(code, "count_moved");
    advance(&h, 2000);
    assert_int_equal(reserve(&h, "K2", 2, 0, &st), 1); /* 19 s: ended, taken */
    assert_int_equal(ask(&h, "K1", METER, 1, 0, 1, &st, code), 0);
    assert_string_equal(code, "count_moved");
    /* K2's credit with count 1 is on the meter: K2's renewal says so */
    assert_int_equal(ask(&h, "K2", METER, 2, 1, 1, &st, code), 1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM count_lease"), 0);
    assert_int_equal(reserve(&h, "K1", 3, 1, &st), 2);
    boh_teardown(&h);
}

/* A kiosk holds at most leases_per_kiosk live leases. */
static void counts_leases_per_kiosk_bounded(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, "[counts]\nleases_per_kiosk = 2\n");
    assert_true(boh_meter(&h, "000000000011", "S1"));
    assert_true(boh_meter(&h, "000000000012", "S1"));
    long st;
    char code[32];
    assert_int_equal(ask(&h, "K1", METER, 1, 0, 0, &st, code), 1);
    assert_int_equal(ask(&h, "K1", "000000000011", 2, 0, 0, &st, code), 1);
    assert_int_equal(ask(&h, "K1", "000000000012", 3, 0, 0, &st, code), 0);
    assert_int_equal(st, 409);
    assert_string_equal(code, "too_many_leases");
    assert_int_equal(ask(&h, "K1", METER, 1, 0, 0, &st, code), 1); /* its own leases renew */
    assert_int_equal(ask(&h, "K1", "000000000012", 3, 0, 1, &st, code), 0); /* no new one by "renewing" */
    assert_string_equal(code, "too_many_leases");
    release(&h, "K1", 1, true);
    assert_int_equal(ask(&h, "K1", "000000000012", 3, 0, 0, &st, code), 1);
    boh_teardown(&h);
}

/* A `seen` far beyond the highest count known is not used: the highest
 * stays, no lease is given, the request is held for staff (alerted),
 * who may release it. */
static void counts_implausible_seen_held(void **state)
{
    (void)state;
    boh_t h;
    setup(&h, NULL);
    long st;
    char code[32];
    assert_int_equal(reserve(&h, "K1", 1, 10, &st), 11);
    release(&h, "K1", 1, true);
    assert_int_equal(ask(&h, "K1", METER, 2, 5000001, 0, &st, code), 0);
    assert_int_equal(st, 409);
    assert_string_equal(code, "count_implausible");
    assert_int_equal(boh_count(&h, "SELECT highest FROM meter_count WHERE meter = '" METER "'"), 11);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM count_lease"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM quarantine WHERE state = 'held' AND topic = 'count' "
                                   "AND rule = 'count_jump' AND kiosk = 'K1'"),
                     1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM alert WHERE kiosk = 'backoffice' AND kind = 'quarantine'"), 1);
    assert_int_equal(ask(&h, "K1", METER, 2, 11, 5000001, &st, code), 0); /* nor as a renewed count */
    assert_string_equal(code, "count_implausible");
    assert_int_equal(reserve(&h, "K2", 3, 11, &st), 12); /* others sell on */
    release(&h, "K2", 3, false);
    char out[512];
    assert_int_equal(boh_cli(&h, out, sizeof out, "quarantine release 1 --reason 'meter replaced, count checked'"),
                     0);
    assert_int_equal(boh_count(&h, "SELECT highest FROM meter_count WHERE meter = '" METER "'"), 5000001);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(counts_two_kiosks_never_share),
    cmocka_unit_test(counts_same_sale_same_count),
    cmocka_unit_test(counts_lease_ends_after_its_lifetime),
    cmocka_unit_test(counts_renewal_and_its_bound),
    cmocka_unit_test(counts_leases_per_kiosk_bounded),
    cmocka_unit_test(counts_implausible_seen_held),
};

KTEST_MAIN(tests)
