/* The SMS channel against smscsim, its own process with its own codec:
 * short and long texts, receipts, a dropped session (nothing lost),
 * throttling, temporary and permanent refusals, silence, enquire_link. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "ktest.h"
#include "support/support.h"
#include "smpp/smsc_fixture.h"

#define TO "8613812345678"

static smsc_fix_t fx;

static const bo_smpp_config_t base_cfg = {
    .system_id = "kiosk", .password = "secret", .source = "Utility", .source_ton = 5, .source_npi = 0,
    .window = 4, .timeout_ms = 1500, .enquire_ms = 30000, .backoff_ms = 100, .backoff_max_ms = 200,
};

static void start(bo_smpp_config_t c)
{
    const char *bin = getenv("SMSCSIM");
    assert_non_null(bin);
    const char *argv[] = {bin, "--port", "0", "--control", "0", "--ports-file", "PORTS", "--password", "secret",
                          "--log-level", "debug", NULL};
    assert_true(fix_start(&fx, argv));
    fix_open(&fx, c);
}

static char *ctl(const char *cmd)
{
    static char reply[1 << 16];
    if (!sc_control(&fx.sc, cmd, reply, sizeof reply))
        fail_msg("control %s: %s", cmd, reply);
    return reply + 2 + (reply[2] == ' ');
}

/* The messages smscsim took, as a JSON array. */
static cJSON *listed(void)
{
    cJSON *arr = cJSON_Parse(ctl("list"));
    assert_non_null(arr);
    return arr;
}

static const char *field(cJSON *arr, int i, const char *name)
{
    cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(arr, i), name);
    assert_non_null(v);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long counter(const char *name)
{
    const char *at = strstr(ctl("count"), name);
    assert_non_null(at);
    return strtol(at + strlen(name) + 1, NULL, 10);
}

static bo_send_outcome_t send_text(const char *to, const char *text, char id[72], kmsg_t *msg)
{
    bo_notice_msg_t m = {"evt-1/sms", to, "zh_CN", "", text, ""};
    msg->text[0] = '\0';
    return fx.ch.ops->send(fx.ch.ctx, &m, id, msg);
}

static void short_english_and_its_receipt(void **state)
{
    (void)state;
    start(base_cfg);
    char id[72];
    kmsg_t msg;
    assert_int_equal(send_text(TO, "Balance low: 12.50 CNY left.", id, &msg), BO_SEND_OK);
    assert_true(id[0]);
    cJSON *arr = listed();
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    assert_string_equal(field(arr, 0, "text"), "Balance low: 12.50 CNY left.");
    assert_string_equal(field(arr, 0, "to"), TO);
    assert_string_equal(field(arr, 0, "from"), "Utility");
    assert_string_equal(field(arr, 0, "id"), id);
    cJSON_Delete(arr);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "receipt %s DELIVRD", id);
    ctl(cmd);
    assert_int_equal(fix_reports(&fx, 1, 3000), 1);
    assert_string_equal(fx.got[0].provider_id, id);
    assert_true(fx.got[0].delivered);
    assert_string_equal(fx.got[0].state, "DELIVRD");
    assert_true(fx.got[0].at_ms > 0);
    fix_stop(&fx);
}

static void long_chinese_in_three_parts(void **state)
{
    (void)state;
    start(base_cfg);
    char text[1024] = "";
    while (strlen(text) < 150 * 3)
        strcat(text, "尊敬的住户：您的电费余额不足，请及时充值。");
    char id[72];
    kmsg_t msg;
    assert_int_equal(send_text(TO, text, id, &msg), BO_SEND_OK);
    cJSON *arr = listed();
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    assert_string_equal(field(arr, 0, "text"), text);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "parts")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "data_coding")->valueint, 8);
    assert_string_equal(field(arr, 0, "id"), id);
    char ids[3][16];
    assert_int_equal(sscanf(field(arr, 0, "ids"), "%15s %15s %15s", ids[0], ids[1], ids[2]), 3);
    cJSON_Delete(arr);
    char cmd[128];
    for (int i = 0; i < 3; i++) { /* one part undelivered: the message is not delivered */
        snprintf(cmd, sizeof cmd, "receipt %s %s", ids[i], i == 1 ? "UNDELIV" : "DELIVRD");
        ctl(cmd);
    }
    assert_int_equal(fix_reports(&fx, 1, 3000), 1);
    assert_int_equal(fix_reports(&fx, 1, 300), 0); /* one report for the three parts */
    assert_string_equal(fx.got[0].provider_id, id);
    assert_false(fx.got[0].delivered);
    assert_string_equal(fx.got[0].state, "UNDELIV");
    fix_stop(&fx);
}

