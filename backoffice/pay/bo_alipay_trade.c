/* The trade calls: precreate / wap.pay, query, cancel, refund, refund
 * query, each from the provider contract to biz_content and back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_alipay_int.h"

bo_prov_state_t ap_trade_state(const char *trade_status, bool paid_before)
{
    if (strcmp(trade_status, "WAIT_BUYER_PAY") == 0)
        return BO_PROV_PENDING;
    if (strcmp(trade_status, "TRADE_SUCCESS") == 0 || strcmp(trade_status, "TRADE_FINISHED") == 0)
        return BO_PROV_PAID;
    if (strcmp(trade_status, "TRADE_CLOSED") == 0)
        return paid_before ? BO_PROV_REFUNDED : BO_PROV_CLOSED;
    return BO_PROV_UNKNOWN;
}

/* Whether the answer says "the gateway failed: ask again" rather than no. */
static bool try_again(const ap_reply_t *r)
{
    return strcmp(r->code, "20000") == 0 || strcmp(r->sub_code, "ACQ.SYSTEM_ERROR") == 0;
}

static bool ok_code(const ap_reply_t *r)
{
    return strcmp(r->code, "10000") == 0;
}

/* biz_content from a cJSON object built by the caller (which it frees). */
static char *biz_text(cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return text;
}

static cJSON *biz_trade(const char *out_trade_no)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "out_trade_no", out_trade_no);
    return o;
}

static kerr_t order_biz(const bo_prov_order_t *o, char **biz, kmsg_t *msg)
{
    char yuan[24], expire[20];
    if (o->currency && o->currency[0] && strcmp(o->currency, "CNY") != 0)
        return kmsg_set(msg, K_EINVAL, "alipay: currency %s: only CNY", o->currency);
    if (o->amount <= 0 || !bo_alipay_yuan_format(o->amount, yuan, sizeof yuan))
        return kmsg_set(msg, K_EINVAL, "alipay: amount %lld fen out of range", (long long)o->amount);
    cJSON *b = biz_trade(o->out_trade_no);
    cJSON_AddStringToObject(b, "total_amount", yuan);
    cJSON_AddStringToObject(b, "subject", o->description && o->description[0] ? o->description : o->out_trade_no);
    if (o->expires_at > 0) {
        ap_time_text(o->expires_at, expire);
        cJSON_AddStringToObject(b, "time_expire", expire);
    }
    if (o->kind == BO_PROV_H5) {
        cJSON_AddStringToObject(b, "product_code", "QUICK_WAP_WAY");
        if (o->return_url && o->return_url[0])
            cJSON_AddStringToObject(b, "quit_url", o->return_url);
    }
    *biz = biz_text(b);
    return *biz ? K_OK : kmsg_set(msg, K_EIO, "alipay: out of memory");
}

/* The phone page: the signed wap.pay parameters as a GET address of the
 * gateway, which the payer's browser opens. */
static kerr_t wap_url(const ap_ctx_t *c, const bo_prov_order_t *o, const char *biz, const char *notify,
                      bo_prov_answer_t *a, kmsg_t *msg)
{
    ap_params_t ps;
    kerr_t rc = ap_request(c, "alipay.trade.wap.pay", biz, notify, o->return_url, &ps, msg);
    if (rc != K_OK)
        return rc;
    size_t at = (size_t)snprintf(a->url, sizeof a->url, "%s", c->cfg.gateway);
    for (int i = 0; i < ps.n && at < sizeof a->url; i++) {
        char *v = ap_url_encode(ps.p[i].val);
        at += (size_t)snprintf(a->url + at, sizeof a->url - at, "%c%s=%s", i ? '&' : '?', ps.p[i].key, v ? v : "");
        free(v);
    }
    ap_params_free(&ps);
    if (at >= sizeof a->url)
        return kmsg_set(msg, K_EINVAL, "alipay: the page's address is longer than %zu bytes", sizeof a->url - 1);
    return K_OK;
}

