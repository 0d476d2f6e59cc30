/* The purchase-count service: two kiosks selling to one meter at once
 * never hold the same count; a sale asking again keeps its count; the
 * lease ends with the sale's upload, a release, or its time. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "bo_harness.h"
#include "ktest.h"

#define METER "000012345678"

/* Reserves for kiosk's sale n; returns the count, or 0 with *status set. */
static long reserve(boh_t *h, const char *kiosk, unsigned n, long seen, long *status)
{
    char id[37], body[200], path[64];
    boh_uuid(id, n);
    snprintf(body, sizeof body, "{\"meter\":\"" METER "\",\"txn\":\"%s\",\"seen\":%ld}", id, seen);
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/reserve", kiosk);
    boh_resp_t r = boh_call(h, kiosk, "POST", path, body, NULL);
    *status = r.status;
    long count = 0;
    if (r.status == 200) {
        cJSON *j = cJSON_Parse(r.body);
        count = (long)cJSON_GetObjectItem(j, "count")->valuedouble;
        cJSON_Delete(j);
    } else if (r.status == 409) {
        assert_non_null(strstr(r.body, "meter_busy"));
    }
    boh_free(&r);
    return count;
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
    assert_true(boh_setup(&h, false, NULL));
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
    char id[37], c[16], row[2048], body[2200];
    boh_uuid(id, n);
    snprintf(c, sizeof c, "%ld", count);
    boh_txn_t t = {1, 7, 5000, id, "delivered", METER, "cash", "2026-11-21", c};
    boh_txn_row(row, sizeof row, &t);
    snprintf(body, sizeof body, "{\"rows\":[%s]}", row);
    boh_resp_t r = boh_call(h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "accepted"));
    boh_free(&r);
}

static void counts_same_sale_same_count(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
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

/* A lease whose sale never finishes does not pass to another sale on time
 * alone (its kiosk may still send that count): only a reading showing the
 * count applied, or staff releasing it, frees the meter. */
static void counts_stale_lease_needs_proof(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, "[counts]\nlease_seconds = 5\n"));
    long st;
    assert_int_equal(reserve(&h, "K1", 1, 0, &st), 1);
    boh_resp_t r = boh_call(&h, NULL, "POST", "/v1/test/clock", "{\"advance_ms\":60000}", NULL);
    boh_free(&r);
    char id[37], body[200];
    boh_uuid(id, 2);
    snprintf(body, sizeof body, "{\"meter\":\"" METER "\",\"txn\":\"%s\",\"seen\":0}", id);
    r = boh_call(&h, "K2", "POST", "/v1/kiosks/K2/counts/reserve", body, NULL);
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "backoffice count release"));
    boh_free(&r);
    /* the meter shows count 1: K1's credit is on it */
    assert_int_equal(reserve(&h, "K2", 2, 1, &st), 2);
    /* K2's sale stalls too; staff settle it */
    r = boh_call(&h, NULL, "POST", "/v1/test/clock", "{\"advance_ms\":60000}", NULL);
    boh_free(&r);
    assert_int_equal(reserve(&h, "K1", 3, 1, &st), 0);
    char out[512];
    assert_int_equal(boh_cli(&h, out, sizeof out, "count list --csv"), 0);
    assert_non_null(strstr(out, METER ",1,2,K2,"));
    assert_int_equal(boh_cli(&h, NULL, 0, "count release " METER), 0);
    assert_int_equal(reserve(&h, "K1", 3, 1, &st), 2);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(counts_two_kiosks_never_share),
    cmocka_unit_test(counts_same_sale_same_count),
    cmocka_unit_test(counts_stale_lease_needs_proof),
};

KTEST_MAIN(tests)
