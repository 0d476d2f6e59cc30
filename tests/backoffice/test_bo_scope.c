/* A kiosk acts only for the meters of its site and those staff granted its
 * site (docs/sync.md, "Scope"): uploads naming other meters are rejected
 * with a reason staff read and an alert; count leases and QR orders are
 * refused with 403 meter_out_of_scope; a grant (audited) makes a
 * neighbour's meter sellable and its revocation ends that. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "bo_harness.h"
#include "ktest.h"

#define M1 "000012345678" /* on S1, K1's site */
#define M2 "000012345679" /* on S1 too */
#define STRANGER "000099999999" /* registered nowhere */

static void setup(boh_t *h)
{
    assert_true(boh_setup(h, false, NULL));
    assert_true(boh_meter(h, M1, "S1"));
    assert_true(boh_meter(h, M2, "S1"));
}

/* Uploads one row of kiosk; returns the answer's status for it, with the
 * reason in why. */
static const char *upload(boh_t *h, const char *kiosk, const char *row, char why[512])
{
    static char status[16];
    char body[4096], path[64];
    snprintf(body, sizeof body, "{\"rows\":[%s]}", row);
    snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", kiosk);
    boh_resp_t r = boh_call(h, kiosk, "POST", path, body, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "results"), 0);
    const cJSON *w = cJSON_GetObjectItem(res, "reason");
    snprintf(status, sizeof status, "%s", cJSON_GetObjectItem(res, "status")->valuestring);
    snprintf(why, 512, "%s", cJSON_IsString(w) ? w->valuestring : "");
    cJSON_Delete(o);
    boh_free(&r);
    return status;
}

static void reading_row(char *buf, size_t len, int seq, const char *meter, const char *at)
{
    snprintf(buf, len,
             "{\"seq\":%d,\"topic\":\"reading\",\"payload\":{\"meter\":\"%s\",\"at\":\"%s\",\"energy\":1200,"
             "\"balance\":500,\"purchase_count\":3,\"relay_open\":0,\"flags\":0}}",
             seq, meter, at);
}

static void sale_row(char *buf, size_t len, int seq, unsigned n, const char *meter)
{
    char id[37];
    boh_uuid(id, n);
    boh_txn_t t = {seq, 5, 5000, id, "delivered", meter, "cash", "2026-11-21", "4"};
    boh_txn_row(buf, len, &t);
}

/* Asks counts/reserve as kiosk for sale n; returns the status, the error
 * code in code. */
static long reserve(boh_t *h, const char *kiosk, const char *meter, unsigned n, char code[32])
{
    char id[37], body[200], path[64];
    boh_uuid(id, n);
    snprintf(body, sizeof body, "{\"meter\":\"%s\",\"txn\":\"%s\",\"seen\":0}", meter, id);
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/reserve", kiosk);
    boh_resp_t r = boh_call(h, kiosk, "POST", path, body, NULL);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "error"), "code");
    snprintf(code, 32, "%s", cJSON_IsString(e) ? e->valuestring : "");
    cJSON_Delete(o);
    long st = r.status;
    boh_free(&r);
    return st;
}

#define ALERTS(kind) "SELECT count(*) FROM alert WHERE kiosk = 'backoffice' AND kind = '" kind "'"

/* The attack: one kiosk's certificate uploading a reading of a meter the
 * back office does not know, dated 2099. */
static void scope_reading_for_unregistered_meter_rejected(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char row[1024], why[512];
    reading_row(row, sizeof row, 1, STRANGER, "2099-01-01T00:00:00.000Z");
    assert_string_equal(upload(&h, "K1", row, why), "rejected");
    assert_non_null(strstr(why, "out_of_scope: meter " STRANGER " is not registered"));
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM reading"), 0);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM meter_count"), 0);
    assert_int_equal(boh_count(&h, ALERTS("out_of_scope") " AND meter = '" STRANGER "' AND evidence LIKE '%K1%'"), 1);
    char out[1024];
    assert_int_equal(boh_cli(&h, out, sizeof out, "report rejected --csv"), 0);
    assert_non_null(strstr(out, "K1,1,reading,"));
    assert_int_equal(boh_cli(&h, out, sizeof out, "report alerts --csv"), 0);
    assert_non_null(strstr(out, "out_of_scope"));
    boh_teardown(&h);
}

