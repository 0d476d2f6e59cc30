/* The fleet's audit trail and central staff: kiosks' audit rows stored once
 * by (kiosk, the kiosk's audit id) however often they come, bad rows
 * rejected one by one with a reason, `report audit` and its admin endpoint
 * filtering them; operators and groups made with the command line reach the
 * signed `staff` document with their PIN hashes, each change audited. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>

#include "bo_harness.h"
#include "ktest.h"
#include "sync/sync_doc.h"

#define KIOSK_ROWS "SELECT count(*) FROM audit WHERE kiosk = 'K1'"

/* One audit row as the kiosk's ledger uploads it. */
static int audit_row(char *buf, size_t len, int seq, int id, const char *actor, const char *action)
{
    return snprintf(buf, len,
                    "{\"seq\":%d,\"topic\":\"audit\",\"payload\":{\"id\":%d,\"at\":\"2026-11-21T10:00:0%dZ\","
                    "\"actor\":\"%s\",\"action\":\"%s\",\"target\":\"cash box\",\"reason\":\"end of shift\","
                    "\"detail\":\"{\\\"notes\\\":3}\"}}",
                    seq, id, id % 10, actor, action);
}

static const char *status_of(const cJSON *res, int i, const char **reason)
{
    const cJSON *r = cJSON_GetArrayItem(res, i);
    const cJSON *why = cJSON_GetObjectItem(r, "reason");
    *reason = cJSON_IsString(why) ? why->valuestring : "";
    return cJSON_GetObjectItem(r, "status")->valuestring;
}

/* Rows 1 and 2, then the same rows again under new outbox seqs (a kiosk
 * whose answer was lost and whose outbox was rebuilt): stored once. */
static void audit_stored_once(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    char a[512], b[512], body[1200];
    audit_row(a, sizeof a, 1, 1, "operator:bob", "cash_collect");
    audit_row(b, sizeof b, 2, 2, "operator:bob", "login");
    snprintf(body, sizeof body, "{\"rows\":[%s,%s]}", a, b);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "accepted"));
    assert_null(strstr(r.body, "rejected"));
    boh_free(&r);
    audit_row(a, sizeof a, 7, 1, "operator:bob", "cash_collect");
    snprintf(body, sizeof body, "{\"rows\":[%s]}", a);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    cJSON *o = cJSON_Parse(r.body);
    const char *why;
    assert_string_equal(status_of(cJSON_GetObjectItem(o, "results"), 0, &why), "duplicate");
    assert_non_null(strstr(why, "audit row 1"));
    cJSON_Delete(o);
    boh_free(&r);
    assert_int_equal(boh_count(&h, KIOSK_ROWS), 2);
    /* K2's audit id 1 is another row */
    audit_row(a, sizeof a, 1, 1, "operator:eve", "cash_collect");
    snprintf(body, sizeof body, "{\"rows\":[%s]}", a);
    r = boh_call(&h, "K2", "POST", "/v1/kiosks/K2/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM audit WHERE kiosk IN ('K1', 'K2')"), 3);
    char out[2048];
    assert_int_equal(boh_cli(&h, out, sizeof out, "report audit --kiosk K1 --action cash_collect --csv"), 0);
    assert_non_null(strstr(out, "K1,1,2026-11-21T10:00:01Z,operator:bob,cash_collect,cash box,end of shift,"));
    assert_null(strstr(out, "operator:eve"));
    assert_null(strstr(out, ",login,"));
    /* a reason a spreadsheet would run as a formula opens as text */
    snprintf(body, sizeof body,
             "{\"rows\":[{\"seq\":9,\"topic\":\"audit\",\"payload\":{\"id\":9,\"at\":\"2026-11-21T11:00:00Z\","
             "\"actor\":\"operator:bob\",\"action\":\"txn_void\",\"target\":\"t\","
             "\"reason\":\"=HYPERLINK(\\\"http://x\\\")\",\"detail\":\"\"}}]}");
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    assert_int_equal(boh_cli(&h, out, sizeof out, "report audit --kiosk K1 --action txn_void --csv"), 0);
    assert_non_null(strstr(out, ",\"'=HYPERLINK(\"\"http://x\"\")\","));
    assert_int_equal(boh_cli(&h, out, sizeof out, "report audit --since 2026-11-22 --csv"), 0);
    assert_null(strstr(out, "\nK1,")); /* no row of K1 is that recent */
    assert_int_equal(boh_cli(&h, out, sizeof out, "report audit --since 2026-11-21 --csv"), 0);
    assert_non_null(strstr(out, "\nK1,"));
    r = boh_call(&h, NULL, "GET", "/v1/admin/reports/audit?kiosk=K2", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "operator:eve"));
    assert_null(strstr(r.body, "operator:bob"));
    boh_free(&r);
    boh_teardown(&h);
}

/* Each bad row is rejected alone, with what is wrong; the good one in the
 * same batch is stored. */