kerr_t ap_create(void *ctx, const bo_prov_order_t *o, bo_prov_answer_t *a, kmsg_t *msg)
{
    const ap_ctx_t *c = ctx;
    memset(a, 0, sizeof *a);
    char *biz = NULL;
    kerr_t rc = order_biz(o, &biz, msg);
    if (rc != K_OK)
        return rc;
    /* [alipay] notify_url set by hand (behind a proxy) wins, as the contract says */
    const char *notify = c->cfg.notify_url[0] || !o->notify_url ? c->cfg.notify_url : o->notify_url;
    snprintf(a->out_trade_no, sizeof a->out_trade_no, "%s", o->out_trade_no);
    a->amount = o->amount;
    a->state = BO_PROV_PENDING;
    if (o->kind == BO_PROV_H5) {
        rc = wap_url(c, o, biz, notify, a, msg);
        free(biz);
        return rc;
    }
    ap_reply_t r;
    rc = ap_call(c, "alipay.trade.precreate", biz, notify, &r, msg);
    free(biz);
    if (rc == K_OK && ok_code(&r)) {
        ap_json_copy(r.node, "qr_code", a->url, sizeof a->url);
        if (!a->url[0])
            rc = kmsg_set(msg, K_ECORRUPT, "alipay: precreate answered no qr_code");
    } else if (rc == K_OK) {
        rc = try_again(&r) ? kmsg_set(msg, K_EIO, "alipay: precreate: %s, ask again", r.sub_code)
                           : ap_refused(&r, "precreate", a->code, sizeof a->code, a->text, sizeof a->text, msg);
    }
    cJSON_Delete(r.node);
    return rc;
}

/* Reads a query answer's trade into a. */
static kerr_t read_trade(const cJSON *n, bo_prov_answer_t *a, kmsg_t *msg)
{
    char status[32], total[24], paid[24];
    ap_json_copy(n, "trade_status", status, sizeof status);
    ap_json_copy(n, "total_amount", total, sizeof total);
    ap_json_copy(n, "send_pay_date", paid, sizeof paid);
    ap_json_copy(n, "trade_no", a->trade_no, sizeof a->trade_no);
    a->state = ap_trade_state(status, paid[0] != '\0');
    if (a->state == BO_PROV_UNKNOWN)
        return kmsg_set(msg, K_ECORRUPT, "alipay: unknown trade_status '%s'", status);
    if (!bo_alipay_yuan_parse(total, &a->amount))
        return kmsg_set(msg, K_ECORRUPT, "alipay: total_amount '%s' is no amount", total);
    if (paid[0] && !ap_time_parse(paid, &a->paid_at))
        return kmsg_set(msg, K_ECORRUPT, "alipay: send_pay_date '%s' is no time", paid);
    return K_OK;
}

kerr_t ap_query(void *ctx, const char *out_trade_no, bo_prov_answer_t *a, kmsg_t *msg)
{
    memset(a, 0, sizeof *a);
    snprintf(a->out_trade_no, sizeof a->out_trade_no, "%s", out_trade_no);
    ap_reply_t r;
    kerr_t rc = ap_call_obj(ctx, "alipay.trade.query", biz_trade(out_trade_no), &r, msg);
    if (rc != K_OK)
        return rc;
    if (ok_code(&r))
        rc = read_trade(r.node, a, msg);
    else if (strcmp(r.sub_code, "ACQ.TRADE_NOT_EXIST") == 0)
        a->state = BO_PROV_UNKNOWN; /* not scanned yet, or never placed */
    else if (try_again(&r))
        rc = kmsg_set(msg, K_EIO, "alipay: query: %s, ask again", r.sub_code);
    else
        rc = ap_refused(&r, "query", a->code, sizeof a->code, a->text, sizeof a->text, msg);
    cJSON_Delete(r.node);
    return rc;
}

