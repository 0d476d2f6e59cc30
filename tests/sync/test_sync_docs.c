/* Signed documents applied at the kiosk without a server: envelopes signed
 * here with a key made here, as the back office signs them. A tampered
 * document and a rollback are refused (the old one kept, an alert raised);
 * a blocked card is refused at the kiosk with the back office's reason; the
 * settings document overrides the offline limits. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "ktest.h"
#include "support/support.h"

#include "engine/engine.h"
#include "sync/sync_docs.h"

static char dir[512];
static kiosk_config_t cfg;
static ledger_t *ledger;
static uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

static int setup(void **state)
{
    (void)state;
    kmsg_t msg;
    if (sodium_init() < 0 || !tmpdir_make(dir, sizeof dir))
        return -1;
    crypto_sign_keypair(pk, sk);
    config_defaults(&cfg);
    snprintf(cfg.kiosk_id, sizeof cfg.kiosk_id, "K1");
    snprintf(cfg.ledger_path, sizeof cfg.ledger_path, "%s/ledger.db", dir);
    sodium_bin2base64(cfg.sync_pubkey, sizeof cfg.sync_pubkey, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    return ledger_open(cfg.ledger_path, LEDGER_CREATE, NULL, &ledger, &msg) == K_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ledger_close(ledger);
    tmpdir_remove(dir);
    return 0;
}

/* An envelope as the back office sends it; the caller frees it. */
static char *envelope(const char *kind, int version, const char *body)
{
    char doc[1024], sig_b64[128], *out = malloc(4096);
    snprintf(doc, sizeof doc, "{\"kind\":\"%s\",\"version\":%d,\"kiosk\":\"*\",\"issued_at\":\"2026-11-21T09:00:00.000Z\",\"body\":%s}",
             kind, version, body);
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const uint8_t *)doc, strlen(doc), sk);
    sodium_bin2base64(sig_b64, sizeof sig_b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "kind", kind);
    cJSON_AddStringToObject(e, "document", doc);
    cJSON_AddStringToObject(e, "signature", sig_b64);
    char *text = cJSON_PrintUnformatted(e);
    snprintf(out, 4096, "%s", text);
    cJSON_free(text);
    cJSON_Delete(e);
    return out;
}

static kerr_t apply(const char *kind, const char *env, bool *applied, kmsg_t *msg)
{
    return sync_docs_apply(&cfg, ledger, kind, env, strlen(env), applied, msg);
}

static int64_t held(const char *kind)
{
    ledger_doc_t d;
    bool found;
    kmsg_t msg;
    assert_int_equal(ledger_doc_get(ledger, kind, &d, &found, &msg), K_OK);
    free(d.body);
    return found ? d.version : 0;
}

static int alerts_seen;
static void count_alert(void *ctx, const ledger_alert_t *a)
{
    (void)ctx;
    alerts_seen += strcmp(a->kind, "sync_document_refused") == 0;
}

static int refused_alerts(void)
{
    kmsg_t msg;
    alerts_seen = 0;
    assert_int_equal(ledger_alerts(ledger, NULL, true, count_alert, NULL, &msg), K_OK);
    return alerts_seen;
}

static void tampered_refused(void **state)
{
    (void)state;
    bool applied;
    kmsg_t msg;
    char *good = envelope("tariffs", 3, "{\"tariffs\":[{\"id\":\"home\",\"currency\":\"CNY\",\"text\":\"single 0.5283\"}]}");
    assert_int_equal(apply("tariffs", good, &applied, &msg), K_OK);
    assert_true(applied);
    char *bad = envelope("tariffs", 4, "{\"tariffs\":[{\"id\":\"home\",\"currency\":\"CNY\",\"text\":\"single 0.5283\"}]}");
    char *p = strstr(bad, "0.5283");
    p[2] = '0'; /* cheaper power, if the kiosk believed it */
    assert_int_equal(apply("tariffs", bad, &applied, &msg), K_ECORRUPT);
    assert_false(applied);
    assert_int_equal(held("tariffs"), 3); /* the old one kept */
    assert_int_equal(refused_alerts(), 1);
    free(good);
    free(bad);
}

static void rollback_refused(void **state)
{
    (void)state;
    bool applied;
    kmsg_t msg;
    char *v5 = envelope("registry", 5, "{\"meters\":[]}"), *v4 = envelope("registry", 4, "{\"meters\":[]}");
    assert_int_equal(apply("registry", v5, &applied, &msg), K_OK);
    assert_int_equal(apply("registry", v4, &applied, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "older than the version 5"));
    assert_int_equal(held("registry"), 5);
    assert_int_equal(apply("registry", v5, &applied, &msg), K_OK); /* the same again: nothing new */
    assert_false(applied);
    assert_int_equal(refused_alerts(), 1);
    free(v5);
    free(v4);
}

