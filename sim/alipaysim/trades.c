/* alipaysim's trade methods: what gateway.do answers for each. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alipaysim/alisim.h"

static const char *const state_names[] = {"NOT_SCANNED", "WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_CLOSED"};

const char *as_state_name(as_state_t st)
{
    return state_names[st];
}

as_trade_t *as_trade_find(alisim_t *s, const char *out_trade_no)
{
    for (int i = 0; i < ALISIM_TRADES; i++)
        if (s->trades[i].used && strcmp(s->trades[i].out_trade_no, out_trade_no) == 0)
            return &s->trades[i];
    return NULL;
}

static char *refuse(const char *sub_code, const char *sub_msg)
{
    as_json_t j = {0};
    as_json_str(&j, "code", strcmp(sub_code, "ACQ.SYSTEM_ERROR") == 0 ? "20000" : "40004");
    as_json_str(&j, "msg", strcmp(sub_code, "ACQ.SYSTEM_ERROR") == 0 ? "Service Currently Unavailable"
                                                                     : "Business Failed");
    as_json_str(&j, "sub_code", sub_code);
    as_json_str(&j, "sub_msg", sub_msg);
    return as_json_end(&j);
}

static void ok_head(as_json_t *j, const as_trade_t *t)
{
    as_json_str(j, "code", "10000");
    as_json_str(j, "msg", "Success");
    if (t && t->trade_no[0])
        as_json_str(j, "trade_no", t->trade_no);
    if (t)
        as_json_str(j, "out_trade_no", t->out_trade_no);
}

static const char *str(const cJSON *b, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *precreate(alisim_t *s, const cJSON *b, const as_kv_t *common, bool page)
{
    const char *no = str(b, "out_trade_no"), *amount = str(b, "total_amount"), *subject = str(b, "subject");
    int64_t fen = 0;
    if (!no || !*no || strlen(no) > 64 || !subject || !amount || !as_fen(amount, &fen) || fen <= 0)
        return refuse("ACQ.INVALID_PARAMETER", "out_trade_no, total_amount and subject are needed");
    as_trade_t *t = as_trade_find(s, no);
    if (t && t->state != AS_NEW && t->state != AS_WAIT)
        return refuse(t->state == AS_SUCCESS ? "ACQ.TRADE_HAS_SUCCESS" : "ACQ.TRADE_HAS_CLOSE", "trade not open");
    if (t && t->total != fen)
        return refuse("ACQ.CONTEXT_INCONSISTENT", "same out_trade_no, another amount");
    for (int i = 0; !t && i < ALISIM_TRADES; i++)
        if (!s->trades[i].used) {
            t = &s->trades[i];
            memset(t, 0, sizeof *t);
            t->used = true;
            snprintf(t->out_trade_no, sizeof t->out_trade_no, "%s", no);
            snprintf(t->subject, sizeof t->subject, "%s", subject);
            const char *url = as_kv_get(common, "notify_url");
            snprintf(t->notify_url, sizeof t->notify_url, "%s", url ? url : "");
            t->total = fen;
            t->created_ms = as_now_ms();
            const char *expire = str(b, "time_expire");
            if (expire && !as_time_parse(expire, &t->expire_ms))
                t->expire_ms = 0;
        }
    if (!t)
        return refuse("ACQ.SYSTEM_ERROR", "the simulator's trade table is full");
    const char *why;
    if (page && t->state == AS_NEW)
        as_scan(s, t, &why); /* the payer opened the page: the trade exists now */
    as_json_t j = {0};
    ok_head(&j, NULL);
    as_json_str(&j, "out_trade_no", t->out_trade_no);
    char qr[128];
    snprintf(qr, sizeof qr, "https://qr.alipay.com/bax%05d%s", (int)(t - s->trades), t->out_trade_no);
    as_json_str(&j, "qr_code", qr);
    return as_json_end(&j);
}

/* A waiting trade past its time_expire closes; one never scanned can no
 * longer be (see as_scan). */
static void expire(as_trade_t *t)
{
    if (t->expire_ms && as_now_ms() >= t->expire_ms && t->state == AS_WAIT) {
        t->state = AS_CLOSED;
        t->closed_ms = t->expire_ms;
    }
}

