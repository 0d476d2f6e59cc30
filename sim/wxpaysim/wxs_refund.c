/* wxpaysim's refunds: accepted PROCESSING, settled SUCCESS (or ABNORMAL
 * on demand) a moment later, each notified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/wxpaysim/wxs.h"

#define SETTLE_S 1 /* a refund is PROCESSING this long */

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t jint(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -1;
}

static wxs_refund_t *refund_of(wxs_t *s, const char *no)
{
    for (size_t i = 0; i < s->n_refunds; i++)
        if (strcmp(s->refunds[i].out_refund_no, no) == 0)
            return &s->refunds[i];
    return NULL;
}

cJSON *wxs_refund_json(const wxs_refund_t *r)
{
    cJSON *j = cJSON_CreateObject(), *a;
    char t[40];
    cJSON_AddStringToObject(j, "refund_id", r->refund_id);
    cJSON_AddStringToObject(j, "out_refund_no", r->out_refund_no);
    cJSON_AddStringToObject(j, "out_trade_no", r->out_trade_no);
    cJSON_AddStringToObject(j, "channel", "ORIGINAL");
    cJSON_AddStringToObject(j, "user_received_account", "支付用户零钱");
    wxs_time(r->created, t, sizeof t);
    cJSON_AddStringToObject(j, "create_time", t);
    if (r->done_at && strcmp(r->status, "SUCCESS") == 0) {
        wxs_time(r->done_at, t, sizeof t);
        cJSON_AddStringToObject(j, "success_time", t);
    }
    cJSON_AddStringToObject(j, "status", r->status);
    a = cJSON_AddObjectToObject(j, "amount");
    cJSON_AddNumberToObject(a, "total", (double)r->total);
    cJSON_AddNumberToObject(a, "refund", (double)r->amount);
    cJSON_AddNumberToObject(a, "payer_total", (double)r->total);
    cJSON_AddNumberToObject(a, "payer_refund", (double)r->amount);
    cJSON_AddStringToObject(a, "currency", "CNY");
    return j;
}

void wxs_refund_settle(wxs_t *s, wxs_refund_t *r, int64_t now)
{
    if (strcmp(r->status, "PROCESSING") != 0 || now < r->created + SETTLE_S)
        return;
    wxs_order_t *o = wxs_order(s, r->out_trade_no);
    r->done_at = now;
    snprintf(r->status, sizeof r->status, "%s", r->abnormal ? "ABNORMAL" : "SUCCESS");
    if (!r->abnormal && o) {
        o->refunded += r->amount;
        if (o->refunded == o->total)
            snprintf(o->state, sizeof o->state, "REFUND");
    }
    cJSON *j = wxs_refund_json(r);
    cJSON_DeleteItemFromObject(j, "status");
    cJSON_AddStringToObject(j, "refund_status", r->status);
    cJSON_AddStringToObject(j, "mchid", s->mchid);
    if (o)
        cJSON_AddStringToObject(j, "transaction_id", o->transaction_id);
    char *plain = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (plain && o)
        wxs_notify(s, o->notify_url, r->abnormal ? "REFUND.ABNORMAL" : "REFUND.SUCCESS",
                   r->abnormal ? "退款异常" : "退款成功", "refund", plain);
    free(plain);
}

void wxs_refund_post(wxs_t *s, const cJSON *j, wxs_answer_t *a)
{
    const char *no = jstr(j, "out_trade_no"), *rno = jstr(j, "out_refund_no");
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(j, "amount");
    int64_t refund = jint(amount, "refund"), total = jint(amount, "total");
    wxs_order_t *o = no ? wxs_order(s, no) : NULL;
    wxs_refund_t *r = rno ? refund_of(s, rno) : NULL;
    if (!no || !rno || refund <= 0 || total <= 0) {
        wxs_error(a, 400, "PARAM_ERROR", "参数错误");
        return;
    }
    if (r) { /* asked again: the same refund, never a second one */
        wxs_json(a, 200, wxs_refund_json(r));
        return;
    }
    if (!o) {
        wxs_error(a, 404, "RESOURCE_NOT_EXISTS", "订单不存在");
        return;
    }
    if (!o->paid_at) {
        wxs_error(a, 400, "INVALID_REQUEST", "订单未支付");
        return;
    }
    if (total != o->total || refund > o->total - o->refunded) {
        wxs_error(a, 400, "INVALID_REQUEST", "退款金额超过订单可退金额");
        return;
    }
    if (wxs_fault_take(s, WXS_F_REFUND_FAIL)) {
        wxs_error(a, 500, "SYSTEM_ERROR", "系统超时");
        return;
    }
    wxs_refund_t *grown = realloc(s->refunds, (s->n_refunds + 1) * sizeof *grown);
    if (!grown) {
        wxs_error(a, 500, "SYSTEM_ERROR", "系统错误");
        return;
    }
    s->refunds = grown;
    r = &s->refunds[s->n_refunds++];
    *r = (wxs_refund_t){.amount = refund, .total = total, .created = time(NULL),
                        .abnormal = wxs_fault_take(s, WXS_F_REFUND_ABNORMAL)};
    snprintf(r->out_refund_no, sizeof r->out_refund_no, "%s", rno);
    snprintf(r->out_trade_no, sizeof r->out_trade_no, "%s", no);
    snprintf(r->refund_id, sizeof r->refund_id, "50300%027zu", s->n_refunds);
    snprintf(r->status, sizeof r->status, "PROCESSING");
    wxs_json(a, 200, wxs_refund_json(r));
}

void wxs_refund_get(wxs_t *s, const char *no, wxs_answer_t *a)
{
    wxs_refund_t *r = refund_of(s, no);
    if (!r) {
        wxs_error(a, 404, "RESOURCE_NOT_EXISTS", "退款单不存在");
        return;
    }
    wxs_refund_settle(s, r, time(NULL));
    wxs_json(a, 200, wxs_refund_json(r));
}
