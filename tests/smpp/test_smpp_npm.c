/* The SMS channel against an SMSC nobody here wrote: the npm smpp
 * package's server (tests/smsc/server.js), which prints what it got as
 * JSON lines. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "smpp/smsc_fixture.h"
#include "support/support.h"

static smsc_fix_t fx;

static const bo_smpp_config_t cfg = {
    .system_id = "kiosk", .password = "secret", .source = "Utility", .source_ton = 5,
    .window = 3, .timeout_ms = 3000, .backoff_ms = 100, .backoff_max_ms = 200,
};

static void start(void)
{
    const char *node = getenv("NODE"), *script = getenv("SMSC_JS");
    assert_non_null(node);
    assert_non_null(script);
    const char *argv[] = {node, script, "--ports-file", "PORTS", NULL};
    if (!fix_start(&fx, argv))
        fail_msg("the npm SMSC did not start: is tests/smsc/node_modules there (scripts/install-deps runs npm ci)?");
}

/* The JSON line of the SMSC's log whose event is event and whose field
 * key (if given) is value; NULL if none. The caller frees it. */
static cJSON *event(const char *ev, const char *key, const char *value)
{
    char *log = file_read(fx.sc.dir, "smsc.log");
    assert_non_null(log);
    cJSON *found = NULL;
    for (char *line = strtok(log, "\n"); line && !found; line = strtok(NULL, "\n")) {
        cJSON *o = line[0] == '{' ? cJSON_Parse(line) : NULL;
        cJSON *e = cJSON_GetObjectItem(o, "event"), *k = key ? cJSON_GetObjectItem(o, key) : NULL;
        if (cJSON_IsString(e) && !strcmp(e->valuestring, ev) && (!key || (cJSON_IsString(k) && !strcmp(k->valuestring, value))))
            found = o;
        else
            cJSON_Delete(o);
    }
    free(log);
    return found;
}

static bo_send_outcome_t send_to(const char *to, const char *text, char id[72], kmsg_t *msg)
{
    bo_notice_msg_t m = {"evt-9/sms", to, "zh_CN", "", text, ""};
    return fx.ch.ops->send(fx.ch.ctx, &m, id, msg);
}

static void short_and_long_texts_with_receipts(void **state)
{
    (void)state;
    start();
    fix_open(&fx, cfg);
    char id_en[72], id_zh[72], text[1024] = "";
    kmsg_t msg = {""};
    while (strlen(text) < 450)
        strcat(text, "尊敬的住户：您的电费余额不足，请及时充值。");
    assert_int_equal(send_to("8613812345678", "Balance low: 12.50 CNY left.", id_en, &msg), BO_SEND_OK);
    assert_int_equal(send_to("8613812345678", text, id_zh, &msg), BO_SEND_OK);
    assert_string_not_equal(id_en, id_zh);

    assert_int_equal(fix_reports(&fx, 2, 5000), 2); /* one receipt; three joined into one */
    assert_int_equal(fix_reports(&fx, 1, 300), 0);
    assert_string_equal(fx.got[0].provider_id, id_en);
    assert_string_equal(fx.got[1].provider_id, id_zh);
    assert_true(fx.got[0].delivered && fx.got[1].delivered);
    assert_string_equal(fx.got[1].state, "DELIVRD");

    cJSON *en = event("message", "text", "Balance low: 12.50 CNY left.");
    assert_non_null(en);
    assert_int_equal(cJSON_GetObjectItem(en, "parts")->valueint, 1);
    assert_string_equal(cJSON_GetObjectItem(en, "to")->valuestring, "8613812345678");
    cJSON_Delete(en);
    cJSON *zh = event("message", "text", text); /* the exact text, its parts joined by the npm side */
    assert_non_null(zh);
    assert_int_equal(cJSON_GetObjectItem(zh, "parts")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(zh, "data_coding")->valueint, 8);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(zh, "ids"), 0)->valuestring, id_zh);
    cJSON_Delete(zh);
    cJSON *bind = event("bind", "system_id", "kiosk");
    assert_non_null(bind);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(bind, "ok")));
    cJSON_Delete(bind);
    fix_stop(&fx);
}

static void refused_and_throttled(void **state)
{
    (void)state;
    start();
    fix_open(&fx, cfg);
    char id[72];
    kmsg_t msg = {""};
    assert_int_equal(send_to("8613800000011", "x", id, &msg), BO_SEND_REJECTED);
    assert_non_null(strstr(msg.text, "ESME_RINVDSTADR"));
    assert_int_equal(send_to("8613800000058", "x", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "ESME_RTHROTTLED"));
    assert_int_equal(send_to("8613812345678", "x", id, &msg), BO_SEND_RETRY); /* slowing down: not tried */
    assert_non_null(strstr(msg.text, "slowing down"));
    cJSON *r = event("refused", NULL, NULL);
    assert_non_null(r);
    cJSON_Delete(r);
    fix_stop(&fx);
}

static void wrong_password_is_retried(void **state)
{
    (void)state;
    start();
    bo_smpp_config_t c = cfg;
    c.password = "wrong";
    fix_open(&fx, c);
    char id[72];
    kmsg_t msg = {""};
    assert_int_equal(send_to("8613812345678", "x", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "ESME_RBINDFAIL"));
    assert_null(event("message", NULL, NULL));
    fix_stop(&fx);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(short_and_long_texts_with_receipts),
    cmocka_unit_test(refused_and_throttled),
    cmocka_unit_test(wrong_password_is_retried),
};

KTEST_MAIN(tests)
