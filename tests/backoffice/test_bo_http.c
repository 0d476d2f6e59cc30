/* The HTTP layer's promises (docs/sync.md, "Limits"): a request is admitted
 * or refused on its headers, before any of its body is read (identity,
 * route, media type, length, upload memory); connections are limited per
 * address; an idle or stalled connection is closed after the timeout; a
 * long poll waits without holding a thread. Raw connections (bo_raw.h) send
 * what libcurl would not: a body announced and never sent, a handshake
 * never finished. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bo_harness.h"
#include "bo_raw.h"
#include "ktest.h"

#define MIB (1LL << 20)

static const char hb[] = "{\"software\":\"0.1.0\",\"outbox_depth\":3,\"paper\":\"ok\",\"last_error\":\"\","
                         "\"cashbox\":{\"fill_percent\":40},\"devices\":[]}";

/* Sends a request's headers (type NULL: no Content-Type), no body. */
static void send_head(boh_raw_t *c, const char *method, const char *path, const char *type, long long length)
{
    char head[512];
    int n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%sContent-Length: %lld\r\n\r\n",
                     method, path, type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "", length);
    assert_true(boh_raw_send(c, head, (size_t)n));
}

/* The answer to a body announced and not sent: at once, then the close. */
static boh_raw_answer_t refused_at_once(boh_t *h, const char *cert, const char *path, long long length, int status)
{
    boh_raw_t c;
    boh_raw_answer_t a, after;
    assert_true(boh_raw_open(&c, h, NULL, cert, true));
    send_head(&c, "POST", path, "application/json", length);
    boh_raw_read(&c, 3000, &a);
    if (a.status != status)
        fprintf(stderr, "%s: got %d after %ld ms: %s\n", path, a.status, a.ms, a.text);
    assert_int_equal(a.status, status);
    assert_true(a.ms < 2000);
    boh_raw_read(&c, 2000, &after); /* the server reads none of the body: it closes */
    assert_true(after.closed);
    boh_raw_close(&c);
    return a;
}

/* No certificate, another CA's, another kiosk's: refused as soon as the
 * headers are in, while 4 MiB of body are announced and none sent. */
static void http_no_identity_refused_before_body(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, true, NULL));
    boh_raw_answer_t a = refused_at_once(&h, NULL, "/v1/kiosks/K1/outbox", 4 * MIB, 401);
    assert_non_null(strstr(a.text, "\"no_identity\""));
    a = refused_at_once(&h, "rogue", "/v1/kiosks/K1/outbox", 4 * MIB, 401);
    assert_non_null(strstr(a.text, "not signed by the kiosks' CA"));
    a = refused_at_once(&h, "K2", "/v1/kiosks/K1/outbox", 4 * MIB, 403);
    assert_non_null(strstr(a.text, "\"wrong_kiosk\""));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 0);
    boh_teardown(&h);
}

/* An inactive or unknown kiosk, an unknown route: the same, over plain HTTP. */
static void http_inactive_kiosk_refused_before_body(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk block K2"), 0);
    boh_raw_answer_t a = refused_at_once(&h, NULL, "/v1/kiosks/K2/outbox", 4 * MIB, 403);
    assert_non_null(strstr(a.text, "\"kiosk_not_active\""));
    a = refused_at_once(&h, NULL, "/v1/kiosks/K9/outbox", 4 * MIB, 403);
    assert_non_null(strstr(a.text, "not known here"));
    a = refused_at_once(&h, NULL, "/v1/kiosks/K1/nothing", 4 * MIB, 404);
    assert_non_null(strstr(a.text, "\"not_found\""));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 0);
    boh_teardown(&h);
}

/* A body announced beyond its route's limit gets 413 at once: 4 MiB and a
 * byte for a batch, 64 KiB for the rest, nothing for a route without one. */
static void http_body_over_limit_refused_at_once(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    boh_raw_answer_t a = refused_at_once(&h, NULL, "/v1/kiosks/K1/outbox", 4 * MIB + 1, 413);
    assert_non_null(strstr(a.text, "\"too_large\""));
    assert_non_null(strstr(a.text, "fewer rows"));
    a = refused_at_once(&h, NULL, "/v1/kiosks/K1/heartbeat", 64 * 1024 + 1, 413);
    assert_non_null(strstr(a.text, "65536"));
    a = refused_at_once(&h, NULL, "/v1/kiosks/K1/notices/1/ack", 10, 413);
    assert_non_null(strstr(a.text, "takes no body"));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM kiosk_health"), 0);
    boh_teardown(&h);
}

/* A chunked body (no length announced) is cut off at the route's limit: the
 * connection closes then, without waiting for the rest, and nothing is kept. */