static as_trade_t *seen(alisim_t *s, const cJSON *b)
{
    const char *no = str(b, "out_trade_no");
    as_trade_t *t = no ? as_trade_find(s, no) : NULL;
    if (t)
        expire(t);
    return t && t->state != AS_NEW ? t : NULL;
}

static char *query(alisim_t *s, const cJSON *b)
{
    as_trade_t *t = seen(s, b);
    if (!t)
        return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在");
    char yuan[24], when[20];
    as_json_t j = {0};
    ok_head(&j, t);
    as_json_str(&j, "buyer_logon_id", "159****5620");
    as_json_str(&j, "trade_status", as_state_name(t->state));
    as_yuan(t->total, yuan);
    as_json_str(&j, "total_amount", yuan);
    if (t->paid_ms) {
        as_json_str(&j, "buyer_pay_amount", yuan);
        as_time_text(t->paid_ms, when);
        as_json_str(&j, "send_pay_date", when);
    }
    return as_json_end(&j);
}

static void refund_all(alisim_t *s, as_trade_t *t, const char *request_no)
{
    as_refund_t *r = &t->refunds[t->n_refunds < ALISIM_REFUNDS ? t->n_refunds++ : ALISIM_REFUNDS - 1];
    snprintf(r->out_request_no, sizeof r->out_request_no, "%s", request_no);
    r->amount = t->total - t->refunded;
    r->at_ms = as_now_ms();
    t->refunded = t->total;
    t->state = AS_CLOSED;
    t->closed_ms = r->at_ms;
    as_notify_queue(s, t, r);
}

static char *cancel(alisim_t *s, const cJSON *b)
{
    as_trade_t *t = seen(s, b);
    if (!t)
        return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在");
    const char *action = "close";
    if (t->state == AS_SUCCESS) {
        refund_all(s, t, t->out_trade_no);
        action = "refund";
    } else if (t->state == AS_WAIT) {
        t->state = AS_CLOSED;
        t->closed_ms = as_now_ms();
    }
    as_json_t j = {0};
    ok_head(&j, t);
    as_json_str(&j, "retry_flag", "N");
    as_json_str(&j, "action", action);
    return as_json_end(&j);
}

static const as_refund_t *refund_find(const as_trade_t *t, const char *request_no)
{
    for (int i = 0; i < t->n_refunds; i++)
        if (strcmp(t->refunds[i].out_request_no, request_no) == 0)
            return &t->refunds[i];
    return NULL;
}

static char *refund_answer(const as_trade_t *t, const as_refund_t *r, bool moved)
{
    char yuan[24], when[20];
    as_json_t j = {0};
    ok_head(&j, t);
    as_json_str(&j, "buyer_logon_id", "159****5620");
    as_json_str(&j, "fund_change", moved ? "Y" : "N");
    as_yuan(t->refunded, yuan);
    as_json_str(&j, "refund_fee", yuan);
    as_time_text(r->at_ms, when);
    as_json_str(&j, "gmt_refund_pay", when);
    return as_json_end(&j);
}

