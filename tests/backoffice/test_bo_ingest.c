/* Uploading the outbox: signed by the kiosk, idempotent by (kiosk, ledger,
 * seq), every answer stored once, over lost answers, dropped connections
 * and injected 500s (a kiosk's ledgers: test_bo_ledger.c). */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "bo_harness.h"
#include "bo_testdb.h"
#include "ktest.h"

#define SALES "SELECT count(*) FROM sale"
#define METER "000012345678"

/* The back office with the meter the sales name on K1's site. */
static void setup(boh_t *h)
{
    assert_true(boh_setup(h, false, NULL));
    assert_true(boh_meter(h, METER, "S1"));
}

/* A batch of n delivered sales of 1000 + i fen, seqs from first. */
static char *batch(int first, int n)
{
    size_t cap = (size_t)n * 1024 + 32, len = 0;
    char *b = malloc(cap);
    len += (size_t)snprintf(b, cap, "{\"rows\":[");
    for (int i = 0; i < n; i++) {
        char id[37], count[16];
        boh_uuid(id, (unsigned)(first + i));
        snprintf(count, sizeof count, "%d", first + i);
        boh_txn_t t = {first + i, 5, 1000 + i, id, "delivered", METER, "cash", "2026-11-21", count};
        len += (size_t)snprintf(b + len, cap - len, "%s", i ? "," : "");
        len += (size_t)boh_txn_row(b + len, cap - len, &t);
    }
    snprintf(b + len, cap - len, "]}");
    return b;
}

/* The status of every row of an answer, checked to be `want`. */
static void all_rows(const char *answer, int n, const char *want)
{
    cJSON *o = cJSON_Parse(answer);
    const cJSON *res = cJSON_GetObjectItem(o, "results");
    assert_int_equal(cJSON_GetArraySize(res), n);
    for (const cJSON *r = res->child; r; r = r->next)
        assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, want);
    cJSON_Delete(o);
}

static void post_fault(boh_t *h, const char *json)
{
    boh_resp_t r = boh_call(h, "K1", "POST", "/v1/test/fault", json, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
}

static void upload_same_batch_twice(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *b = batch(1, 20);
    boh_resp_t r1 = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    boh_resp_t r2 = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(r1.status, 200);
    assert_int_equal(r2.status, 200);
    all_rows(r1.body, 20, "accepted");
    assert_string_equal(r1.body, r2.body);
    assert_int_equal(boh_count(&h, SALES), 20);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 20);
    boh_free(&r1);
    boh_free(&r2);
    free(b);
    boh_teardown(&h);
}

/* The server commits, then the answer is lost as a 500: the retry gets
 * the first answer and nothing is stored twice. */
static void upload_lost_answer_500(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    post_fault(&h, "{\"path\":\"/v1/kiosks/K1/outbox\",\"times\":2,\"status\":500,\"after\":true}");
    char *b = batch(1, 5);
    for (int i = 0; i < 2; i++) {
        boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
        assert_int_equal(r.status, 500);
        cJSON *o = cJSON_Parse(r.body);
        assert_non_null(cJSON_GetObjectItem(o, "error"));
        cJSON_Delete(o);
        boh_free(&r);
    }
    assert_int_equal(boh_count(&h, SALES), 5);
    boh_resp_t ok = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(ok.status, 200);
    all_rows(ok.body, 5, "accepted");
    assert_int_equal(boh_count(&h, SALES), 5);
    boh_free(&ok);
    free(b);
    boh_teardown(&h);
}

/* A 500 before the work: nothing stored until the retry. */
static void upload_500_before(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    post_fault(&h, "{\"path\":\"/v1/kiosks/K1/outbox\",\"times\":1,\"status\":503}");
    char *b = batch(1, 3);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(r.status, 503);
    assert_int_equal(boh_count(&h, SALES), 0);
    boh_free(&r);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(r.status, 200);
    all_rows(r.body, 3, "accepted");
    assert_int_equal(boh_count(&h, SALES), 3);
    boh_free(&r);
    free(b);
    boh_teardown(&h);
}