static void dropped_session_loses_nothing(void **state)
{
    (void)state;
    start(base_cfg);
    char id[72];
    kmsg_t msg;
    assert_int_equal(send_text(TO, "first", id, &msg), BO_SEND_OK);
    assert_string_equal(ctl("drop"), "1");
    usleep(50000);
    assert_int_equal(send_text(TO, "second", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "session"));
    bo_send_outcome_t o = BO_SEND_RETRY;
    for (int i = 0; i < 50 && o == BO_SEND_RETRY; i++) {
        usleep(50000);
        o = send_text(TO, "second", id, &msg);
    }
    assert_int_equal(o, BO_SEND_OK);
    cJSON *arr = listed();
    assert_int_equal(cJSON_GetArraySize(arr), 2); /* "second" once: nothing lost, nothing twice */
    assert_string_equal(field(arr, 1, "text"), "second");
    cJSON_Delete(arr);
    assert_int_equal(counter("binds"), 2);
    fix_stop(&fx);
}

static void throttling_slows_down(void **state)
{
    (void)state;
    start(base_cfg);
    char id[72];
    kmsg_t msg;
    ctl("throttle on");
    assert_int_equal(send_text(TO, "hello", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "ESME_RTHROTTLED"));
    assert_int_equal(send_text(TO, "hello", id, &msg), BO_SEND_RETRY); /* at once: not even tried */
    assert_int_equal(counter("throttled"), 1);
    usleep(120000);
    assert_int_equal(send_text(TO, "hello", id, &msg), BO_SEND_RETRY); /* throttled again: twice as slow */
    assert_non_null(strstr(msg.text, "one per 200 ms"));
    assert_int_equal(counter("throttled"), 2);
    assert_int_equal(send_text(TO, "hello", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "slowing down"));
    assert_int_equal(counter("throttled"), 2);
    ctl("throttle off");
    usleep(250000);
    assert_int_equal(send_text(TO, "hello", id, &msg), BO_SEND_OK);
    assert_int_equal(counter("messages"), 1);
    fix_stop(&fx);
}

static void refusals_permanent_and_temporary(void **state)
{
    (void)state;
    start(base_cfg);
    char id[72];
    kmsg_t msg;
    ctl("reject 0B");
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_REJECTED);
    assert_non_null(strstr(msg.text, "ESME_RINVDSTADR"));
    assert_null(strstr(msg.text, TO));
    ctl("fail 1");
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "ESME_RSYSERR"));
    ctl("reject 14");
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_RETRY); /* ESME_RMSGQFUL: later */
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_OK);
    assert_int_equal(send_text("13800", "\xC0\xAF", id, &msg), BO_SEND_REJECTED); /* not UTF-8 */
    assert_int_equal(send_text("+86138", "x", id, &msg), BO_SEND_REJECTED);      /* not digits */
    assert_int_equal(counter("submits"), 4);
    fix_stop(&fx);
}

static void silence_and_refused_bind(void **state)
{
    (void)state;
    bo_smpp_config_t c = base_cfg;
    c.timeout_ms = 400;
    start(c);
    char id[72];
    kmsg_t msg;
    ctl("refuse 1");
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "refused the bind"));
    usleep(250000);
    ctl("silent 1");
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_RETRY);
    assert_non_null(strstr(msg.text, "went silent"));
    usleep(250000);
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_OK);
    assert_int_equal(counter("binds"), 2);
    fix_stop(&fx);
}