static void audit_bad_rows_rejected(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    char good[512], body[2048];
    audit_row(good, sizeof good, 5, 5, "staff:root", "group_put");
    snprintf(body, sizeof body,
             "{\"rows\":[{\"seq\":1,\"topic\":\"audit\",\"payload\":{\"at\":\"2026-11-21T10:00:00Z\","
             "\"actor\":\"x\",\"action\":\"login\"}},"
             "{\"seq\":2,\"topic\":\"audit\",\"payload\":{\"id\":2,\"at\":\"yesterday\",\"actor\":\"x\","
             "\"action\":\"login\"}},"
             "{\"seq\":3,\"topic\":\"audit\",\"payload\":{\"id\":3,\"at\":\"2026-11-21T10:00:00Z\",\"actor\":\"\","
             "\"action\":\"login\"}},"
             "{\"seq\":4,\"topic\":\"audit\",\"payload\":{\"id\":4,\"at\":\"2026-11-21T10:00:00Z\",\"actor\":\"x\","
             "\"action\":\"log in; drop\"}},"
             "%s]}",
             good);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *res = cJSON_GetObjectItem(o, "results");
    const char *why;
    const char *want[] = {"'id'", "'at'", "'actor' must not be empty", "'action' must be"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(status_of(res, i, &why), "rejected");
        assert_non_null(strstr(why, want[i]));
    }
    assert_string_equal(status_of(res, 4, &why), "accepted");
    assert_int_equal(boh_count(&h, KIOSK_ROWS), 1);
    cJSON_Delete(o);
    boh_free(&r);
    boh_teardown(&h);
}

static const cJSON *find(const cJSON *arr, const char *name)
{
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next)
        if (strcmp(cJSON_GetObjectItem(e, "name")->valuestring, name) == 0)
            return e;
    return NULL;
}

static sync_doc_t staff_doc(boh_t *h, int64_t held)
{
    boh_resp_t r = boh_call(h, "K1", "GET", "/v1/kiosks/K1/documents/staff", NULL, NULL);
    assert_int_equal(r.status, 200);
    uint8_t pk[SYNC_PUBKEY_BYTES];
    kmsg_t msg = {{0}};
    sync_doc_t d;
    assert_int_equal(sync_pubkey_parse(h->pubkey, pk, &msg), K_OK);
    assert_int_equal(sync_doc_verify(pk, r.body, strlen(r.body), "staff", "K1", held, &d, &msg), K_OK);
    boh_free(&r);
    return d;
}

/* Groups and operators reach the signed document, the PIN as an Argon2id
 * hash the kiosk verifies (never the PIN); each change moves the version
 * and is in the audit trail as the back office's own row. */
static void staff_document(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_int_equal(boh_cli(&h, NULL, 0, "group set collectors --perms collect_cash,reprint"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "group set typo --perms collect_cash,colect"), 2);
    setenv("BACKOFFICE_NEW_PIN", "2468", 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "operator add carol --group collectors"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "operator add dan --group nobody"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "operator add dan --group collectors"), 0);
    setenv("BACKOFFICE_NEW_PIN", "12", 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "operator add eve --group collectors"), 2);
    unsetenv("BACKOFFICE_NEW_PIN");
    assert_int_equal(boh_cli(&h, NULL, 0, "operator disable dan"), 0);
    sync_doc_t d = staff_doc(&h, 0);
    assert_int_equal(d.version, 5); /* 1, then group, carol, dan, disable */
    const cJSON *g = find(cJSON_GetObjectItem(d.body, "groups"), "collectors");
    assert_non_null(g);
    assert_string_equal(cJSON_GetObjectItem(g, "perms")->valuestring, "collect_cash,reprint");
    assert_null(find(cJSON_GetObjectItem(d.body, "groups"), "typo"));
    const cJSON *ops = cJSON_GetObjectItem(d.body, "operators");
    assert_int_equal(cJSON_GetArraySize(ops), 2);
    const cJSON *carol = find(ops, "carol"), *dan = find(ops, "dan");
    const char *hash = cJSON_GetObjectItem(carol, "pin_hash")->valuestring;
    assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
    char *text = cJSON_PrintUnformatted(d.body);
    assert_null(strstr(text, "2468"));
    free(text);
    assert_int_equal(sodium_init() >= 0, 1);
    assert_int_equal(crypto_pwhash_str_verify(hash, "2468", 4), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(hash, "2469", 4), 0);
    assert_string_equal(cJSON_GetObjectItem(carol, "group")->valuestring, "collectors");
    assert_int_equal(cJSON_GetObjectItem(carol, "disabled")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItem(dan, "disabled")->valueint, 1);
    sync_doc_free(&d);
    char out[4096];
    assert_int_equal(boh_cli(&h, out, sizeof out, "report audit --kiosk backoffice --csv"), 0);
    assert_non_null(strstr(out, ",group.set,collectors,"));
    assert_non_null(strstr(out, ",operator.add,carol,"));
    assert_non_null(strstr(out, ",operator.disable,dan,"));
    assert_null(strstr(out, "typo"));
    assert_null(strstr(out, "eve"));
    assert_null(strstr(out, "2468"));
    assert_int_equal(boh_cli(&h, out, sizeof out, "operator list"), 0);
    assert_non_null(strstr(out, "disabled"));
    assert_null(strstr(out, "argon2"));
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(audit_stored_once),
    cmocka_unit_test(audit_bad_rows_rejected),
    cmocka_unit_test(staff_document),
};

KTEST_MAIN(tests)