/* The connection closes without an answer, before and after the work. */
static void upload_dropped_connection(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *b = batch(1, 4);
    post_fault(&h, "{\"path\":\"/v1/kiosks/K1/outbox\",\"times\":1,\"drop\":true}");
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(r.status, 0);
    assert_int_not_equal(r.curl_rc, 0);
    assert_int_equal(boh_count(&h, SALES), 0);
    boh_free(&r);
    post_fault(&h, "{\"path\":\"/v1/kiosks/K1/outbox\",\"times\":1,\"drop\":true,\"after\":true}");
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(boh_count(&h, SALES), 4);
    boh_free(&r);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(r.status, 200);
    all_rows(r.body, 4, "accepted");
    assert_int_equal(boh_count(&h, SALES), 4);
    boh_free(&r);
    free(b);
    boh_teardown(&h);
}

static const char *status_of(const cJSON *res, int i, const char **reason)
{
    const cJSON *r = cJSON_GetArrayItem(res, i);
    const cJSON *why = cJSON_GetObjectItem(r, "reason");
    *reason = cJSON_IsString(why) ? why->valuestring : "";
    return cJSON_GetObjectItem(r, "status")->valuestring;
}

/* The same event under a new seq is a duplicate; a malformed row and a
 * seq reused for other content are rejected with a reason. */
static void upload_duplicate_and_rejected(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *first = batch(1, 1), *again = batch(1, 1), *other = batch(2, 1);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", first, NULL);
    boh_free(&r);
    /* again: the event of seq 1 re-sent as seq 9 */
    char *p = strstr(again, "\"seq\":1,");
    p[6] = '9';
    /* other: seq 2's content sent as seq 1 */
    p = strstr(other, "\"seq\":2,");
    p[6] = '1';
    char body[8192];
    snprintf(body, sizeof body, "{\"rows\":[%.*s,%.*s,{\"seq\":3,\"topic\":\"alert\",\"payload\":{\"id\":1}}]}",
             (int)(strlen(again) - 11), again + 9, (int)(strlen(other) - 11), other + 9);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *res = cJSON_GetObjectItem(o, "results");
    const char *why;
    assert_string_equal(status_of(res, 0, &why), "duplicate");
    assert_non_null(strstr(why, "received before"));
    assert_string_equal(status_of(res, 1, &why), "rejected");
    assert_non_null(strstr(why, "seq_conflict"));
    assert_string_equal(status_of(res, 2, &why), "rejected");
    assert_non_null(strstr(why, "'meter' must be a string"));
    assert_int_equal(boh_count(&h, SALES), 1);
    char out[1024];
    assert_int_equal(boh_cli(&h, out, sizeof out, "report rejected --csv"), 0);
    assert_non_null(strstr(out, "K1,3,alert,"));
    assert_null(strstr(out, "K1,9,")); /* the duplicate is not a rejection */
    cJSON_Delete(o);
    boh_free(&r);
    free(first);
    free(again);
    free(other);
    boh_teardown(&h);
}

/* A kiosk cannot change another kiosk's transaction. */
static void upload_other_kiosks_txn_rejected(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *b = batch(1, 1);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    boh_free(&r);
    /* K2 may serve the meter (its site was granted it), but the sale is K1's */
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S2 --meter " METER " --reason neighbour"), 0);
    char *p = strstr(b, "\"state\":\"delivered\"");
    memcpy(p, "\"state\":\"refunded\" ", 19); /* same length */
    p = strstr(b, "\"event_seq\":5");
    p[12] = '9';
    r = boh_call(&h, "K2", "POST", "/v1/kiosks/K2/outbox", b, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "belongs to kiosk K1"));
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM sale WHERE state = 'delivered' AND kiosk = 'K1'"), 1);
    free(b);
    boh_teardown(&h);
}