static void http_chunked_body_cut_at_limit(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    boh_raw_t c;
    assert_true(boh_raw_open(&c, &h, NULL, NULL, true));
    const char head[] = "POST /v1/kiosks/K1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_true(boh_raw_send(&c, head, sizeof head - 1));
    static char chunk[8192 + 16];
    int n = snprintf(chunk, sizeof chunk, "2000\r\n");
    memset(chunk + n, ' ', 8192);
    memcpy(chunk + n + 8192, "\r\n", 2);
    for (int i = 0; i < 9; i++) /* 72 KiB of a heartbeat's 64; the end never comes */
        if (!boh_raw_send(&c, chunk, (size_t)n + 8194))
            break; /* closed under us: cut off */
    boh_raw_answer_t a;
    boh_raw_read(&c, 3000, &a);
    assert_true(a.closed);
    assert_true(a.ms < 2000);
    boh_raw_close(&c);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM kiosk_health"), 0);
    boh_resp_t r = boh_call(&h, NULL, "GET", "/v1/health", NULL, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    boh_teardown(&h);
}

/* Opens a connection from `from` and gets one answer on it, kept open;
 * tries again for up to 3 s (the server may not have seen a close yet). */
static void open_answered(boh_t *h, boh_raw_t *c, const char *from)
{
    static const char get[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    boh_raw_answer_t a = {0};
    for (int i = 0; i < 30 && a.status != 200; i++) {
        if (i)
            usleep(100 * 1000);
        assert_true(boh_raw_open(c, h, from, NULL, true));
        boh_raw_send(c, get, sizeof get - 1);
        boh_raw_read(c, 3000, &a);
        if (a.status != 200)
            boh_raw_close(c);
    }
    assert_int_equal(a.status, 200);
}

/* max_connections_per_address = 3: a fourth connection from one address is
 * closed unanswered; another address is served; a freed place is taken. */
static void http_per_address_limit(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, "[server]\nmax_connections_per_address = 3\n"));
    boh_raw_t held[3], c;
    boh_raw_answer_t a;
    for (int i = 0; i < 3; i++)
        open_answered(&h, &held[i], NULL);
    assert_true(boh_raw_open(&c, &h, NULL, NULL, true));
    static const char get[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    boh_raw_send(&c, get, sizeof get - 1); /* may fail: the server may have closed it already */
    boh_raw_read(&c, 3000, &a);
    assert_true(a.closed);
    assert_int_equal(a.n, 0);
    boh_raw_close(&c);
    open_answered(&h, &c, "127.0.0.2");
    boh_raw_close(&c);
    boh_raw_close(&held[0]);
    open_answered(&h, &held[0], NULL);
    for (int i = 0; i < 3; i++)
        boh_raw_close(&held[i]);
    boh_teardown(&h);
}

/* A connection that stalls (headers and part of a body, or half a request
 * line) is closed after connection_timeout_seconds, unanswered. */
static void http_stalled_upload_times_out(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, "[server]\nconnection_timeout_seconds = 1\n"));
    boh_raw_t up, line;
    boh_raw_answer_t a;
    assert_true(boh_raw_open(&up, &h, NULL, NULL, true));
    send_head(&up, "POST", "/v1/kiosks/K1/outbox", "application/json", 1000);
    assert_true(boh_raw_send(&up, "{\"rows\":[", 9));
    assert_true(boh_raw_open(&line, &h, NULL, NULL, true));
    assert_true(boh_raw_send(&line, "POST /v1/kio", 12));
    boh_raw_read(&up, 5000, &a);
    assert_true(a.closed);
    assert_int_equal(a.n, 0);
    assert_true(a.ms >= 500 && a.ms < 4000);
    boh_raw_read(&line, 1000, &a);
    assert_true(a.closed);
    boh_raw_close(&up);
    boh_raw_close(&line);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 0);
    boh_teardown(&h);
}

/* A TLS client that connects and never finishes its handshake is closed
 * after the timeout too. */
static void http_stalled_handshake_times_out(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, true, "[server]\nconnection_timeout_seconds = 1\n"));
    boh_raw_t c;
    boh_raw_answer_t a;
    assert_true(boh_raw_open(&c, &h, NULL, NULL, false));
    boh_raw_read(&c, 5000, &a);
    assert_true(a.closed);
    assert_true(a.ms >= 500 && a.ms < 4000);
    boh_raw_close(&c);
    boh_teardown(&h);
}

/* A body sent as a form (or with no media type) gets 415 and nothing is
 * stored; JSON, with or without a charset, is taken. */
