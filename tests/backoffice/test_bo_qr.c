/* QR payment orders against the simulated provider: paid (seen by a long
 * poll), expired, cancelled, paid late (a notice for the kiosk), and the
 * page a phone opens from the code. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "bo_harness.h"
#include "ktest.h"

/* The back office with the orders' meter on K1's site. */
static void setup(boh_t *h)
{
    assert_true(boh_setup(h, false, NULL));
    assert_true(boh_meter(h, "000012345678", "S1"));
}

typedef struct order {
    char id[40], state[16], url[200], gave_up[16];
} order_t;

static order_t parse(const boh_resp_t *r)
{
    order_t o = {0};
    cJSON *j = cJSON_Parse(r->body);
    const cJSON *src = cJSON_GetObjectItem(j, "order") ? cJSON_GetObjectItem(j, "order") : j;
    const cJSON *v;
    if ((v = cJSON_GetObjectItem(src, "id")))
        snprintf(o.id, sizeof o.id, "%s", v->valuestring);
    if ((v = cJSON_GetObjectItem(src, "state")))
        snprintf(o.state, sizeof o.state, "%s", v->valuestring);
    if ((v = cJSON_GetObjectItem(src, "code_url")))
        snprintf(o.url, sizeof o.url, "%s", v->valuestring);
    if ((v = cJSON_GetObjectItem(src, "gave_up")))
        snprintf(o.gave_up, sizeof o.gave_up, "%s", v->valuestring);
    cJSON_Delete(j);
    return o;
}

static order_t create(boh_t *h, unsigned n, int ttl)
{
    char id[37], body[256];
    boh_uuid(id, n);
    snprintf(body, sizeof body,
             "{\"txn\":\"%s\",\"meter\":\"000012345678\",\"amount\":5000,\"currency\":\"CNY\",\"ttl_seconds\":%d}",
             id, ttl);
    boh_resp_t r = boh_call(h, "K1", "POST", "/v1/kiosks/K1/qr-orders", body, NULL);
    assert_int_equal(r.status, 200);
    order_t o = parse(&r);
    boh_free(&r);
    assert_string_equal(o.state, "pending");
    return o;
}

/* method on /v1/kiosks/K1/qr-orders/ID + suffix. */
static order_t act(boh_t *h, const char *method, const order_t *o, const char *suffix, long want_status)
{
    char path[200];
    snprintf(path, sizeof path, "/v1/kiosks/K1/qr-orders/%s%s", o->id, suffix);
    boh_resp_t r = boh_call(h, "K1", method, path, strcmp(method, "POST") == 0 ? "" : NULL, NULL);
    assert_int_equal(r.status, want_status);
    order_t got = parse(&r);
    boh_free(&r);
    return got;
}

#define SIM_PAY "/v1/sim/qr-orders/%s/pay"

static order_t sim_pay(boh_t *h, const order_t *o)
{
    char path[200];
    snprintf(path, sizeof path, SIM_PAY, o->id);
    boh_resp_t r = boh_call(h, "K1", "POST", path, "", NULL);
    assert_int_equal(r.status, 200);
    order_t got = parse(&r);
    boh_free(&r);
    return got;
}

typedef struct payer {
    boh_t *h;
    order_t o;
} payer_t;