/* Malformed bodies are refused whole, with a JSON error a person reads. */
static void upload_bad_body(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    const char *bodies[] = {"not json", "{\"rows\":{}}",
                            "{\"rows\":[{\"seq\":1,\"topic\":\"weather\",\"payload\":{}}]}",
                            "{\"rows\":[{\"seq\":1.5,\"topic\":\"txn\",\"payload\":{}}]}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", bodies[i], NULL);
        assert_int_equal(r.status, 400);
        cJSON *o = cJSON_Parse(r.body);
        const cJSON *e = cJSON_GetObjectItem(o, "error");
        assert_string_equal(cJSON_GetObjectItem(e, "code")->valuestring, "bad_request");
        assert_true(strlen(cJSON_GetObjectItem(e, "message")->valuestring) > 10);
        cJSON_Delete(o);
        boh_free(&r);
    }
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K9/outbox", "{}", NULL);
    assert_int_equal(r.status, 403);
    boh_free(&r);
    /* no rows at all: the kiosk asking whether its uploads are taken */
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", "{\"rows\":[]}", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"results\":[]}");
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 0);
    boh_teardown(&h);
}

/* The first answers survive a restart of the server. */
static void upload_survives_restart(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *b = batch(1, 10);
    boh_resp_t r1 = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    boh_stop(&h);
    assert_true(boh_start(&h));
    boh_resp_t r2 = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_int_equal(r2.status, 200);
    assert_string_equal(r1.body, r2.body);
    assert_int_equal(boh_count(&h, SALES), 10);
    boh_free(&r1);
    boh_free(&r2);
    free(b);
    boh_teardown(&h);
}

static void advance_days(boh_t *h, int days)
{
    char body[64];
    snprintf(body, sizeof body, "{\"advance_ms\":%lld}", (long long)days * 86400000LL);
    boh_resp_t r = boh_call(h, NULL, "POST", "/v1/test/clock", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
}

/* First answers are kept 30 days (dedup_days), then forgotten. */
static void upload_dedup_kept_30_days(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *b = batch(1, 3), *other = batch(100, 1);
    boh_resp_t r1 = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    advance_days(&h, 29);
    boh_resp_t r2 = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
    assert_string_equal(r1.body, r2.body);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 3);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM txn_event_seen"), 3);
    advance_days(&h, 2); /* 31 days after the first upload */
    boh_resp_t r3 = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", other, NULL);
    assert_int_equal(r3.status, 200);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM txn_event_seen"), 1);
    assert_int_equal(boh_count(&h, SALES), 4); /* the sales themselves stay */
    boh_free(&r1);
    boh_free(&r2);
    boh_free(&r3);
    free(b);
    free(other);
    boh_teardown(&h);
}

/* A body beyond 4 MiB is refused whole with a hint. */
static void upload_too_large(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    size_t n = (5u << 20);
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big, "{\"rows\":[", 9);
    big[n - 2] = ']';
    big[n - 1] = '}';
    big[n] = '\0';
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", big, NULL);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(r.body, "fewer rows"));
    boh_free(&r);
    free(big);
    boh_teardown(&h);
}

/* Posts body as kiosk with the header line given (NULL: none, exactly as
 * given) and checks the refusal: 403, its code, words of its message. */
static void refused(boh_t *h, const char *kiosk, const char *body, const char *header, const char *code,
                    const char *words)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", kiosk);
    boh_resp_t r = boh_call_raw(h, kiosk, "POST", path, body, header);
    assert_int_equal(r.status, 403);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *e = cJSON_GetObjectItem(o, "error");
    assert_string_equal(cJSON_GetObjectItem(e, "code")->valuestring, code);
    assert_non_null(strstr(cJSON_GetObjectItem(e, "message")->valuestring, words));
    cJSON_Delete(o);
    boh_free(&r);
}

/* An upload is stored only when its signature verifies with the kiosk's
 * registered upload key: a missing, malformed or wrong signature, a body
 * changed after signing and a kiosk with no key are refused, each saying
 * why, and nothing is stored; once the key is registered it goes in. */
