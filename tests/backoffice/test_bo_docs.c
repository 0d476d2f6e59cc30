/* Signed downloads: verified with libsodium against the key `backoffice
 * pubkey` prints; a tampered document, another key's signature, another
 * kiosk's settings and an older version are refused by sync_doc_verify. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "bo_harness.h"
#include "ktest.h"
#include "support/support.h"
#include "sync/sync_doc.h"

static char *download(boh_t *h, const char *kind, const char *kiosk, char etag[96])
{
    char path[128];
    snprintf(path, sizeof path, "/v1/kiosks/%s/documents/%s", kiosk, kind);
    boh_resp_t r = boh_call(h, kiosk, "GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    if (etag)
        snprintf(etag, 96, "%s", r.etag);
    return r.body;
}

static kerr_t verify(boh_t *h, const char *env, const char *kind, const char *kiosk, int64_t held, sync_doc_t *d,
                     kmsg_t *msg)
{
    uint8_t pk[SYNC_PUBKEY_BYTES];
    assert_int_equal(sync_pubkey_parse(h->pubkey, pk, msg), K_OK);
    return sync_doc_verify(pk, env, strlen(env), kind, kiosk, held, d, msg);
}

static const char *first_tariff_text(const sync_doc_t *d)
{
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(d->body, "tariffs"), 0);
    return cJSON_GetObjectItem(t, "text")->valuestring;
}

static void doc_signed_verified(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_int_equal(boh_cli(&h, NULL, 0, "tariff set home CNY 'single 0.5283'"), 0);
    char *env = download(&h, "tariffs", "K1", NULL);
    sync_doc_t d;
    kmsg_t msg = {{0}};
    assert_int_equal(verify(&h, env, "tariffs", "K1", 1, &d, &msg), K_OK);
    assert_int_equal(d.version, 2);
    assert_false(d.same);
    assert_string_equal(first_tariff_text(&d), "single 0.5283");
    sync_doc_free(&d);
    free(env);
    assert_int_equal(boh_cli(&h, NULL, 0, "settings set K1 offline_total 12345"), 0);
    env = download(&h, "settings", "K1", NULL);
    assert_int_equal(verify(&h, env, "settings", "K1", 0, &d, &msg), K_OK);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d.body, "settings"), "offline_total")->valueint, 12345);
    sync_doc_free(&d);
    /* K1's settings are not K2's */
    assert_int_equal(verify(&h, env, "settings", "K2", 0, &d, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "meant for kiosk 'K1'"));
    free(env);
    boh_teardown(&h);
}

static void doc_tampered_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_int_equal(boh_cli(&h, NULL, 0, "tariff set home CNY 'single 0.5283'"), 0);
    char *env = download(&h, "tariffs", "K1", NULL);
    char *p = strstr(env, "0.5283");
    assert_non_null(p);
    p[2] = '0'; /* 0.0283: cheaper power, if the kiosk believed it */
    sync_doc_t d;
    kmsg_t msg = {{0}};
    assert_int_equal(verify(&h, env, "tariffs", "K1", 0, &d, &msg), K_ECORRUPT);
    assert_null(d.body);
    assert_non_null(strstr(msg.text, "signature does not match"));
    free(env);
    /* signed by another key */
    assert_true(file_write(h.dir, "body.json", "{\"tariffs\":[]}"));
    char out[2048], args[600];
    snprintf(args, sizeof args, "keygen --out '%s/other.key' >/dev/null", h.dir);
    assert_int_equal(boh_cli(&h, NULL, 0, args), 0);
    snprintf(args, sizeof args, "--set signing.key='%s/other.key' sign --kind tariffs --version 50 '%s/body.json'",
             h.dir, h.dir);
    assert_int_equal(boh_cli(&h, out, sizeof out, args), 0);
    assert_int_equal(verify(&h, out, "tariffs", "K1", 0, &d, &msg), K_ECORRUPT);
    boh_teardown(&h);
}

static void doc_version_rollback_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_int_equal(boh_cli(&h, NULL, 0, "card block 0011223344556677 --reason lost"), 0);
    char *old = download(&h, "blocked-cards", "K1", NULL);
    assert_int_equal(boh_cli(&h, NULL, 0, "card block 8899aabbccddeeff --reason stolen"), 0);
    char *cur = download(&h, "blocked-cards", "K1", NULL);
    sync_doc_t d;
    kmsg_t msg = {{0}};
    assert_int_equal(verify(&h, cur, "blocked-cards", "K1", 2, &d, &msg), K_OK);
    int64_t held = d.version;
    assert_int_equal(held, 3);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d.body, "cards")), 2);
    sync_doc_free(&d);
    assert_int_equal(verify(&h, old, "blocked-cards", "K1", held, &d, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "older than the version 3"));
    assert_int_equal(verify(&h, cur, "blocked-cards", "K1", held, &d, &msg), K_OK);
    assert_true(d.same);
    sync_doc_free(&d);
    /* the right signature on the wrong kind */
    assert_int_equal(verify(&h, cur, "tariffs", "K1", 0, &d, &msg), K_EINVAL);
    free(old);
    free(cur);
    boh_teardown(&h);
}

