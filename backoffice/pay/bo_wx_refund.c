/* WeChat Pay's refunds (POST /v3/refund/domestic/refunds, GET .../{no})
 * and its notifications (payments' and refunds'), verified and decrypted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/pay/bo_wx_int.h"
#include "base/kjson.h"

#define NOTIFY_WINDOW_S 300 /* a notification signed longer ago (or ahead) than this is refused */

/* A refund call (j the body, NULL for GET) whose answer is a refund. */
static kerr_t refund_call(bo_wx_t *wx, const char *method, const char *path, cJSON *j, bo_prov_refund_t *r,
                          kmsg_t *msg)
{
    bo_wx_resp_t resp;
    cJSON *ans = NULL;
    *r = (bo_prov_refund_t){.state = BO_PROV_REFUND_PROCESSING};
    kerr_t rc = bo_wx_call_json(wx, method, path, j, &resp, &ans, msg);
    if (rc == K_OK && resp.status == 200)
        bo_wx_refund_answer(ans, r);
    else if (rc == K_OK)
        rc = bo_wx_refused(&resp, r->code, sizeof r->code, r->text, sizeof r->text, msg);
    cJSON_Delete(ans);
    bo_wx_resp_free(&resp);
    return rc;
}

kerr_t bo_wx__refund(void *ctx, const char *out_trade_no, const char *out_refund_no, int64_t amount, int64_t total,
                     bo_prov_refund_t *r, kmsg_t *msg)
{
    bo_wx_t *wx = ctx;
    cJSON *j = cJSON_CreateObject();
    kjson_add_str(j, "out_trade_no", out_trade_no);
    kjson_add_str(j, "out_refund_no", out_refund_no);
    if (wx->cfg.notify_url[0])
        kjson_add_str(j, "notify_url", wx->cfg.notify_url);
    cJSON *a = cJSON_AddObjectToObject(j, "amount");
    kjson_add_int(a, "refund", amount);
    kjson_add_int(a, "total", total);
    kjson_add_str(a, "currency", "CNY");
    return refund_call(wx, "POST", "/v3/refund/domestic/refunds", j, r, msg);
}

kerr_t bo_wx__refund_query(void *ctx, const char *out_trade_no, const char *out_refund_no, bo_prov_refund_t *r,
                           kmsg_t *msg)
{
    (void)out_trade_no; /* WeChat Pay finds a refund by its own number */
    char path[200];
    snprintf(path, sizeof path, "/v3/refund/domestic/refunds/%s", out_refund_no);
    return refund_call(ctx, "GET", path, NULL, r, msg);
}

static const char *header(const bo_prov_http_t *req, const char *name)
{
    const char *v = req->get_header(req->arg, name);
    return v ? v : "";
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Checks the notification's signature and freshness. */
static kerr_t notify_verify(const bo_wx_t *wx, const bo_prov_http_t *req, kmsg_t *msg)
{
    const char *ts = header(req, "Wechatpay-Timestamp");
    long long at = atoll(ts), now = (long long)time(NULL);
    if (!*header(req, "Wechatpay-Signature"))
        return kmsg_set(msg, K_ECORRUPT, "a WeChat Pay notification without Wechatpay-Signature");
    if (at < now - NOTIFY_WINDOW_S || at > now + NOTIFY_WINDOW_S)
        return kmsg_set(msg, K_ECORRUPT, "a WeChat Pay notification signed at %lld, %lld s from now", at, at - now);
    return bo_wx_verify(wx, header(req, "Wechatpay-Serial"), ts, header(req, "Wechatpay-Nonce"), req->body,
                        req->body_len, header(req, "Wechatpay-Signature"), msg);
}

/* Decodes the verified notification j into ev. */
static kerr_t notify_decode(const bo_wx_t *wx, const cJSON *j, bo_prov_event_t *ev, kmsg_t *msg)
{
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "resource");
    const char *event = str(j, "event_type");
    char *plain = NULL;
    if (strcmp(str(res, "algorithm"), "AEAD_AES_256_GCM") != 0)
        return kmsg_set(msg, K_ECORRUPT, "a WeChat Pay notification's resource is not AEAD_AES_256_GCM");
    kerr_t rc = bo_wx_open_resource(wx, str(res, "ciphertext"), str(res, "nonce"), str(res, "associated_data"),
                                    &plain, msg);
    cJSON *t = rc == K_OK ? cJSON_Parse(plain) : NULL;
    free(plain);
    if (rc == K_OK && !t)
        return kmsg_set(msg, K_ECORRUPT, "a WeChat Pay notification's resource is not JSON");
    snprintf(ev->id, sizeof ev->id, "%s", str(j, "id"));
    ev->is_refund = strncmp(event, "REFUND.", 7) == 0;
    if (rc == K_OK && ev->is_refund) {
        bo_prov_refund_t r;
        bo_wx_refund_answer(t, &r);
        ev->trade = (bo_prov_answer_t){.state = r.state == BO_PROV_REFUND_SUCCESS ? BO_PROV_REFUNDED : BO_PROV_PAID,
                                       .amount = r.amount};
        snprintf(ev->trade.out_trade_no, sizeof ev->trade.out_trade_no, "%s", str(t, "out_trade_no"));
        snprintf(ev->trade.trade_no, sizeof ev->trade.trade_no, "%s", str(t, "transaction_id"));
    } else if (rc == K_OK) {
        bo_wx_trade_answer(t, &ev->trade);
    }
    cJSON_Delete(t);
    return rc;
}

kerr_t bo_wx__notify(void *ctx, const bo_prov_http_t *req, bo_prov_event_t *ev, kmsg_t *msg)
{
    bo_wx_t *wx = ctx;
    *ev = (bo_prov_event_t){0};
    kerr_t rc = notify_verify(wx, req, msg);
    cJSON *j = rc == K_OK ? cJSON_ParseWithLength(req->body, req->body_len) : NULL;
    if (rc == K_OK && !j)
        rc = kmsg_set(msg, K_ECORRUPT, "a WeChat Pay notification that is not JSON");
    if (rc == K_OK)
        rc = notify_decode(wx, j, ev, msg);
    cJSON_Delete(j);
    return rc;
}