#define JAN_2027 INT64_C(1798761600000) /* 2027-01-01T00:00:00Z */

/* What `minor` buys at meter under the tariff in force at at_ms; -1 if
 * none is known. */
static int64_t bought(engine_t *e, const char *meter, int64_t at_ms, int64_t minor, engine_meter_profile_t *p)
{
    kmsg_t msg;
    int64_t milli;
    assert_int_equal(engine_meter_profile(e, meter, at_ms, p, &msg), K_OK);
    return p->has_tariff && meter_tariff_estimate(&p->tariff, minor, &milli) ? milli : -1;
}

/* Each meter's tariff comes from the registry document's tariff id looked
 * up in the tariffs document, with its kind; the configuration's ui.tariff
 * only while no tariffs document is applied. */
static void tariff_per_meter(void **state)
{
    (void)state;
    bool applied;
    kmsg_t msg;
    engine_t e = {.ledger = ledger, .cfg = &cfg};
    engine_meter_profile_t p;
    assert_int_equal(bought(&e, "000000000001", JAN_2027, 5000, &p), 94643); /* ui.tariff, single 0.5283 */
    assert_string_equal(p.tariff.id, "");
    char *reg = envelope("registry", 2,
                         "{\"meters\":[{\"meter\":\"000000000001\",\"kind\":\"electricity\",\"tariff\":\"home\"},"
                         "{\"meter\":\"000000000002\",\"kind\":\"electricity\",\"tariff\":\"shop\"},"
                         "{\"meter\":\"000000000003\",\"kind\":\"water\",\"tariff\":\"water\"}]}");
    char *tar = envelope("tariffs", 3,
                         "{\"tariffs\":[{\"id\":\"home\",\"currency\":\"CNY\",\"text\":\"single 0.5283\"},"
                         "{\"id\":\"shop\",\"currency\":\"CNY\",\"text\":\"single 1.00\"},"
                         "{\"id\":\"water\",\"currency\":\"CNY\",\"text\":\"single 4.10\"}]}");
    assert_int_equal(apply("registry", reg, &applied, &msg), K_OK);
    assert_int_equal(apply("tariffs", tar, &applied, &msg), K_OK);
    assert_int_equal(bought(&e, "000000000001", JAN_2027, 5000, &p), 94643);
    assert_string_equal(p.tariff.id, "home");
    assert_int_equal(bought(&e, "000000000002", JAN_2027, 5000, &p), 50000); /* another meter, another tariff */
    assert_string_equal(p.tariff.id, "shop");
    assert_int_equal(bought(&e, "000000000003", JAN_2027, 5000, &p), 12195); /* litres: 12.195 m3 */
    assert_int_equal(p.kind, METER_WATER);
    assert_int_equal(bought(&e, "000000000009", JAN_2027, 5000, &p), -1); /* no tariff id: no estimate */
    free(reg);
    free(tar);
}

/* A tariff change takes effect at its effective_at: the old version
 * applies until then, the new one from that instant on. */
static void tariff_change_at_effective_time(void **state)
{
    (void)state;
    bool applied;
    kmsg_t msg;
    engine_t e = {.ledger = ledger, .cfg = &cfg};
    engine_meter_profile_t p;
    char *reg = envelope("registry", 2, "{\"meters\":[{\"meter\":\"000000000001\",\"tariff\":\"home\"}]}");
    char *tar = envelope("tariffs", 3,
                         "{\"tariffs\":[{\"id\":\"home\",\"currency\":\"CNY\",\"text\":\"single 0.50\"},"
                         "{\"id\":\"home\",\"currency\":\"CNY\",\"text\":\"single 1.00\","
                         "\"effective_at\":\"2027-01-01T00:00:00.000Z\"}]}");
    assert_int_equal(apply("registry", reg, &applied, &msg), K_OK);
    assert_int_equal(apply("tariffs", tar, &applied, &msg), K_OK);
    assert_int_equal(bought(&e, "000000000001", JAN_2027 - 1, 5000, &p), 100000); /* 50.00 at 0.50: 100 kWh */
    assert_int_equal(p.tariff.from_ms, TARIFF_ALWAYS);
    assert_int_equal(bought(&e, "000000000001", JAN_2027, 5000, &p), 50000); /* at 1.00 from the instant on */
    assert_int_equal(p.tariff.from_ms, JAN_2027);
    assert_int_equal(bought(&e, "000000000001", JAN_2027 + 86400000, 5000, &p), 50000);
    free(reg);
    free(tar);
}

