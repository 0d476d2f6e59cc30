/* WeChat Pay API v3 (bo_wx.h): open, and the trade calls: place a Native
 * or H5 order, query it, close it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_wx_int.h"
#include "base/kjson.h"

kerr_t bo_wx_open(const bo_wx_config_t *c, bo_provider_t *p, kmsg_t *msg)
{
    bo_wx_t *wx = calloc(1, sizeof *wx);
    if (!wx)
        return kmsg_set(msg, K_EIO, "out of memory");
    wx->cfg = *c;
    kerr_t rc = bo_wx_load_keys(wx, msg);
    if (rc) {
        bo_wx_free_keys(wx);
        free(wx);
        return rc;
    }
    *p = (bo_provider_t){wx, &bo_wx_ops};
    return K_OK;
}

static void wx_close(void *ctx)
{
    bo_wx_t *wx = ctx;
    if (!wx)
        return;
    bo_wx_free_keys(wx);
    free(wx);
}

/* The order's JSON body (Native or H5). */
static cJSON *order_body(const bo_wx_t *wx, const bo_prov_order_t *o)
{
    cJSON *j = cJSON_CreateObject();
    kjson_add_str(j, "appid", wx->cfg.appid);
    kjson_add_str(j, "mchid", wx->cfg.mchid);
    kjson_add_str(j, "description", o->description ? o->description : "Prepaid top-up");
    kjson_add_str(j, "out_trade_no", o->out_trade_no);
    if (o->expires_at) {
        char t[40];
        bo_wx_time_format(o->expires_at, t, sizeof t);
        kjson_add_str(j, "time_expire", t);
    }
    kjson_add_str(j, "notify_url", wx->cfg.notify_url[0] ? wx->cfg.notify_url : o->notify_url ? o->notify_url : "");
    cJSON *amount = cJSON_AddObjectToObject(j, "amount");
    kjson_add_int(amount, "total", o->amount);
    kjson_add_str(amount, "currency", o->currency ? o->currency : "CNY");
    if (o->kind == BO_PROV_H5) {
        cJSON *scene = cJSON_AddObjectToObject(j, "scene_info");
        kjson_add_str(scene, "payer_client_ip", o->client_ip ? o->client_ip : "127.0.0.1");
        kjson_add_str(cJSON_AddObjectToObject(scene, "h5_info"), "type", "Wap");
    }
    return j;
}

kerr_t bo_wx_call_json(bo_wx_t *wx, const char *method, const char *path, cJSON *j, bo_wx_resp_t *r,
                        cJSON **out, kmsg_t *msg)
{
    char *body = j ? kjson_print(j, false) : NULL;
    cJSON_Delete(j);
    if (j && !body)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = bo_wx_call(wx, method, path, body, r, msg);
    cJSON_free(body);
    *out = rc == K_OK && r->len ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    if (rc == K_OK && r->len && !*out)
        rc = kmsg_set(msg, K_ECORRUPT, "WeChat Pay's answer to %s %s is not JSON", method, path);
    return rc;
}

static kerr_t wx_create(void *ctx, const bo_prov_order_t *o, bo_prov_answer_t *a, kmsg_t *msg)
{
    bo_wx_t *wx = ctx;
    bo_wx_resp_t r;
    cJSON *ans = NULL;
    const char *path = o->kind == BO_PROV_H5 ? "/v3/pay/transactions/h5" : "/v3/pay/transactions/native";
    *a = (bo_prov_answer_t){.state = BO_PROV_PENDING, .amount = o->amount};
    snprintf(a->out_trade_no, sizeof a->out_trade_no, "%s", o->out_trade_no);
    kerr_t rc = bo_wx_call_json(wx, "POST", path, order_body(wx, o), &r, &ans, msg);
    if (rc == K_OK && r.status != 200)
        rc = bo_wx_refused(&r, a->code, sizeof a->code, a->text, sizeof a->text, msg);
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(ans, o->kind == BO_PROV_H5 ? "h5_url" : "code_url");
    if (rc == K_OK && (!cJSON_IsString(url) || strlen(url->valuestring) >= sizeof a->url))
        rc = kmsg_set(msg, K_ECORRUPT, "WeChat Pay's order answer has no usable %s",
                      o->kind == BO_PROV_H5 ? "h5_url" : "code_url");
    if (rc == K_OK)
        snprintf(a->url, sizeof a->url, "%s", url->valuestring);
    cJSON_Delete(ans);
    bo_wx_resp_free(&r);
    return rc;
}

static bool not_exist(const bo_prov_answer_t *a)
{
    return strcmp(a->code, "ORDER_NOT_EXIST") == 0 || strcmp(a->code, "ORDERNOTEXIST") == 0;
}

static kerr_t wx_query(void *ctx, const char *out_trade_no, bo_prov_answer_t *a, kmsg_t *msg)
{
    bo_wx_t *wx = ctx;
    bo_wx_resp_t r;
    cJSON *ans = NULL;
    char path[256];
    snprintf(path, sizeof path, "/v3/pay/transactions/out-trade-no/%s?mchid=%s", out_trade_no, wx->cfg.mchid);
    *a = (bo_prov_answer_t){.state = BO_PROV_UNKNOWN};
    kerr_t rc = bo_wx_call_json(wx, "GET", path, NULL, &r, &ans, msg);
    if (rc == K_OK && r.status == 200)
        bo_wx_trade_answer(ans, a);
    else if (rc == K_OK)
        rc = bo_wx_refused(&r, a->code, sizeof a->code, a->text, sizeof a->text, msg);
    if (rc == K_EDENIED && not_exist(a))
        rc = K_OK; /* never placed, or not seen yet: BO_PROV_UNKNOWN */
    if (rc == K_OK && !a->out_trade_no[0])
        snprintf(a->out_trade_no, sizeof a->out_trade_no, "%s", out_trade_no);
    cJSON_Delete(ans);
    bo_wx_resp_free(&r);
    return rc;
}

static kerr_t wx_cancel(void *ctx, const char *out_trade_no, kmsg_t *msg)
{
    bo_wx_t *wx = ctx;
    bo_wx_resp_t r;
    cJSON *ans = NULL, *j = cJSON_CreateObject();
    char path[256];
    bo_prov_answer_t a = {0};
    kjson_add_str(j, "mchid", wx->cfg.mchid);
    snprintf(path, sizeof path, "/v3/pay/transactions/out-trade-no/%s/close", out_trade_no);
    kerr_t rc = bo_wx_call_json(wx, "POST", path, j, &r, &ans, msg);
    if (rc == K_OK && r.status != 204 && r.status != 200)
        rc = bo_wx_refused(&r, a.code, sizeof a.code, a.text, sizeof a.text, msg);
    if (rc == K_EDENIED && not_exist(&a))
        rc = K_OK;
    cJSON_Delete(ans);
    bo_wx_resp_free(&r);
    return rc;
}

const bo_provider_ops_t bo_wx_ops = {
    .name = "wechat",
    .close = wx_close,
    .create = wx_create,
    .query = wx_query,
    .cancel = wx_cancel,
    .refund = bo_wx__refund,
    .refund_query = bo_wx__refund_query,
    .notify = bo_wx__notify,
    .ack_body = "",
    .ack_status = 204,
    .bill = bo_wx__bill,
};
