/* The Alipay client (backoffice/pay/bo_alipay*.c) against alipaysim, its
 * own process speaking the open API over HTTP: orders, the buyer's scan
 * and payment, query, cancel, refunds, notifications and the bill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "alipay/ali_fix.h"
#include "ktest.h"
#include "support/support.h"

static kmsg_t msg;

static bo_prov_answer_t query(ali_fix_t *f, const char *no)
{
    bo_prov_answer_t a;
    kerr_t rc = f->p.ops->query(f->p.ctx, no, &a, &msg);
    if (rc != K_OK)
        fail_msg("query %s: %s", no, msg.text);
    return a;
}

static kerr_t notify(ali_fix_t *f, const char *body, bo_prov_event_t *ev)
{
    bo_prov_http_t req = {.content_type = "application/x-www-form-urlencoded", .body = body, .body_len = strlen(body)};
    return f->p.ops->notify(f->p.ctx, &req, ev, &msg);
}

static void yuan_exact(void **state)
{
    (void)state;
    int64_t fen = -1;
    static const struct {
        const char *text;
        int64_t fen;
    } good[] = {{"0.01", 1}, {"12.30", 1230}, {"12.3", 1230}, {"5", 500}, {"10000000000.00", 1000000000000}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_true(bo_alipay_yuan_parse(good[i].text, &fen));
        assert_int_equal(fen, good[i].fen);
    }
    static const char *const bad[] = {"", "-1.00", "+1", "1.234", "1e2", ".5", "1.", " 1", "1,00", "0x10",
                                      "10000000001.00", "1.0a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(bo_alipay_yuan_parse(bad[i], &fen));
    char out[24];
    assert_true(bo_alipay_yuan_format(1, out, sizeof out));
    assert_string_equal(out, "0.01");
    assert_true(bo_alipay_yuan_format(123456, out, sizeof out));
    assert_string_equal(out, "1234.56");
    assert_false(bo_alipay_yuan_format(-1, out, sizeof out));
}

/* Precreated, the trade does not exist until scanned; then it waits. */
static void order_unseen_until_scanned(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_order(&f, "Q1001", 2550);
    assert_int_equal(query(&f, "Q1001").state, BO_PROV_UNKNOWN);
    fix_ctl(&f, "scan Q1001", NULL, 0);
    bo_prov_answer_t a = query(&f, "Q1001");
    assert_int_equal(a.state, BO_PROV_PENDING);
    assert_int_equal(a.amount, 2550);
    assert_true(a.trade_no[0]);
    fix_down(&f);
}

/* Paid from the phone: the query says paid with the amount and the time;
 * the notification arrives, verifies and says the same. */
static void paid_and_notified(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_order(&f, "Q2001", 10001);
    fix_ctl(&f, "pay Q2001", NULL, 0);
    bo_prov_answer_t a = query(&f, "Q2001");
    assert_int_equal(a.state, BO_PROV_PAID);
    assert_int_equal(a.amount, 10001);
    int64_t now = (int64_t)time(NULL) * 1000;
    assert_true(a.paid_at > now - 10000 && a.paid_at <= now + 1000);
    assert_int_equal(fix_wait_notes(&f, 1, 5000), 1);
    bo_prov_event_t ev;
    assert_int_equal(notify(&f, f.notes[0], &ev), K_OK);
    assert_false(ev.is_refund);
    assert_true(ev.id[0]);
    assert_string_equal(ev.trade.out_trade_no, "Q2001");
    assert_string_equal(ev.trade.trade_no, a.trade_no);
    assert_int_equal(ev.trade.state, BO_PROV_PAID);
    assert_int_equal(ev.trade.amount, 10001);
    assert_int_equal(ev.trade.paid_at, a.paid_at);
    assert_string_equal(f.p.ops->ack_body, "success");
    fix_down(&f);
}

/* Past its time_expire a waiting trade is closed and one never scanned
 * can no longer be scanned. */