static char *refund(alisim_t *s, const cJSON *b)
{
    as_trade_t *t = seen(s, b);
    const char *amount = str(b, "refund_amount"), *req = str(b, "out_request_no");
    int64_t fen = 0;
    if (!t)
        return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在");
    if (!req)
        req = t->out_trade_no; /* Alipay: without one, the trade's number */
    const as_refund_t *r = refund_find(t, req);
    if (r)
        return refund_answer(t, r, false);
    if (!amount || !as_fen(amount, &fen) || fen <= 0)
        return refuse("ACQ.INVALID_PARAMETER", "refund_amount");
    if (s->faults.refund_fail > 0) {
        s->faults.refund_fail--;
        return refuse("ACQ.SYSTEM_ERROR", "系统错误，请使用相同的参数再次调用");
    }
    if (t->state != AS_SUCCESS)
        return refuse("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    if (fen > t->total - t->refunded)
        return refuse("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
    if (t->n_refunds >= ALISIM_REFUNDS)
        return refuse("ACQ.SYSTEM_ERROR", "the simulator's refund table is full");
    if (fen == t->total - t->refunded) {
        refund_all(s, t, req);
        return refund_answer(t, &t->refunds[t->n_refunds - 1], true);
    }
    as_refund_t *nr = &t->refunds[t->n_refunds++];
    snprintf(nr->out_request_no, sizeof nr->out_request_no, "%s", req);
    nr->amount = fen;
    nr->at_ms = as_now_ms();
    t->refunded += fen;
    return refund_answer(t, nr, true);
}

static char *refund_query(alisim_t *s, const cJSON *b)
{
    as_trade_t *t = seen(s, b);
    const char *req = str(b, "out_request_no");
    if (!t)
        return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在");
    const as_refund_t *r = refund_find(t, req ? req : t->out_trade_no);
    as_json_t j = {0};
    ok_head(&j, t);
    if (r) {
        char yuan[24];
        as_json_str(&j, "out_request_no", r->out_request_no);
        as_yuan(t->total, yuan);
        as_json_str(&j, "total_amount", yuan);
        as_yuan(r->amount, yuan);
        as_json_str(&j, "refund_amount", yuan);
        as_json_str(&j, "refund_status", "REFUND_SUCCESS");
    }
    return as_json_end(&j);
}

static char *bill_url(alisim_t *s, const cJSON *b)
{
    const char *type = str(b, "bill_type"), *day = str(b, "bill_date");
    int y, m, d;
    if (!type || strcmp(type, "trade") != 0 || !day || strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return refuse("isp.bill_not_exist", "账单不存在");
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/bill/%s_%04d%02d%02d.csv.zip", s->http_port, s->app_id, y, m, d);
    as_json_t j = {0};
    ok_head(&j, NULL);
    as_json_str(&j, "bill_download_url", url);
    return as_json_end(&j);
}

char *as_method(alisim_t *s, const char *method, const char *biz, const as_kv_t *common)
{
    cJSON *b = biz ? cJSON_Parse(biz) : NULL;
    char *out;
    if (!cJSON_IsObject(b))
        out = refuse("isv.missing-biz-content", "biz_content is no JSON object");
    else if (strcmp(method, "alipay.trade.precreate") == 0)
        out = precreate(s, b, common, false);
    else if (strcmp(method, "alipay.trade.wap.pay") == 0)
        out = precreate(s, b, common, true);
    else if (strcmp(method, "alipay.trade.query") == 0)
        out = query(s, b);
    else if (strcmp(method, "alipay.trade.cancel") == 0)
        out = cancel(s, b);
    else if (strcmp(method, "alipay.trade.refund") == 0)
        out = refund(s, b);
    else if (strcmp(method, "alipay.trade.fastpay.refund.query") == 0)
        out = refund_query(s, b);
    else if (strcmp(method, "alipay.data.dataservice.bill.downloadurl.query") == 0)
        out = bill_url(s, b);
    else
        out = refuse("isv.invalid-method", "不存在的方法名");
    cJSON_Delete(b);
    return out;
}

bool as_scan(alisim_t *s, as_trade_t *t, const char **why)
{
    expire(t);
    if (t->state == AS_NEW && t->expire_ms && as_now_ms() >= t->expire_ms) {
        *why = "the code has expired";
        return false;
    }
    if (t->state != AS_NEW) {
        *why = "already scanned";
        return t->state == AS_WAIT;
    }
    char day[20];
    as_time_text(as_now_ms(), day);
    snprintf(t->trade_no, sizeof t->trade_no, "%.4s%.2s%.2s22001%010llu", day, day + 5, day + 8,
             (unsigned long long)++s->next_no);
    t->state = AS_WAIT;
    return true;
}

bool as_pay(alisim_t *s, as_trade_t *t, const char **why)
{
    if (t->state == AS_NEW && !as_scan(s, t, why))
        return false;
    expire(t);
    if (t->state != AS_WAIT) {
        *why = t->state == AS_SUCCESS ? "already paid" : "the trade is closed";
        return false;
    }
    t->state = AS_SUCCESS;
    t->paid_ms = as_now_ms();
    as_notify_queue(s, t, NULL);
    return true;
}