static void enquire_link_when_idle(void **state)
{
    (void)state;
    bo_smpp_config_t c = base_cfg;
    c.enquire_ms = 100;
    start(c);
    char id[72];
    kmsg_t msg;
    assert_int_equal(send_text(TO, "x", id, &msg), BO_SEND_OK);
    assert_int_equal(counter("enquires"), 0);
    for (int i = 0; i < 10; i++) {
        usleep(60000);
        fix_reports(&fx, 1, 0);
    }
    assert_true(counter("enquires") >= 2);
    assert_int_equal(counter("bound"), 1);
    fix_stop(&fx);
}

/* The hex digits of every dump line in log, run together. */
static char *dumped_hex(const char *log)
{
    char *out = calloc(1, strlen(log) + 1);
    size_t n = 0;
    for (const char *line = log; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *at = strstr(line, ": ");
        const char *end = strchr(line, '\n');
        if (!at || (end && at > end) || !strstr(line, "smpp:   "))
            continue;
        at = strstr(at + 2, ": ");
        for (at = at ? at + 2 : end; at && at < (end ? end : at + strlen(at)); at++)
            if (*at != ' ')
                out[n++] = *at;
    }
    return out;
}

static void numbers_never_logged(void **state)
{
    (void)state;
    start(base_cfg);
    char path[700], id[72];
    kmsg_t msg;
    snprintf(path, sizeof path, "%s/channel.log", fx.sc.dir);
    fflush(stderr);
    int saved = dup(2);
    FILE *f = freopen(path, "w", stderr);
    assert_non_null(f);
    log_set_level(LOG_DEBUG);
    bo_send_outcome_t o = send_text(TO, "Balance low", id, &msg);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "receipt %s DELIVRD", id);
    ctl(cmd);
    int got = fix_reports(&fx, 1, 3000);
    log_set_level(LOG_WARN);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(o, BO_SEND_OK);
    assert_int_equal(got, 1);
    char *log = file_read(fx.sc.dir, "channel.log");
    assert_non_null(log);
    assert_non_null(strstr(log, "861******5678"));
    assert_null(strstr(log, TO));
    char *hex = dumped_hex(log);
    assert_non_null(strstr(hex, "00000004")); /* the submit_sm was dumped */
    assert_non_null(strstr(hex, "00000005")); /* and the receipt */
    assert_non_null(strstr(hex, "3836312A2A2A2A2A2A35363738")); /* "861******5678" */
    assert_null(strstr(hex, "38363133383132333435363738"));
    free(hex);
    free(log);
    fix_stop(&fx);
}

static void transmitter_asks_no_receipts(void **state)
{
    (void)state;
    bo_smpp_config_t c = base_cfg;
    c.transmitter = true;
    start(c);
    char id[72], reply[256];
    kmsg_t msg;
    ctl("auto-receipt on");
    assert_int_equal(send_text(TO, "hello", id, &msg), BO_SEND_OK);
    assert_int_equal(counter("receipts"), 0); /* registered_delivery 0 */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "receipt %s DELIVRD", id);
    assert_false(sc_control(&fx.sc, cmd, reply, sizeof reply)); /* bound as a transmitter: nowhere to send it */
    assert_non_null(strstr(reply, "no ESME bound as receiver"));
    fix_stop(&fx);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(transmitter_asks_no_receipts),
    cmocka_unit_test(numbers_never_logged),
    cmocka_unit_test(short_english_and_its_receipt), cmocka_unit_test(long_chinese_in_three_parts),
    cmocka_unit_test(dropped_session_loses_nothing), cmocka_unit_test(throttling_slows_down),
    cmocka_unit_test(refusals_permanent_and_temporary), cmocka_unit_test(silence_and_refused_bind),
    cmocka_unit_test(enquire_link_when_idle),
};

KTEST_MAIN(tests)