static void expired(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    int64_t soon = ((int64_t)time(NULL) + 2) * 1000;
    bo_prov_order_t o = {.kind = BO_PROV_NATIVE, .out_trade_no = "E1", .amount = 100, .expires_at = soon};
    bo_prov_answer_t a;
    assert_int_equal(f.p.ops->create(f.p.ctx, &o, &a, &msg), K_OK);
    o.out_trade_no = "E2";
    assert_int_equal(f.p.ops->create(f.p.ctx, &o, &a, &msg), K_OK);
    fix_ctl(&f, "scan E1", NULL, 0);
    assert_int_equal(query(&f, "E1").state, BO_PROV_PENDING);
    while ((int64_t)time(NULL) * 1000 <= soon)
        usleep(100000);
    assert_int_equal(query(&f, "E1").state, BO_PROV_CLOSED);
    char reply[256];
    assert_false(sc_control(&f.sc, "pay E1", reply, sizeof reply));
    assert_false(sc_control(&f.sc, "pay E2", reply, sizeof reply));
    assert_non_null(strstr(reply, "expired"));
    assert_int_equal(query(&f, "E2").state, BO_PROV_UNKNOWN);
    fix_down(&f);
}

/* A notification changed on the way, or signed by someone else, is refused. */
static void forged_notification_refused(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_order(&f, "Q3001", 500);
    fix_ctl(&f, "pay Q3001", NULL, 0);
    assert_int_equal(fix_wait_notes(&f, 1, 5000), 1);
    bo_prov_event_t ev;
    char *forged = strdup(f.notes[0]), *at = strstr(forged, "total_amount=5.00");
    assert_non_null(at);
    at[13] = '9'; /* 9.00 */
    assert_int_equal(notify(&f, forged, &ev), K_ECORRUPT);
    free(forged);
    assert_int_equal(notify(&f, "trade_status=TRADE_SUCCESS&out_trade_no=Q3001&total_amount=5.00&sign=AAAA", &ev),
                     K_ECORRUPT);
    assert_int_equal(notify(&f, "not a form %zz", &ev), K_ECORRUPT);
    /* a field given twice: which one was signed? */
    char *twice = malloc(strlen(f.notes[0]) + 32);
    sprintf(twice, "%s&total_amount=9.00", f.notes[0]);
    assert_int_equal(notify(&f, twice, &ev), K_ECORRUPT);
    free(twice);
    /* the same notification verified by a client holding another Alipay key */
    bo_alipay_cfg_t other = f.cfg;
    snprintf(other.alipay_public_key_file, sizeof other.alipay_public_key_file, "%s", f.app_pub);
    bo_provider_t p2;
    assert_int_equal(bo_alipay_open(&other, &p2, &msg), K_OK);
    bo_prov_http_t req = {.body = f.notes[0], .body_len = strlen(f.notes[0])};
    assert_int_equal(p2.ops->notify(p2.ctx, &req, &ev, &msg), K_ECORRUPT);
    /* and its answers too */
    bo_prov_answer_t a;
    assert_int_equal(p2.ops->query(p2.ctx, "Q3001", &a, &msg), K_ECORRUPT);
    p2.ops->close(p2.ctx);
    assert_int_equal(notify(&f, f.notes[0], &ev), K_OK);
    fix_down(&f);
}

/* Retried until acknowledged; a duplicate carries the same notify_id. */
static void notification_retried_and_duplicated(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    f.refuse_next = 2;
    fix_ctl(&f, "dup-notify", NULL, 0);
    fix_order(&f, "Q4001", 800);
    fix_ctl(&f, "pay Q4001", NULL, 0);
    assert_int_equal(fix_wait_notes(&f, 2, 8000), 2);
    assert_int_equal(f.refuse_next, 0);
    bo_prov_event_t a, b;
    assert_int_equal(notify(&f, f.notes[0], &a), K_OK);
    assert_int_equal(notify(&f, f.notes[1], &b), K_OK);
    assert_string_equal(a.id, b.id);
    /* the simulator counts a copy once it has read our answer, a moment after we stored it */
    char reply[256] = "";
    for (int i = 0; i < 100 && !strstr(reply, "notified=2"); i++, usleep(20000))
        fix_ctl(&f, "state Q4001", reply, sizeof reply);
    assert_non_null(strstr(reply, "notified=2"));
    fix_down(&f);
}

/* Late: nothing comes before the delay, the notification after it. */
static void notification_late(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_ctl(&f, "late-notify 1500", NULL, 0);
    fix_order(&f, "Q4101", 800);
    fix_ctl(&f, "pay Q4101", NULL, 0);
    assert_int_equal(fix_wait_notes(&f, 1, 1000), 0);
    assert_int_equal(query(&f, "Q4101").state, BO_PROV_PAID);
    assert_int_equal(fix_wait_notes(&f, 1, 5000), 1);
    fix_down(&f);
}