static void http_form_post_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    char row[1200], batch[1300], id[37];
    boh_uuid(id, 1);
    boh_txn_t t = {1, 5, 5000, id, "delivered", "000012345678", "cash", "2026-11-21", "7"};
    boh_txn_row(row, sizeof row, &t);
    snprintf(batch, sizeof batch, "{\"rows\":[%s]}", row);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", batch,
                            "Content-Type: application/x-www-form-urlencoded");
    assert_int_equal(r.status, 415);
    assert_non_null(strstr(r.body, "\"unsupported_media_type\""));
    assert_non_null(strstr(r.body, "application/x-www-form-urlencoded"));
    boh_free(&r);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/heartbeat", hb, "Content-Type: text/plain");
    assert_int_equal(r.status, 415);
    boh_free(&r);
    boh_raw_t c;
    boh_raw_answer_t a;
    assert_true(boh_raw_open(&c, &h, NULL, NULL, true));
    send_head(&c, "POST", "/v1/kiosks/K1/outbox", NULL, (long long)strlen(batch));
    boh_raw_read(&c, 3000, &a);
    assert_int_equal(a.status, 415);
    boh_raw_close(&c);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM sale"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM kiosk_health"), 0);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", batch, "Content-Type: Application/JSON; charset=utf-8");
    assert_int_equal(r.status, 200);
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM sale"), 1);
    boh_teardown(&h);
}

/* Bodies being received hold at most upload_memory_bytes: two stalled
 * uploads announcing 64 KiB each fill 128 KiB; the next upload gets 503
 * busy at once, and is taken once one of them is gone. */
static void http_upload_memory_bounded(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, "[server]\nmax_body_bytes = 65536\nupload_memory_bytes = 131072\n"));
    boh_raw_t held[2];
    boh_raw_answer_t a;
    for (int i = 0; i < 2; i++) {
        assert_true(boh_raw_open(&held[i], &h, NULL, NULL, true));
        send_head(&held[i], "POST", "/v1/kiosks/K1/outbox", "application/json", 65536);
        assert_true(boh_raw_send(&held[i], "{\"rows\":[", 9));
        boh_raw_read(&held[i], 300, &a);
        assert_int_equal(a.n, 0); /* admitted: it waits for the rest */
    }
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "upload_memory_bytes"));
    boh_free(&r);
    boh_raw_close(&held[0]);
    long status = 0;
    for (int i = 0; i < 30 && status != 200; i++) { /* once the server has seen the close */
        usleep(100 * 1000);
        r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
        status = r.status;
        boh_free(&r);
    }
    assert_int_equal(status, 200);
    boh_raw_close(&held[1]);
    boh_teardown(&h);
}

/* One thread serving: a long poll waiting for its order does not hold it
 * (a heartbeat is answered meanwhile), answers as soon as the order is
 * paid, and a poll still waiting when the server stops answers then. */
static void http_long_poll_holds_no_thread(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, "[server]\nthreads = 1\n"));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    char body[256], id[37], path[200], get[300], orders[2][40];
    for (unsigned i = 0; i < 2; i++) {
        boh_uuid(id, 100 + i);
        snprintf(body, sizeof body,
                 "{\"txn\":\"%s\",\"meter\":\"000012345678\",\"amount\":5000,\"currency\":\"CNY\",\"ttl_seconds\":60}", id);
        boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/qr-orders", body, NULL);
        assert_int_equal(r.status, 200);
        cJSON *o = cJSON_Parse(r.body);
        snprintf(orders[i], sizeof orders[i], "%s", cJSON_GetStringValue(cJSON_GetObjectItem(o, "id")));
        cJSON_Delete(o);
        boh_free(&r);
    }
    boh_raw_t poll[2];
    boh_raw_answer_t a;
    for (int i = 0; i < 2; i++) {
        snprintf(get, sizeof get, "GET /v1/kiosks/K1/qr-orders/%s?wait=25 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                 orders[i]);
        assert_true(boh_raw_open(&poll[i], &h, NULL, NULL, true));
        assert_true(boh_raw_send(&poll[i], get, strlen(get)));
    }
    boh_raw_read(&poll[0], 300, &a);
    assert_int_equal(a.n, 0); /* waiting */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(r.status, 200);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 2000);
    boh_free(&r);
    snprintf(path, sizeof path, "/v1/sim/qr-orders/%s/pay", orders[0]);
    r = boh_call(&h, NULL, "POST", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    boh_raw_read(&poll[0], 2000, &a);
    assert_int_equal(a.status, 200);
    assert_true(a.ms < 1000);
    assert_non_null(strstr(a.text, "\"paid\""));
    assert_int_equal(boh_stop(&h), 0); /* the other poll still waits: the server answers it and ends cleanly */
    boh_raw_read(&poll[1], 2000, &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.text, "\"pending\""));
    boh_raw_close(&poll[0]);
    boh_raw_close(&poll[1]);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(http_no_identity_refused_before_body),
    cmocka_unit_test(http_inactive_kiosk_refused_before_body),
    cmocka_unit_test(http_body_over_limit_refused_at_once),
    cmocka_unit_test(http_chunked_body_cut_at_limit),
    cmocka_unit_test(http_per_address_limit),
    cmocka_unit_test(http_stalled_upload_times_out),
    cmocka_unit_test(http_stalled_handshake_times_out),
    cmocka_unit_test(http_form_post_refused),
    cmocka_unit_test(http_upload_memory_bounded),
    cmocka_unit_test(http_long_poll_holds_no_thread),
};

KTEST_MAIN(tests)