static void blocked_card_refused(void **state)
{
    (void)state;
    bool applied, blocked;
    kmsg_t msg;
    char reason[96];
    engine_t e = {.ledger = ledger, .cfg = &cfg};
    assert_int_equal(engine_card_blocked(&e, "0011223344556677", &blocked, reason, sizeof reason, &msg), K_OK);
    assert_false(blocked); /* no list yet */
    char *env = envelope("blocked-cards", 2, "{\"cards\":[{\"serial\":\"0011223344556677\",\"reason\":\"reported lost\"}]}");
    assert_int_equal(apply("blocked-cards", env, &applied, &msg), K_OK);
    assert_int_equal(engine_card_blocked(&e, "0011223344556677", &blocked, reason, sizeof reason, &msg), K_OK);
    assert_true(blocked);
    assert_string_equal(reason, "reported lost");
    assert_int_equal(engine_card_blocked(&e, "8899AABBCCDDEEFF", &blocked, reason, sizeof reason, &msg), K_OK);
    assert_false(blocked);
    /* the verdict a blocked card gets */
    engine_mcard_t card = {.verdict = MCARD_BLOCKED};
    snprintf(card.office_block, sizeof card.office_block, "reported lost");
    char id[UUID_STR_LEN];
    assert_int_equal(engine_mcard_open_sale(&e, &card, METHOD_CASH, 5000, id, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "blocked by the back office (reported lost)"));
    free(env);
}

static void settings_override_limits(void **state)
{
    (void)state;
    bool applied;
    kmsg_t msg;
    engine_t e = {.ledger = ledger, .cfg = &cfg};
    engine_limits_t l;
    assert_int_equal(engine_sale_limits(&e, &l, &msg), K_OK);
    assert_int_equal(l.offline.max_purchase, cfg.sync_offline_max_purchase);
    char *env = envelope("settings", 1,
                         "{\"settings\":{\"max_purchase\":90000,\"offline_max_purchase\":3000,\"offline_total\":9000,"
                         "\"offline_hours\":2,\"heartbeat_seconds\":30}}");
    assert_int_equal(apply("settings", env, &applied, &msg), K_OK);
    assert_int_equal(engine_sale_limits(&e, &l, &msg), K_OK);
    assert_int_equal(l.max_purchase, 90000);
    assert_int_equal(l.offline.max_purchase, 3000);
    assert_int_equal(l.offline.total, 9000);
    assert_int_equal(l.offline.hours, 2);
    assert_int_equal(l.heartbeat_s, 30);
    assert_int_equal(l.from_document, 1);
    free(env);
}

/* The offline sign follows the link: never answered or the last request
 * failed is offline; an answer just now is not; no back office, never. */
static void selling_offline_follows_the_link(void **state)
{
    (void)state;
    kmsg_t msg;
    kiosk_config_t c = cfg;
    c.sync_offline_after_s = 300;
    engine_t e = {.ledger = ledger, .cfg = &c};
    assert_false(engine_selling_offline(&e));
    snprintf(c.sync_url, sizeof c.sync_url, "https://bo.example");
    assert_true(engine_selling_offline(&e));
    assert_int_equal(ledger_sync_note(ledger, true, "", &msg), K_OK);
    assert_false(engine_selling_offline(&e));
    assert_int_equal(ledger_sync_note(ledger, false, "no answer", &msg), K_OK);
    assert_true(engine_selling_offline(&e));
}

static void no_key_no_document(void **state)
{
    (void)state;
    bool applied;
    kmsg_t msg;
    kiosk_config_t none = cfg;
    none.sync_pubkey[0] = '\0';
    char *env = envelope("tariffs", 9, "{\"tariffs\":[]}");
    assert_int_equal(sync_docs_apply(&none, ledger, "tariffs", env, strlen(env), &applied, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "sync.pubkey"));
    free(env);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(tampered_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(rollback_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(blocked_card_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(tariff_per_meter, setup, teardown),
    cmocka_unit_test_setup_teardown(tariff_change_at_effective_time, setup, teardown),
    cmocka_unit_test_setup_teardown(settings_override_limits, setup, teardown),
    cmocka_unit_test_setup_teardown(no_key_no_document, setup, teardown),
    cmocka_unit_test_setup_teardown(selling_offline_follows_the_link, setup, teardown),
};

KTEST_MAIN(tests)