kerr_t ap_cancel(void *ctx, const char *out_trade_no, kmsg_t *msg)
{
    ap_reply_t r;
    kerr_t rc = ap_call_obj(ctx, "alipay.trade.cancel", biz_trade(out_trade_no), &r, msg);
    if (rc != K_OK)
        return rc;
    char action[16];
    ap_json_copy(r.node, "action", action, sizeof action);
    if (ok_code(&r) && strcmp(action, "refund") == 0)
        rc = kmsg_set(msg, K_ESTATE, "alipay: %s had been paid: the cancel refunded it", out_trade_no);
    else if (ok_code(&r) || strcmp(r.sub_code, "ACQ.TRADE_NOT_EXIST") == 0)
        rc = K_OK; /* closed, or never seen: nothing to close */
    else if (try_again(&r))
        rc = kmsg_set(msg, K_EIO, "alipay: cancel: %s, ask again", r.sub_code);
    else
        rc = ap_refused(&r, "cancel", NULL, 0, NULL, 0, msg);
    cJSON_Delete(r.node);
    return rc;
}

kerr_t ap_refund(void *ctx, const char *out_trade_no, const char *out_refund_no, int64_t amount,
                        int64_t total, bo_prov_refund_t *rf, kmsg_t *msg)
{
    memset(rf, 0, sizeof *rf);
    rf->state = BO_PROV_REFUND_PROCESSING;
    char yuan[24];
    if (amount <= 0 || amount > total || !bo_alipay_yuan_format(amount, yuan, sizeof yuan))
        return kmsg_set(msg, K_EINVAL, "alipay: refund of %lld fen of %lld", (long long)amount, (long long)total);
    cJSON *b = biz_trade(out_trade_no);
    cJSON_AddStringToObject(b, "refund_amount", yuan);
    cJSON_AddStringToObject(b, "out_request_no", out_refund_no);
    ap_reply_t r;
    kerr_t rc = ap_call_obj(ctx, "alipay.trade.refund", b, &r, msg);
    if (rc != K_OK)
        return rc;
    if (ok_code(&r)) {
        rf->state = BO_PROV_REFUND_SUCCESS;
        rf->amount = amount;
        ap_json_copy(r.node, "trade_no", rf->refund_no, sizeof rf->refund_no);
    } else if (try_again(&r)) {
        rc = kmsg_set(msg, K_EIO, "alipay: refund %s: %s, ask again with the same number", out_refund_no, r.sub_code);
    } else {
        rf->state = BO_PROV_REFUND_FAILED;
        rc = ap_refused(&r, "refund", rf->code, sizeof rf->code, rf->text, sizeof rf->text, msg);
    }
    cJSON_Delete(r.node);
    return rc;
}

kerr_t ap_refund_query(void *ctx, const char *out_trade_no, const char *out_refund_no, bo_prov_refund_t *rf,
                              kmsg_t *msg)
{
    memset(rf, 0, sizeof *rf);
    cJSON *b = biz_trade(out_trade_no);
    cJSON_AddStringToObject(b, "out_request_no", out_refund_no);
    ap_reply_t r;
    kerr_t rc = ap_call_obj(ctx, "alipay.trade.fastpay.refund.query", b, &r, msg);
    if (rc != K_OK)
        return rc;
    char amount[24], status[32];
    ap_json_copy(r.node, "refund_amount", amount, sizeof amount);
    ap_json_copy(r.node, "refund_status", status, sizeof status);
    if (ok_code(&r) && !amount[0]) {
        rc = kmsg_set(msg, K_ENOTFOUND, "alipay: no refund %s of %s: ask for it again", out_refund_no, out_trade_no);
    } else if (ok_code(&r)) {
        rf->state = !status[0] || strcmp(status, "REFUND_SUCCESS") == 0 ? BO_PROV_REFUND_SUCCESS
                                                                         : BO_PROV_REFUND_PROCESSING;
        ap_json_copy(r.node, "trade_no", rf->refund_no, sizeof rf->refund_no);
        if (!bo_alipay_yuan_parse(amount, &rf->amount))
            rc = kmsg_set(msg, K_ECORRUPT, "alipay: refund_amount '%s' is no amount", amount);
    } else if (try_again(&r)) {
        rc = kmsg_set(msg, K_EIO, "alipay: refund query: %s, ask again", r.sub_code);
    } else {
        rc = ap_refused(&r, "refund query", rf->code, sizeof rf->code, rf->text, sizeof rf->text, msg);
    }
    cJSON_Delete(r.node);
    return rc;
}

