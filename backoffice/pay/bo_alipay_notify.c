/* Asynchronous notifications: a form POST from Alipay, verified (sign and
 * sign_type dropped, the rest sorted and joined) and decoded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_alipay_int.h"

static void copy(const ap_params_t *ps, const char *key, char *out, size_t len)
{
    const char *v = ap_params_get(ps, key);
    snprintf(out, len, "%s", v ? v : "");
}

/* Decodes a verified notification's fields into ev. */
static kerr_t decode(const ap_params_t *ps, bo_prov_event_t *ev, kmsg_t *msg)
{
    const char *status = ap_params_get(ps, "trade_status"), *total = ap_params_get(ps, "total_amount");
    const char *paid = ap_params_get(ps, "gmt_payment"), *refund = ap_params_get(ps, "refund_fee");
    copy(ps, "notify_id", ev->id, sizeof ev->id);
    copy(ps, "out_trade_no", ev->trade.out_trade_no, sizeof ev->trade.out_trade_no);
    copy(ps, "trade_no", ev->trade.trade_no, sizeof ev->trade.trade_no);
    if (!status || !ev->trade.out_trade_no[0])
        return kmsg_set(msg, K_ECORRUPT, "alipay: notification without trade_status or out_trade_no");
    ev->trade.state = ap_trade_state(status, paid != NULL);
    if (ev->trade.state == BO_PROV_UNKNOWN)
        return kmsg_set(msg, K_ECORRUPT, "alipay: notification with trade_status '%s'", status);
    ev->is_refund = refund != NULL;
    if (!bo_alipay_yuan_parse(refund ? refund : total ? total : "", &ev->trade.amount))
        return kmsg_set(msg, K_ECORRUPT, "alipay: notification amount is no amount");
    if (paid && !ap_time_parse(paid, &ev->trade.paid_at))
        return kmsg_set(msg, K_ECORRUPT, "alipay: gmt_payment '%s' is no time", paid);
    return K_OK;
}

kerr_t ap_notify(void *ctx, const bo_prov_http_t *req, bo_prov_event_t *ev, kmsg_t *msg)
{
    const ap_ctx_t *c = ctx;
    memset(ev, 0, sizeof *ev);
    ap_params_t ps = {0};
    if (!req->body || !ap_form_parse(req->body, req->body_len, &ps))
        return kmsg_set(msg, K_ECORRUPT, "alipay: notification: no form");
    char *text = ap_sign_text(&ps, true);
    const char *sign = ap_params_get(&ps, "sign"), *app = ap_params_get(&ps, "app_id");
    kerr_t rc = K_OK;
    if (!text || !sign || !ap_verify(c, text, strlen(text), sign))
        rc = kmsg_set(msg, K_ECORRUPT, "alipay: notification: the signature does not verify");
    else if (!app || strcmp(app, c->cfg.app_id) != 0)
        rc = kmsg_set(msg, K_ECORRUPT, "alipay: notification for app '%s', not ours", app ? app : "");
    else
        rc = decode(&ps, ev, msg);
    free(text);
    ap_params_free(&ps);
    return rc;
}