static void doc_etag_not_modified(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    char etag[96], hdr[128];
    free(download(&h, "registry", "K1", etag));
    assert_true(strlen(etag) > 4);
    snprintf(hdr, sizeof hdr, "If-None-Match: %s", etag);
    boh_resp_t r = boh_call(&h, "K1", "GET", "/v1/kiosks/K1/documents/registry", NULL, hdr);
    assert_int_equal(r.status, 304);
    boh_free(&r);
    assert_int_equal(boh_cli(&h, NULL, 0, "customer add C1 Chen"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0,
                             "meter add 000012345678 --customer C1 --protocol dlt645 --gateway 10.0.0.5:8899 "
                             "--site S1"),
                     0);
    r = boh_call(&h, "K1", "GET", "/v1/kiosks/K1/documents/registry", NULL, hdr);
    assert_int_equal(r.status, 200);
    assert_string_not_equal(r.etag, etag);
    sync_doc_t d;
    kmsg_t msg = {{0}};
    assert_int_equal(verify(&h, r.body, "registry", "K1", 1, &d, &msg), K_OK);
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(d.body, "meters"), 0);
    assert_string_equal(cJSON_GetObjectItem(m, "gateway")->valuestring, "10.0.0.5:8899");
    assert_string_equal(cJSON_GetObjectItem(m, "customer")->valuestring, "C1");
    sync_doc_free(&d);
    boh_free(&r);
    r = boh_call(&h, "K1", "GET", "/v1/kiosks/K1/documents/weather", NULL, NULL);
    assert_int_equal(r.status, 404);
    boh_free(&r);
    boh_teardown(&h);
}

/* A card replaced at one kiosk is blocked at all: the kiosk's card rows
 * (the old card replaced, the new one replacing it) move the document on. */
static void doc_replaced_card_blocked(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    const char *rows =
        "{\"rows\":[{\"seq\":7,\"topic\":\"card\",\"payload\":{\"serial\":\"00000000000000a1\","
        "\"meter\":\"000012345678\",\"customer\":\"C1\",\"type\":\"user\",\"generation\":0,"
        "\"state\":\"replaced\",\"replaces\":\"\",\"operator\":\"ann\",\"issued_at\":"
        "\"2026-11-01T08:00:00.000Z\",\"updated_at\":\"2026-11-21T08:00:00.000Z\"}},"
        "{\"seq\":8,\"topic\":\"card\",\"payload\":{\"serial\":\"00000000000000b2\","
        "\"meter\":\"000012345678\",\"customer\":\"C1\",\"type\":\"replacement\",\"generation\":1,"
        "\"state\":\"active\",\"replaces\":\"00000000000000a1\",\"operator\":\"ann\",\"issued_at\":"
        "\"2026-11-21T08:00:00.000Z\",\"updated_at\":\"2026-11-21T08:00:00.000Z\"}}]}";
    for (int i = 0; i < 2; i++) { /* twice: the second changes nothing */
        boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", rows, NULL);
        assert_int_equal(r.status, 200);
        assert_null(strstr(r.body, "rejected"));
        boh_free(&r);
    }
    char *env = download(&h, "blocked-cards", "K2", NULL);
    sync_doc_t d;
    kmsg_t msg = {{0}};
    assert_int_equal(verify(&h, env, "blocked-cards", "K2", 1, &d, &msg), K_OK);
    assert_int_equal(d.version, 2);
    const cJSON *cards = cJSON_GetObjectItem(d.body, "cards");
    assert_int_equal(cJSON_GetArraySize(cards), 1);
    const cJSON *c = cJSON_GetArrayItem(cards, 0);
    assert_string_equal(cJSON_GetObjectItem(c, "serial")->valuestring, "00000000000000a1");
    assert_non_null(strstr(cJSON_GetObjectItem(c, "reason")->valuestring, "kiosk K1"));
    sync_doc_free(&d);
    free(env);
    boh_teardown(&h);
}

/* The key file: refused when others may read it; never overwritten. */
static void doc_key_file_guarded(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    boh_stop(&h);
    assert_int_equal(boh_cli(&h, NULL, 0, "keygen"), 1);
    char path[300];
    snprintf(path, sizeof path, "%s/signing.key", h.dir);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "serve"), 2);
    char *log = file_read(h.dir, "cli.log");
    assert_non_null(strstr(log, "chmod 600"));
    assert_null(strstr(log, "ed25519-seed"));
    free(log);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(doc_signed_verified),          cmocka_unit_test(doc_tampered_refused),
    cmocka_unit_test(doc_version_rollback_refused), cmocka_unit_test(doc_etag_not_modified),
    cmocka_unit_test(doc_key_file_guarded),       cmocka_unit_test(doc_replaced_card_blocked),
};

KTEST_MAIN(tests)