static void *pay_later(void *arg)
{
    payer_t *p = arg;
    struct timespec ms300 = {0, 300000000};
    nanosleep(&ms300, NULL);
    char path[200];
    snprintf(path, sizeof path, SIM_PAY, p->o.id);
    boh_resp_t r = boh_call(p->h, NULL, "POST", path, "", NULL);
    boh_free(&r);
    return NULL;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A long poll returns as soon as the order is paid, not at its end. */
static void qr_paid(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    payer_t p = {&h, create(&h, 1, 60)};
    assert_non_null(strstr(p.o.url, "/pay/"));
    /* the order records the provider that took it: the simulated one */
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM qr_order WHERE provider = 'sim'"), 1);
    pthread_t t;
    pthread_create(&t, NULL, pay_later, &p);
    double t0 = now_s();
    order_t got = act(&h, "GET", &p.o, "?wait=20", 200);
    double took = now_s() - t0;
    pthread_join(t, NULL);
    assert_string_equal(got.state, "paid");
    assert_true(took < 10.0);
    /* paying twice changes nothing; cancelling a paid order is refused */
    assert_string_equal(sim_pay(&h, &p.o).state, "paid");
    got = act(&h, "POST", &p.o, "/cancel", 409);
    assert_string_equal(got.state, "paid");
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM notice"), 0);
    boh_teardown(&h);
}

static void qr_expired(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    order_t o = create(&h, 2, 30);
    assert_string_equal(act(&h, "GET", &o, "", 200).state, "pending");
    boh_resp_t r = boh_call(&h, NULL, "POST", "/v1/test/clock", "{\"advance_ms\":31000}", NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    assert_string_equal(act(&h, "GET", &o, "?wait=2", 200).state, "expired");
    assert_string_equal(act(&h, "POST", &o, "/cancel", 200).state, "expired");
    boh_teardown(&h);
}

/* The kiosk's open notices, and the first one's id. */
static int notices(boh_t *h, long *first_id, char *order_id, size_t len)
{
    boh_resp_t r = boh_call(h, "K1", "GET", "/v1/kiosks/K1/notices", NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON *j = cJSON_Parse(r.body);
    const cJSON *arr = cJSON_GetObjectItem(j, "notices");
    int n = cJSON_GetArraySize(arr);
    if (n > 0) {
        const cJSON *f = cJSON_GetArrayItem(arr, 0);
        *first_id = (long)cJSON_GetObjectItem(f, "id")->valuedouble;
        assert_string_equal(cJSON_GetObjectItem(f, "kind")->valuestring, "qr_paid_late");
        snprintf(order_id, len, "%s", cJSON_GetObjectItem(cJSON_GetObjectItem(f, "body"), "id")->valuestring);
    }
    cJSON_Delete(j);
    boh_free(&r);
    return n;
}

/* Cancelled by the kiosk, then paid: recorded as paid late, told to the
 * kiosk as a notice until it acknowledges it. */
static void qr_cancelled_then_paid_late(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    order_t o = create(&h, 3, 60);
    assert_string_equal(act(&h, "POST", &o, "/cancel", 200).state, "cancelled");
    assert_string_equal(act(&h, "POST", &o, "/cancel", 200).state, "cancelled");
    long id = 0;
    char oid[40] = "";
    assert_int_equal(notices(&h, &id, oid, sizeof oid), 0);
    order_t late = sim_pay(&h, &o);
    assert_string_equal(late.state, "paid_late");
    assert_string_equal(late.gave_up, "cancelled");
    assert_int_equal(notices(&h, &id, oid, sizeof oid), 1);
    assert_string_equal(oid, o.id);
    /* the heartbeat carries it too */
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/heartbeat", "{\"software\":\"t\",\"outbox_depth\":0}",
                            NULL);
    assert_non_null(strstr(r.body, "qr_paid_late"));
    boh_free(&r);
    char path[100];
    snprintf(path, sizeof path, "/v1/kiosks/K1/notices/%ld/ack", id);
    for (int i = 0; i < 2; i++) { /* acknowledging twice is fine */
        r = boh_call(&h, "K1", "POST", path, "", NULL);
        assert_int_equal(r.status, 200);
        boh_free(&r);
    }
    assert_int_equal(notices(&h, &id, oid, sizeof oid), 0);
    boh_teardown(&h);
}

/* Expired, then paid from the page a phone opens from the code. */
static void qr_expired_paid_late_from_page(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    order_t o = create(&h, 4, 10);
    boh_resp_t r = boh_call(&h, NULL, "GET", strstr(o.url, "/pay/"), NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "CNY 50.00"));
    assert_non_null(strstr(r.body, "<button"));
    boh_free(&r);
    r = boh_call(&h, NULL, "POST", "/v1/test/clock", "{\"advance_ms\":11000}", NULL);
    boh_free(&r);
    assert_string_equal(act(&h, "GET", &o, "", 200).state, "expired");
    r = boh_call(&h, NULL, "POST", strstr(o.url, "/pay/"), "", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Paid after the kiosk stopped waiting"));
    assert_null(strstr(r.body, "<button"));
    boh_free(&r);
    order_t got = act(&h, "GET", &o, "", 200);
    assert_string_equal(got.state, "paid_late");
    assert_string_equal(got.gave_up, "expired");
    long id;
    char oid[40];
    assert_int_equal(notices(&h, &id, oid, sizeof oid), 1);
    boh_teardown(&h);
}

/* Creating again for the same sale gives the same order; another kiosk
 * cannot see it. */
static void qr_create_idempotent(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    order_t a = create(&h, 5, 60), b = create(&h, 5, 60), c = create(&h, 6, 60);
    assert_string_equal(a.id, b.id);
    assert_string_not_equal(a.id, c.id);
    char path[120];
    snprintf(path, sizeof path, "/v1/kiosks/K2/qr-orders/%s", a.id);
    boh_resp_t r = boh_call(&h, "K2", "GET", path, NULL, NULL);
    assert_int_equal(r.status, 404);
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM qr_order"), 2);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(qr_paid), cmocka_unit_test(qr_expired), cmocka_unit_test(qr_cancelled_then_paid_late),
    cmocka_unit_test(qr_expired_paid_late_from_page), cmocka_unit_test(qr_create_idempotent),
};

KTEST_MAIN(tests)