static void upload_signature_refused(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *rows = batch(1, 2), *body = NULL, sig[100], header[128];
    assert_true(asprintf(&body, "{\"ledger\":{\"id\":\"%s\",\"created_at\":\"%s\"},%s", BOH_LEDGER, BOH_LEDGER_BEGAN,
                         rows + 1) > 0);
    refused(&h, "K1", body, NULL, "bad_signature", "no X-Kiosk-Signature header");
    refused(&h, "K1", body, "X-Kiosk-Signature: c2lnbmVk", "bad_signature", "not the base64 of a 64-byte");
    boh_sign("K2", body, strlen(body), sig); /* another kiosk's key */
    snprintf(header, sizeof header, "X-Kiosk-Signature: %s", sig);
    refused(&h, "K1", body, header, "bad_signature", "does not verify against kiosk K1's upload key");
    boh_sign("K1", body, strlen(body), sig);
    snprintf(header, sizeof header, "X-Kiosk-Signature: %s", sig);
    char *p = strstr(body, "\"amount\":1000");
    p[10] = '9'; /* 1000 becomes 9000 on the way */
    refused(&h, "K1", body, header, "bad_signature", "the body was changed on the way");
    p[10] = '1';
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk add K3 --site S1 --by-hand"), 0);
    boh_sign("K3", body, strlen(body), sig);
    snprintf(header, sizeof header, "X-Kiosk-Signature: %s", sig);
    refused(&h, "K3", body, header, "no_upload_key", "backoffice kiosk upload-key K3 KEY");
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_batch"), 0);
    assert_int_equal(boh_count(&h, SALES), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk upload-key K3 not-a-key"), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk upload-key K9 29et98GDU0JRkaiqpFVchvwH9dPjV6zZ3j8wq5ph9ng="), 1);
    assert_true(boh_kiosk_key(&h, "K3"));
    boh_resp_t r = boh_call_raw(&h, "K3", "POST", "/v1/kiosks/K3/outbox", body, header);
    assert_int_equal(r.status, 200);
    all_rows(r.body, 2, "accepted");
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM audit WHERE action = 'kiosk.upload_key' AND target = 'K3'"),
                     1);
    free(rows);
    free(body);
    boh_teardown(&h);
}

/* The signed body is kept with the first answers it got (evidence): the
 * kiosk's signature verifies over the stored bytes; a replay adds none. */
static void upload_signed_body_kept(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char *b = batch(1, 3);
    for (int i = 0; i < 2; i++) {
        boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", b, NULL);
        assert_int_equal(r.status, 200);
        boh_free(&r);
    }
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_batch"), 1);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM ingest_row r JOIN ingest_batch b ON b.id = r.batch "
                                   "WHERE b.kiosk = 'K1' AND b.ledger = '" BOH_LEDGER "'"),
                     3);
    char *body = malloc(65536), sig[100], stored[100];
    assert_non_null(body);
    assert_true(boh_sql_text(&h, bo_testdb_pg() ? "SELECT convert_from(body, 'UTF8') FROM ingest_batch"
                                                : "SELECT CAST(body AS TEXT) FROM ingest_batch",
                             body, 65536));
    assert_true(boh_sql_text(&h, "SELECT signature FROM ingest_batch", stored, sizeof stored));
    size_t len = strlen(body);
    boh_sign("K1", body, len, sig); /* Ed25519 signatures are deterministic */
    assert_string_equal(stored, sig);
    assert_true(len > 12 && strncmp(body, "{\"ledger\":", 10) == 0);
    free(body);
    free(b);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(upload_signature_refused), cmocka_unit_test(upload_signed_body_kept),
    cmocka_unit_test(upload_dedup_kept_30_days), cmocka_unit_test(upload_too_large),
    cmocka_unit_test(upload_same_batch_twice), cmocka_unit_test(upload_lost_answer_500),
    cmocka_unit_test(upload_500_before),       cmocka_unit_test(upload_dropped_connection),
    cmocka_unit_test(upload_duplicate_and_rejected), cmocka_unit_test(upload_bad_body),
    cmocka_unit_test(upload_survives_restart), cmocka_unit_test(upload_other_kiosks_txn_rejected),
};

KTEST_MAIN(tests)