/* Cancel closes a scanned trade; one never scanned has nothing to close;
 * a paid one is refunded by Alipay, which the caller is told. */
static void cancel_seen_unseen_paid(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_order(&f, "Q5001", 300);
    assert_int_equal(f.p.ops->cancel(f.p.ctx, "Q5001", &msg), K_OK);
    assert_int_equal(f.p.ops->cancel(f.p.ctx, "NEVER-PLACED", &msg), K_OK);
    fix_order(&f, "Q5002", 300);
    fix_ctl(&f, "scan Q5002", NULL, 0);
    assert_int_equal(f.p.ops->cancel(f.p.ctx, "Q5002", &msg), K_OK);
    assert_int_equal(query(&f, "Q5002").state, BO_PROV_CLOSED);
    char reply[256];
    assert_false(sc_control(&f.sc, "pay Q5002", reply, sizeof reply));
    fix_order(&f, "Q5003", 300);
    fix_ctl(&f, "pay Q5003", NULL, 0);
    assert_int_equal(f.p.ops->cancel(f.p.ctx, "Q5003", &msg), K_ESTATE);
    assert_int_equal(query(&f, "Q5003").state, BO_PROV_REFUNDED);
    fix_down(&f);
}

/* Asked twice under the same refund number, the money moves once. */
static void refund_once_when_asked_twice(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_order(&f, "Q6001", 1999);
    fix_ctl(&f, "pay Q6001", NULL, 0);
    bo_prov_refund_t r;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(f.p.ops->refund(f.p.ctx, "Q6001", "R6001", 1999, 1999, &r, &msg), K_OK);
        assert_int_equal(r.state, BO_PROV_REFUND_SUCCESS);
        assert_int_equal(r.amount, 1999);
    }
    char reply[256];
    fix_ctl(&f, "state Q6001", reply, sizeof reply);
    assert_non_null(strstr(reply, "refunded=1999 refunds=1"));
    assert_int_equal(f.p.ops->refund_query(f.p.ctx, "Q6001", "R6001", &r, &msg), K_OK);
    assert_int_equal(r.state, BO_PROV_REFUND_SUCCESS);
    assert_int_equal(r.amount, 1999);
    assert_int_equal(f.p.ops->refund_query(f.p.ctx, "Q6001", "R-NONE", &r, &msg), K_ENOTFOUND);
    assert_int_equal(query(&f, "Q6001").state, BO_PROV_REFUNDED);
    /* a second refund number finds nothing left to refund */
    assert_int_equal(f.p.ops->refund(f.p.ctx, "Q6001", "R6002", 1, 1999, &r, &msg), K_EDENIED);
    assert_int_equal(r.state, BO_PROV_REFUND_FAILED);
    assert_true(r.code[0]);
    /* the full refund's notification says refunded */
    assert_int_equal(fix_wait_notes(&f, 2, 5000), 2);
    bo_prov_event_t ev;
    assert_int_equal(notify(&f, f.notes[1], &ev), K_OK);
    assert_true(ev.is_refund);
    assert_int_equal(ev.trade.state, BO_PROV_REFUNDED);
    assert_int_equal(ev.trade.amount, 1999);
    fix_down(&f);
}

/* The first answer is a system error: asked again, the refund is made once. */
static void refund_fails_first(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_order(&f, "Q7001", 700);
    fix_ctl(&f, "pay Q7001", NULL, 0);
    fix_ctl(&f, "refund-fail 1", NULL, 0);
    bo_prov_refund_t r;
    assert_int_equal(f.p.ops->refund(f.p.ctx, "Q7001", "R7001", 700, 700, &r, &msg), K_EIO);
    assert_int_equal(r.state, BO_PROV_REFUND_PROCESSING);
    assert_int_equal(f.p.ops->refund_query(f.p.ctx, "Q7001", "R7001", &r, &msg), K_ENOTFOUND);
    assert_int_equal(f.p.ops->refund(f.p.ctx, "Q7001", "R7001", 700, 700, &r, &msg), K_OK);
    assert_int_equal(r.state, BO_PROV_REFUND_SUCCESS);
    char reply[256];
    fix_ctl(&f, "state Q7001", reply, sizeof reply);
    assert_non_null(strstr(reply, "refunded=700 refunds=1"));
    fix_down(&f);
}

