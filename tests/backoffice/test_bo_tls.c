/* Mutual TLS: a kiosk is known by its certificate's CN under the kiosks'
 * CA; no certificate, another CA's or another kiosk's is refused. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "bo_harness.h"
#include "ktest.h"
#include "support/support.h"

static const char hb[] = "{\"software\":\"0.1.0\",\"outbox_depth\":3,\"paper\":\"ok\",\"last_error\":\"\","
                         "\"cashbox\":{\"fill_percent\":40},\"devices\":[{\"name\":\"cash\",\"status\":\"ok\"}]}";

static void tls_kiosk_accepted(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, true, NULL));
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    assert_int_equal(r.curl_rc, 0);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "documents"), "settings")->valueint, 1);
    cJSON_Delete(o);
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT outbox_depth FROM kiosk_health WHERE kiosk = 'K1'"), 3);
    char out[1024];
    assert_int_equal(boh_cli(&h, out, sizeof out, "kiosk list --csv"), 0);
    assert_non_null(strstr(out, "K1,S1,active,0.1.0,3,40,ok,"));
    boh_teardown(&h);
}

/* Refused: the handshake completes (the server only asks for a
 * certificate), then the server answers 401 no_identity and saves nothing. */
static void assert_refused(const boh_resp_t *r)
{
    assert_int_equal(r->curl_rc, 0);
    assert_int_equal(r->status, 401);
    assert_non_null(strstr(r->body, "\"no_identity\""));
}

static void tls_no_client_cert_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, true, NULL));
    boh_resp_t r = boh_call(&h, NULL, "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    assert_refused(&r);
    assert_non_null(strstr(r.body, "no client certificate"));
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM kiosk_health"), 0);
    boh_teardown(&h);
}

static void tls_other_ca_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, true, NULL));
    boh_resp_t r = boh_call(&h, "rogue", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    assert_refused(&r);
    assert_non_null(strstr(r.body, "not signed by the kiosks' CA"));
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM kiosk_health"), 0);
    boh_teardown(&h);
}

static void tls_wrong_kiosk_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, true, NULL));
    boh_resp_t r = boh_call(&h, "K2", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "wrong_kiosk"));
    boh_free(&r);
    /* a blocked kiosk with a good certificate */
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk block K2"), 0);
    r = boh_call(&h, "K2", "POST", "/v1/kiosks/K2/heartbeat", hb, NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "kiosk_not_active"));
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM kiosk_health"), 0);
    boh_teardown(&h);
}

/* Staff's read-only API takes a staff certificate, not a kiosk's. */
static void tls_admin_api_staff_only(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, true, NULL));
    assert_true(boh_kiosk_cert(&h, "admin.alice"));
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    boh_free(&r);
    r = boh_call(&h, "admin.alice", "GET", "/v1/admin/kiosks", NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *k1 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "rows"), 0);
    assert_string_equal(cJSON_GetObjectItem(k1, "id")->valuestring, "K1");
    assert_int_equal(cJSON_GetObjectItem(k1, "outbox_depth")->valueint, 3);
    cJSON_Delete(o);
    boh_free(&r);
    r = boh_call(&h, "K1", "GET", "/v1/admin/kiosks", NULL, NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "not_staff"));
    boh_free(&r);
    r = boh_call(&h, "rogue", "GET", "/v1/admin/reports/sales", NULL, NULL);
    assert_int_equal(r.status, 401);
    boh_free(&r);
    /* a staff certificate is not a kiosk, and no kiosk may be named so */
    r = boh_call(&h, "admin.alice", "POST", "/v1/kiosks/K1/heartbeat", hb, NULL);
    assert_int_equal(r.status, 403);
    boh_free(&r);
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk add admin.bob --site S1"), 2);
    boh_teardown(&h);
}

/* Plain HTTP and the test hooks are refused off loopback. */
static void tls_plain_http_off_loopback_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    char out[64];
    assert_int_equal(boh_cli(&h, out, sizeof out, "--set server.listen=0.0.0.0 --set test.hooks=false serve"), 2);
    char *log = file_read(h.dir, "cli.log");
    assert_non_null(strstr(log, "plain HTTP is allowed on loopback only"));
    free(log);
    assert_int_equal(boh_cli(&h, out, sizeof out, "--set server.listen=0.0.0.0 --set server.plain_http=false serve"), 2);
    log = file_read(h.dir, "cli.log");
    assert_non_null(strstr(log, "hooks are allowed on loopback only"));
    free(log);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tls_kiosk_accepted),      cmocka_unit_test(tls_no_client_cert_refused),
    cmocka_unit_test(tls_other_ca_refused),    cmocka_unit_test(tls_wrong_kiosk_refused),
    cmocka_unit_test(tls_plain_http_off_loopback_refused), cmocka_unit_test(tls_admin_api_staff_only),
};

KTEST_MAIN(tests)