/* Rows naming a meter of another site are rejected, saying how to grant
 * it; the same rows from the meter's own site's kiosk are stored. */
static void scope_uploads_for_another_sites_meter_rejected(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char rows[4][1024], why[512];
    sale_row(rows[0], sizeof rows[0], 1, 1, M1);
    reading_row(rows[1], sizeof rows[1], 2, M1, "2026-11-21T10:00:00.000Z");
    snprintf(rows[2], sizeof rows[2],
             "{\"seq\":3,\"topic\":\"alert\",\"payload\":{\"id\":1,\"meter\":\"" M1 "\",\"at\":"
             "\"2026-11-21T10:00:00.000Z\",\"kind\":\"tamper\",\"severity\":\"warning\",\"evidence\":\"x\"}}");
    snprintf(rows[3], sizeof rows[3],
             "{\"seq\":4,\"topic\":\"card\",\"payload\":{\"serial\":\"00000000000000a1\",\"meter\":\"" M1 "\","
             "\"customer\":\"C0\",\"type\":\"user\",\"generation\":0,\"state\":\"active\",\"replaces\":\"\","
             "\"updated_at\":\"2026-11-21T08:00:00.000Z\"}}");
    for (int i = 0; i < 4; i++) {
        assert_string_equal(upload(&h, "K2", rows[i], why), "rejected");
        assert_non_null(strstr(why, "out_of_scope: meter " M1 " is not served by site S2 (kiosk K2)"));
        assert_non_null(strstr(why, "backoffice site grant S2 --meter " M1));
    }
    assert_int_equal(boh_count(&h, ALERTS("out_of_scope")), 4);
    const char *tables[] = {"sale", "reading", "alert WHERE kiosk = 'K2'", "card"};
    for (int i = 0; i < 4; i++) {
        char sql[80];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        assert_int_equal(boh_count(&h, sql), 0);
        assert_string_equal(upload(&h, "K1", rows[i], why), "accepted");
    }
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM sale WHERE kiosk = 'K1'"), 1);
    boh_teardown(&h);
}

/* The attack: a lease on another site's meter (the meter then busy for
 * its own kiosks). Refused, as is reading its count, releasing, and a
 * meter nobody registered. */
static void scope_lease_on_another_sites_meter_refused(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char code[32];
    assert_int_equal(reserve(&h, "K2", M1, 1, code), 403);
    assert_string_equal(code, "meter_out_of_scope");
    assert_int_equal(reserve(&h, "K1", STRANGER, 2, code), 403);
    assert_string_equal(code, "meter_out_of_scope");
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM count_lease"), 0);
    boh_resp_t r = boh_call(&h, "K2", "GET", "/v1/kiosks/K2/counts/" M1, NULL, NULL);
    assert_int_equal(r.status, 403);
    boh_free(&r);
    char id[37], body[200];
    boh_uuid(id, 1);
    snprintf(body, sizeof body, "{\"meter\":\"" M1 "\",\"txn\":\"%s\",\"applied\":true}", id);
    r = boh_call(&h, "K2", "POST", "/v1/kiosks/K2/counts/release", body, NULL);
    assert_int_equal(r.status, 403);
    boh_free(&r);
    assert_int_equal(reserve(&h, "K1", M1, 3, code), 200); /* its own kiosk is not kept waiting */
    boh_teardown(&h);
}

static void scope_qr_order_out_of_scope_refused(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char id[37], body[256];
    boh_uuid(id, 1);
    snprintf(body, sizeof body, "{\"txn\":\"%s\",\"meter\":\"" M1 "\",\"amount\":5000,\"currency\":\"CNY\"}", id);
    boh_resp_t r = boh_call(&h, "K2", "POST", "/v1/kiosks/K2/qr-orders", body, NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "meter_out_of_scope"));
    assert_non_null(strstr(r.body, "not served by site S2"));
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM qr_order"), 0);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/qr-orders", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    boh_teardown(&h);
}