/* A gateway slower than the timeout is "try again" (K_EIO), then answers. */
static void gateway_timeout(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 1);
    fix_order(&f, "Q8001", 100);
    fix_ctl(&f, "stall 1 2500", NULL, 0);
    bo_prov_answer_t a;
    assert_int_equal(f.p.ops->query(f.p.ctx, "Q8001", &a, &msg), K_EIO);
    assert_int_equal(f.p.ops->query(f.p.ctx, "Q8001", &a, &msg), K_OK);
    fix_down(&f);
}

static size_t sink(char *p, size_t s, size_t n, void *arg)
{
    (void)p;
    long *got = arg;
    *got += (long)(s * n);
    return s * n;
}

/* The phone page: a signed gateway address the browser opens; the trade
 * exists from then on, and is paid like a scanned one. */
static void phone_page(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    bo_prov_order_t o = {.kind = BO_PROV_H5, .out_trade_no = "H9001", .amount = 3000, .currency = "CNY",
                         .description = "water", .client_ip = "10.0.0.7", .return_url = "https://bo.example/m/1"};
    bo_prov_answer_t a;
    assert_int_equal(f.p.ops->create(f.p.ctx, &o, &a, &msg), K_OK);
    assert_non_null(strstr(a.url, "method=alipay.trade.wap.pay"));
    assert_int_equal(query(&f, "H9001").state, BO_PROV_UNKNOWN);
    CURL *h = curl_easy_init();
    long got = 0, status = 0;
    curl_easy_setopt(h, CURLOPT_URL, a.url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    assert_int_equal(status, 200);
    assert_true(got > 0);
    assert_int_equal(query(&f, "H9001").state, BO_PROV_PENDING);
    fix_ctl(&f, "pay H9001", NULL, 0);
    assert_int_equal(query(&f, "H9001").state, BO_PROV_PAID);
    fix_down(&f);
}

typedef struct rows {
    bo_prov_bill_row_t r[8];
    int n;
} rows_t;

static void keep_row(void *arg, const bo_prov_bill_row_t *row)
{
    rows_t *rs = arg;
    if (rs->n < 8)
        rs->r[rs->n++] = *row;
}

/* The day's bill (a zip of GBK CSV files) lists each payment and refund. */
static void bill_parsed(void **state)
{
    (void)state;
    ali_fix_t f;
    fix_up(&f, 5);
    fix_order(&f, "B1", 1234);
    fix_order(&f, "B2", 99);
    fix_order(&f, "B3", 5);
    fix_ctl(&f, "pay B1", NULL, 0);
    fix_ctl(&f, "pay B2", NULL, 0);
    bo_prov_refund_t r;
    assert_int_equal(f.p.ops->refund(f.p.ctx, "B2", "RB2", 99, 99, &r, &msg), K_OK);
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    char day[16];
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    rows_t rs = {.n = 0};
    kerr_t rc = f.p.ops->bill(f.p.ctx, day, keep_row, &rs, &msg);
    if (rc != K_OK)
        fail_msg("bill: %s", msg.text);
    assert_int_equal(rs.n, 3);
    int64_t sum = 0;
    int refunds = 0;
    for (int i = 0; i < rs.n; i++) {
        sum += rs.r[i].amount;
        refunds += rs.r[i].refund;
        assert_true(strcmp(rs.r[i].out_trade_no, "B1") == 0 || strcmp(rs.r[i].out_trade_no, "B2") == 0);
        assert_true(rs.r[i].trade_no[0] && rs.r[i].at > 0);
    }
    assert_int_equal(sum, 1234);
    assert_int_equal(refunds, 1);
    fix_down(&f);
}

/* The CSV's columns are found by name; a file without them is refused. */
static void bill_csv_columns(void **state)
{
    (void)state;
    static const char text[] = "#支付宝业务明细查询\n#账号：[x]\n"
                               "商户订单号,业务类型,订单金额（元）,完成时间,支付宝交易号\n"
                               "A1\t,交易,12.00,2026-12-07 10:00:00,T1\t\n"
                               "A1\t,退款,-2.50,2026-12-07 11:00:00,T1\t\n#交易合计：1笔\n";
    rows_t rs = {.n = 0};
    assert_int_equal(bo_alipay_bill_csv(text, strlen(text), keep_row, &rs, &msg), K_OK);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.r[0].amount, 1200);
    assert_int_equal(rs.r[1].amount, -250);
    assert_true(rs.r[1].refund);
    assert_string_equal(rs.r[1].out_trade_no, "A1");
    assert_int_equal(rs.r[0].at, 1796608800000LL); /* 2026-12-07 02:00:00 UTC */
    static const char broken[] = "商户订单号,业务类型,订单金额（元）,完成时间,支付宝交易号\nA1,交易,12.001,x,T1\n";
    assert_int_equal(bo_alipay_bill_csv(broken, strlen(broken), keep_row, &rs, &msg), K_ECORRUPT);
    static const char none[] = "a,b\n1,2\n";
    assert_int_not_equal(bo_alipay_bill_csv(none, strlen(none), keep_row, &rs, &msg), K_OK);
}

