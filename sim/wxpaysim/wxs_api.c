/* wxpaysim's merchant endpoints: orders, query, close, refunds, the bill. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/wxpaysim/wxs.h"

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t jint(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) && v->valuedouble == (double)(int64_t)v->valuedouble ? (int64_t)v->valuedouble : -1;
}

void wxs_error(wxs_answer_t *a, unsigned status, const char *code, const char *message)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "code", code);
    cJSON_AddStringToObject(j, "message", message);
    wxs_json(a, status, j);
}

void wxs_json(wxs_answer_t *a, unsigned status, cJSON *j)
{
    a->status = status;
    a->body = cJSON_PrintUnformatted(j);
    a->type = "application/json";
    a->sign = true;
    cJSON_Delete(j);
}

wxs_order_t *wxs_order(wxs_t *s, const char *no)
{
    for (size_t i = 0; i < s->n_orders; i++)
        if (strcmp(s->orders[i].out_trade_no, no) == 0)
            return &s->orders[i];
    return NULL;
}

/* A new order from body j (NULL with the refusal in a). */
static wxs_order_t *order_add(wxs_t *s, const cJSON *j, const char *type, wxs_answer_t *a)
{
    const char *no = jstr(j, "out_trade_no"), *desc = jstr(j, "description"), *url = jstr(j, "notify_url");
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(j, "amount");
    int64_t total = jint(amount, "total"), expire = 0;
    const char *te = jstr(j, "time_expire"), *cur = jstr(amount, "currency");
    if (!jstr(j, "appid") || strcmp(jstr(j, "appid"), s->appid) != 0 || !jstr(j, "mchid") ||
        strcmp(jstr(j, "mchid"), s->mchid) != 0)
        return wxs_error(a, 400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配"), NULL;
    if (!no || strlen(no) < 6 || strlen(no) > 32 || !desc || !url || total <= 0 || (cur && strcmp(cur, "CNY")) ||
        (te && !wxs_time_parse(te, &expire)))
        return wxs_error(a, 400, "PARAM_ERROR", "参数错误"), NULL;
    wxs_order_t *o = wxs_order(s, no);
    if (o && (o->total != total || strcmp(o->trade_type, type) != 0))
        return wxs_error(a, 400, "INVALID_REQUEST", "201 商户订单号重复"), NULL;
    if (o)
        return o; /* the same order again: the same code */
    wxs_order_t *grown = realloc(s->orders, (s->n_orders + 1) * sizeof *grown);
    if (!grown)
        return wxs_error(a, 500, "SYSTEM_ERROR", "系统错误"), NULL;
    s->orders = grown;
    o = &s->orders[s->n_orders++];
    *o = (wxs_order_t){.total = total, .created = time(NULL), .expire = expire ? expire : time(NULL) + 7200};
    snprintf(o->out_trade_no, sizeof o->out_trade_no, "%s", no);
    snprintf(o->trade_type, sizeof o->trade_type, "%s", type);
    snprintf(o->state, sizeof o->state, "NOTPAY");
    snprintf(o->description, sizeof o->description, "%s", desc);
    snprintf(o->notify_url, sizeof o->notify_url, "%s", url);
    wxs_random(o->code, 10);
    return o;
}

static void create(wxs_t *s, const cJSON *j, bool h5, wxs_answer_t *a)
{
    wxs_order_t *o = order_add(s, j, h5 ? "MWEB" : "NATIVE", a);
    if (!o)
        return;
    char url[400];
    cJSON *ans = cJSON_CreateObject();
    if (h5) {
        snprintf(url, sizeof url, "%s/sim/h5/%s", s->public_url, o->code);
        cJSON_AddStringToObject(ans, "h5_url", url);
    } else {
        snprintf(url, sizeof url, "weixin://wxpay/bizpayurl?pr=%s", o->code);
        cJSON_AddStringToObject(ans, "code_url", url);
    }
    wxs_json(a, 200, ans);
}

cJSON *wxs_order_json(const wxs_t *s, const wxs_order_t *o)
{
    static const struct {
        const char *state, *desc;
    } descs[] = {{"SUCCESS", "支付成功"}, {"NOTPAY", "订单未支付"}, {"CLOSED", "订单已关闭"}, {"REFUND", "转入退款"}};
    cJSON *j = cJSON_CreateObject(), *amount, *payer;
    char t[40];
    cJSON_AddStringToObject(j, "appid", s->appid);
    cJSON_AddStringToObject(j, "mchid", s->mchid);
    cJSON_AddStringToObject(j, "out_trade_no", o->out_trade_no);
    if (o->paid_at)
        cJSON_AddStringToObject(j, "transaction_id", o->transaction_id);
    cJSON_AddStringToObject(j, "trade_type", o->trade_type);
    cJSON_AddStringToObject(j, "trade_state", o->state);
    for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++)
        if (strcmp(descs[i].state, o->state) == 0)
            cJSON_AddStringToObject(j, "trade_state_desc", descs[i].desc);
    if (o->paid_at) {
        cJSON_AddStringToObject(j, "bank_type", "OTHERS");
        wxs_time(o->paid_at, t, sizeof t);
        cJSON_AddStringToObject(j, "success_time", t);
        payer = cJSON_AddObjectToObject(j, "payer");
        cJSON_AddStringToObject(payer, "openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    }
    amount = cJSON_AddObjectToObject(j, "amount");
    cJSON_AddNumberToObject(amount, "total", (double)o->total);
    if (o->paid_at)
        cJSON_AddNumberToObject(amount, "payer_total", (double)o->total);
    cJSON_AddStringToObject(amount, "currency", "CNY");
    cJSON_AddStringToObject(amount, "payer_currency", "CNY");
    return j;
}

static void query(wxs_t *s, const char *no, wxs_answer_t *a)
{
    wxs_order_t *o = wxs_order(s, no);
    if (!o) {
        wxs_error(a, 404, "ORDER_NOT_EXIST", "订单不存在");
        return;
    }
    if (strcmp(o->state, "NOTPAY") == 0 && time(NULL) >= o->expire)
        snprintf(o->state, sizeof o->state, "CLOSED");
    wxs_json(a, 200, wxs_order_json(s, o));
}

static void close_order(wxs_t *s, const char *no, const cJSON *j, wxs_answer_t *a)
{
    wxs_order_t *o = wxs_order(s, no);
    if (!jstr(j, "mchid") || strcmp(jstr(j, "mchid"), s->mchid) != 0) {
        wxs_error(a, 400, "PARAM_ERROR", "mchid");
        return;
    }
    if (!o) {
        wxs_error(a, 404, "ORDER_NOT_EXIST", "订单不存在");
        return;
    }
    if (o->paid_at) {
        wxs_error(a, 400, "ORDERPAID", "订单已支付");
        return;
    }
    snprintf(o->state, sizeof o->state, "CLOSED");
    *a = (wxs_answer_t){.status = 204, .body = strdup(""), .type = "application/json", .sign = true};
}


/* The path's segment after prefix, up to '/' or '?' (into out). */
static bool segment(const char *uri, const char *prefix, char *out, size_t size, const char **rest)
{
    size_t pl = strlen(prefix);
    if (strncmp(uri, prefix, pl) != 0)
        return false;
    size_t n = strcspn(uri + pl, "/?");
    if (n == 0 || n >= size)
        return false;
    memcpy(out, uri + pl, n);
    out[n] = '\0';
    *rest = uri + pl + n;
    return true;
}

/* Routes a verified request (s->lock held). */
static void route(wxs_t *s, const char *method, const char *uri, const cJSON *j, wxs_answer_t *a)
{
    char no[80];
    const char *rest = "";
    bool post = strcmp(method, "POST") == 0;
    if (post && strcmp(uri, "/v3/pay/transactions/native") == 0)
        create(s, j, false, a);
    else if (post && strcmp(uri, "/v3/pay/transactions/h5") == 0)
        create(s, j, true, a);
    else if (segment(uri, "/v3/pay/transactions/out-trade-no/", no, sizeof no, &rest) && post &&
             strcmp(rest, "/close") == 0)
        close_order(s, no, j, a);
    else if (segment(uri, "/v3/pay/transactions/out-trade-no/", no, sizeof no, &rest) && !post && *rest == '?')
        query(s, no, a);
    else if (post && strcmp(uri, "/v3/refund/domestic/refunds") == 0)
        wxs_refund_post(s, j, a);
    else if (!post && segment(uri, "/v3/refund/domestic/refunds/", no, sizeof no, &rest) && !*rest)
        wxs_refund_get(s, no, a);
    else if (!post && strncmp(uri, "/v3/bill/tradebill?", 19) == 0)
        wxs_bill(s, uri, a);
    else if (!post && strncmp(uri, "/v3/billdownload/file?", 22) == 0)
        wxs_bill_file(s, uri, a);
    else
        wxs_error(a, 404, "NOT_FOUND", "no such API in the simulator");
}

void wxs_api(wxs_t *s, const char *method, const char *uri, const char *body, bool verified, wxs_answer_t *a)
{
    pthread_mutex_lock(&s->lock);
    int64_t delay = wxs_fault_take(s, WXS_F_TIMEOUT) ? s->fault_ms[WXS_F_TIMEOUT] : 0;
    cJSON *j = body && *body ? cJSON_Parse(body) : NULL;
    if (!verified)
        wxs_error(a, 401, "SIGN_ERROR", "签名错误");
    else if (body && *body && !j)
        wxs_error(a, 400, "PARAM_ERROR", "请求体不是JSON");
    else
        route(s, method, uri, j, a);
    cJSON_Delete(j);
    pthread_mutex_unlock(&s->lock);
    if (delay)
        usleep((useconds_t)(delay * 1000));
}