#define GRANT_ROWS(action) "SELECT count(*) FROM audit WHERE kiosk = 'backoffice' AND action = '" action "'"

/* Selling at a neighbouring point: staff grant site S2 a meter of S1
 * (audited, with the reason); K2 may then lease its count and upload its
 * sale; revoked, K2 is refused again. Refused grants change nothing. */
static void scope_grant_then_revoke_audited(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char code[32], out[1024], row[2048], why[512];
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S2 --meter " M1 " --reason 'S1 kiosk out of order'"), 0);
    assert_int_equal(boh_count(&h, GRANT_ROWS("site.grant") " AND target = 'S2' AND reason = 'S1 kiosk out of order' "
                                   "AND detail = 'meter " M1 "'"),
                     1);
    assert_int_equal(reserve(&h, "K2", M1, 1, code), 200);
    sale_row(row, sizeof row, 1, 1, M1);
    assert_string_equal(upload(&h, "K2", row, why), "accepted");
    assert_int_equal(reserve(&h, "K2", M2, 2, code), 403); /* only the meter granted */
    assert_int_equal(boh_cli(&h, out, sizeof out, "site grants --csv"), 0);
    assert_non_null(strstr(out, "S2,," M1 ",S1 kiosk out of order,"));
    /* refusals: granted already, a meter on the site already, unknown ones, no reason */
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S2 --meter " M1 " --reason again"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S1 --meter " M1 " --reason own"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S2 --meter " STRANGER " --reason x"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S9 --meter " M1 " --reason x"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S2 --meter " M1), 2);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM site_grant"), 1);
    assert_int_equal(boh_count(&h, GRANT_ROWS("site.grant")), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "site revoke S2 --meter " M1 " --reason 'S1 kiosk repaired'"), 0);
    assert_int_equal(boh_count(&h, GRANT_ROWS("site.revoke") " AND target = 'S2' AND reason = 'S1 kiosk repaired'"),
                     1);
    assert_int_equal(reserve(&h, "K2", M1, 3, code), 403);
    assert_int_equal(boh_cli(&h, NULL, 0, "site revoke S2 --meter " M1 " --reason twice"), 1);
    assert_int_equal(boh_cli(&h, out, sizeof out, "site grants --all --csv"), 0);
    assert_non_null(strstr(out, "S1 kiosk repaired"));
    /* every meter of S1 at once */
    assert_int_equal(boh_cli(&h, NULL, 0, "site grant S2 --from-site S1 --reason 'S1 closed for works'"), 0);
    assert_int_equal(reserve(&h, "K2", M2, 4, code), 200);
    boh_teardown(&h);
}

/* A meter moves to another site only by `meter site` (audited); `meter
 * add` naming another site is refused. */
static void scope_meter_moves_site_audited(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    char code[32];
    assert_int_equal(boh_cli(&h, NULL, 0, "meter add " M1 " --customer C0 --protocol dlt645 --gateway h:1 --site S2"),
                     1);
    assert_int_equal(boh_cli(&h, NULL, 0, "meter site " M1 " S2 --reason 'gateway moved to the lobby'"), 0);
    assert_int_equal(boh_count(&h, GRANT_ROWS("meter.site") " AND target = '" M1 "' AND detail = 'site S1 -> S2'"),
                     1);
    assert_int_equal(reserve(&h, "K2", M1, 1, code), 200);
    assert_int_equal(reserve(&h, "K1", M1, 2, code), 403);
    assert_int_equal(boh_cli(&h, NULL, 0, "meter site " M1 " S2 --reason again"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "meter site " M1 " S9 --reason nowhere"), 1);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(scope_reading_for_unregistered_meter_rejected),
    cmocka_unit_test(scope_uploads_for_another_sites_meter_rejected),
    cmocka_unit_test(scope_lease_on_another_sites_meter_refused),
    cmocka_unit_test(scope_qr_order_out_of_scope_refused),
    cmocka_unit_test(scope_grant_then_revoke_audited),
    cmocka_unit_test(scope_meter_moves_site_audited),
};

KTEST_MAIN(tests)