/* [alipay] in backoffice.ini: kept by bo_config_load, read and checked by
 * bo_alipay_cfg_from, an unknown key or a bad value named. */
static void config_section(void **state)
{
    (void)state;
    char dir[512];
    assert_true(tmpdir_make(dir, sizeof dir));
    assert_true(file_write(dir, "bo.ini",
                           "[server]\nport = 9000\n[alipay]\napp_id = 2021000000000009\n"
                           "private_key_file = /k/app.key\nalipay_public_key_file = /k/ali.pub\n"
                           "gateway = http://127.0.0.1:1234/gateway.do\ntimeout_seconds = 7\n"));
    assert_true(file_write(dir, "none.ini", "[server]\nport = 9000\n"));
    assert_true(file_write(dir, "bad.ini", "[alipay]\napp_id = 1\ncolour = blue\n"));
    assert_true(file_write(dir, "short.ini", "[alipay]\napp_id = 1\n"));
    char path[600];
    bo_config_t bc;
    bo_alipay_cfg_t c;
    bool on = true;
    snprintf(path, sizeof path, "%s/bo.ini", dir);
    assert_int_equal(bo_config_load(path, &bc, &msg), K_OK);
    assert_int_equal(bo_alipay_cfg_from(&bc, &c, &on, &msg), K_OK);
    assert_true(on);
    assert_string_equal(c.app_id, "2021000000000009");
    assert_string_equal(c.gateway, "http://127.0.0.1:1234/gateway.do");
    assert_int_equal(c.timeout_s, 7);
    snprintf(path, sizeof path, "%s/none.ini", dir);
    assert_int_equal(bo_config_load(path, &bc, &msg), K_OK);
    assert_int_equal(bo_alipay_cfg_from(&bc, &c, &on, &msg), K_OK);
    assert_false(on);
    assert_string_equal(c.gateway, "https://openapi.alipay.com/gateway.do");
    snprintf(path, sizeof path, "%s/bad.ini", dir);
    assert_int_equal(bo_config_load(path, &bc, &msg), K_OK);
    assert_int_equal(bo_alipay_cfg_from(&bc, &c, &on, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "colour is not a setting"));
    snprintf(path, sizeof path, "%s/short.ini", dir);
    assert_int_equal(bo_config_load(path, &bc, &msg), K_OK);
    assert_int_equal(bo_alipay_cfg_from(&bc, &c, &on, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "private_key_file"));
    snprintf(path, sizeof path, "%s/bo.ini", dir);
    assert_int_equal(bo_config_load(path, &bc, &msg), K_OK);
    assert_int_equal(bo_config_set(&bc, "alipay.timeout_seconds=500", &msg), K_OK); /* replaces 7 */
    assert_int_equal(bo_alipay_cfg_from(&bc, &c, &on, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "timeout_seconds = '500'"));
    tmpdir_remove(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(config_section),
    cmocka_unit_test(yuan_exact),
    cmocka_unit_test(order_unseen_until_scanned),
    cmocka_unit_test(paid_and_notified),
    cmocka_unit_test(expired),
    cmocka_unit_test(forged_notification_refused),
    cmocka_unit_test(notification_retried_and_duplicated),
    cmocka_unit_test(notification_late),
    cmocka_unit_test(cancel_seen_unseen_paid),
    cmocka_unit_test(refund_once_when_asked_twice),
    cmocka_unit_test(refund_fails_first),
    cmocka_unit_test(gateway_timeout),
    cmocka_unit_test(phone_page),
    cmocka_unit_test(bill_parsed),
    cmocka_unit_test(bill_csv_columns),
};

KTEST_MAIN(tests)
