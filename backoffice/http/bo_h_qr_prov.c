/* QR orders with a real money provider (docs/payments-qr.md): an order is
 * placed with the provider when a kiosk makes it (its code_url is then the
 * provider's), a pending order a kiosk polls is asked about at the
 * provider now and then, a kiosk's cancel closes the trade, and the
 * provider's notification books the payment once. The server lock is
 * never held across a provider call. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/http/bo_server.h"
#include "base/log.h"

#define ASK_EVERY_MS 3000 /* a pending order is asked about at the provider at most this often */

/* The providers' notification paths (the routes of bo_route.c): the
 * kiosks' orders' and the phone page's (bo_h_phone_pay.c names those in
 * its orders). */
static const struct {
    const char *path, *provider;
} notify_paths[] = {
    {"/v1/notify/wechatpay", "wechat"},
    {"/v1/notify/alipay", "alipay"},
    {"/v1/phone/notify/wechatpay", "wechat"},
    {"/v1/phone/notify/alipay", "alipay"},
};

/* The provider that took order o (bo_qr_order_provider) into *p: NULL for
 * the simulated one. K_EIO, with a staff alert, if that provider is not
 * open here: the order is never asked of another. */
static kerr_t provider_of(bo_server_t *s, const bo_order_t *o, const bo_provider_t **p, kmsg_t *msg)
{
    bo_lock(s);
    bo_qr_ctx_t c = bo__qr_ctx(s);
    const char *name = bo_qr_order_provider(&c, o);
    *p = strcmp(name, "sim") == 0 ? NULL : bo_pay_find(&s->pay, name);
    kerr_t rc = K_OK;
    if (strcmp(name, "sim") != 0 && !*p) {
        kmsg_t why = {{0}};
        if (bo_qr_provider_missing(&c, o, &why) != K_OK)
            LOG_E("qr", "alerting staff about order %s: %s", o->id, why.text);
        rc = kmsg_set(msg, K_EIO, "order %s was placed with %s, which is not configured here now", o->id, name);
    }
    bo_unlock(s);
    return rc;
}

kerr_t bo__qr_place(bo_server_t *s, bo_order_t *o, kmsg_t *msg)
{
    const bo_provider_t *p;
    if (o->provider_ref[0] || strcmp(o->state, "pending") != 0)
        return K_OK;
    kerr_t rc = provider_of(s, o, &p, msg);
    if (rc || !p)
        return rc;
    char notify[400] = "", what[96];
    for (size_t i = 0; i < sizeof notify_paths / sizeof notify_paths[0]; i++)
        if (strcmp(notify_paths[i].provider, p->ops->name) == 0)
            snprintf(notify, sizeof notify, "%s%s", s->base_url, notify_paths[i].path);
    snprintf(what, sizeof what, "Prepaid top-up of meter %s", o->meter); /* no comma: WeChat Pay's bill is CSV */
    bo_prov_order_t po = {.kind = BO_PROV_NATIVE, .out_trade_no = o->id, .amount = o->amount,
                          .currency = o->currency, .description = what, .notify_url = notify,
                          .expires_at = o->expires_at};
    bo_prov_answer_t a;
    rc = p->ops->create(p->ctx, &po, &a, msg);
    if (rc) {
        LOG_W("qr", "placing order %s with %s: %s", o->id, p->ops->name, msg->text);
        return rc;
    }
    char id[sizeof o->id];
    snprintf(id, sizeof id, "%s", o->id);
    bo_lock(s);
    bo_qr_ctx_t c = bo__qr_ctx(s);
    rc = bo_qr_placed(&c, id, a.url, o, msg);
    bo__qr_done(s, &c);
    bo_unlock(s);
    return rc;
}

/* Whether order id is due to be asked about now, marking it asked (the
 * lock held). An order first seen waits ASK_EVERY_MS: its notification
 * usually comes first. */
static bool due(bo_server_t *s, const char *id, int64_t now)
{
    size_t oldest = 0, n = sizeof s->asked / sizeof s->asked[0];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s->asked[i].id, id) == 0) {
            if (now - s->asked[i].at < ASK_EVERY_MS)
                return false;
            s->asked[i].at = now;
            return true;
        }
        if (s->asked[i].at < s->asked[oldest].at)
            oldest = i;
    }
    snprintf(s->asked[oldest].id, sizeof s->asked[oldest].id, "%s", id);
    s->asked[oldest].at = now;
    return false;
}

/* Books what provider p answered about order id if it was paid; the
 * store's failure (K_EIO, K_EBUSY) and an order another provider took
 * (K_EDENIED: not booked, staff alerted) are returned, anything else
 * logged. A trade already refunded is
 * not booked: its money went back to the payer (Alipay's cancel of a paid
 * trade), so no credit may come of it. */
static kerr_t book_answer(bo_server_t *s, const bo_provider_t *p, const char *id, const bo_prov_answer_t *a)
{
    if (a->state != BO_PROV_PAID)
        return K_OK;
    bo_order_t o;
    kmsg_t msg = {{0}};
    bo_lock(s);
    bo_qr_ctx_t c = bo__qr_ctx(s);
    kerr_t rc = bo_qr_provider_paid(&c, id, p->ops->name, a->amount, &o, &msg);
    bo__qr_done(s, &c);
    bo_unlock(s);
    if (rc)
        LOG_E("qr", "booking the payment of order %s: %s", id, msg.text);
    else
        LOG_I("qr", "order %s paid at %s (%s): %s", id, p->ops->name, a->trade_no, o.state);
    return rc == K_EIO || rc == K_EBUSY || rc == K_EDENIED ? rc : K_OK;
}

/* Asks provider p about order id, booking a payment it reports; true
 * if it reports one. */
static bool ask(bo_server_t *s, const bo_provider_t *p, const char *id)
{
    bo_prov_answer_t a;
    kmsg_t msg = {{0}};
    if (p->ops->query(p->ctx, id, &a, &msg) != K_OK) {
        LOG_W("qr", "asking %s about order %s: %s", p->ops->name, id, msg.text);
        return false;
    }
    (void)book_answer(s, p, id, &a); /* a store failure: asked again at the next poll */
    return a.state == BO_PROV_PAID;
}

void bo__qr_ask(bo_server_t *s, const bo_order_t *o)
{
    const bo_provider_t *p;
    kmsg_t msg = {{0}};
    if (strcmp(o->state, "pending") != 0 || !o->provider_ref[0])
        return;
    bo_lock(s);
    bool now = due(s, o->id, bo_now(s));
    bo_unlock(s);
    if (now && provider_of(s, o, &p, &msg) == K_OK && p)
        ask(s, p, o->id);
}

kerr_t bo__qr_close(bo_server_t *s, const bo_order_t *o, kmsg_t *msg)
{
    const bo_provider_t *p;
    if (strcmp(o->state, "pending") != 0 || !o->provider_ref[0])
        return K_OK;
    kerr_t rc = provider_of(s, o, &p, msg);
    if (rc || !p)
        return rc;
    /* Asked first: a payment whose notification has not come yet is booked
     * and the cancel refused (Alipay's cancel would refund a paid trade). */
    if (ask(s, p, o->id))
        return K_OK;
    kmsg_t why = {{0}};
    rc = p->ops->cancel(p->ctx, o->id, &why);
    if (rc == K_EDENIED) /* paid meanwhile, most likely: book it, and the cancel is refused */
        (void)ask(s, p, o->id);
    else if (rc == K_ESTATE) /* paid meanwhile, and the cancel gave the money back */
        LOG_W("qr", "order %s: %s", o->id, why.text);
    else if (rc)
        LOG_W("qr", "closing order %s at %s: %s (a payment would come as a late one)", o->id, p->ops->name,
              why.text);
    return K_OK;
}

static const char *header(void *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* POST /v1/notify/{wechatpay|alipay} and /v1/phone/notify/...: an open
 * provider's notification, checked by its signature (401 if it is not the
 * provider's). A kiosk's order is booked if it is that provider's (else
 * 500 and a staff alert: sent again, booked once staff fix [qr]); a phone
 * page's (its id P...; a notify_url set by hand sends those to
 * /v1/notify/... too) becomes its credit, once (500 if it cannot be
 * stored: sent again). */
void bo_h_notify(bo_req_t *q, bo_resp_t *r)
{
    bo_server_t *s = q->s;
    const bo_provider_t *p = NULL;
    for (size_t i = 0; i < sizeof notify_paths / sizeof notify_paths[0]; i++)
        if (strcmp(q->path, notify_paths[i].path) == 0)
            p = bo_pay_find(&s->pay, notify_paths[i].provider);
    if (!p) {
        bo_resp_error(r, 404, "not_found", "this server takes no notifications from that provider");
        return;
    }
    bo_prov_http_t req = {header, q->conn, header(q->conn, "Content-Type"), q->body, q->body_len};
    bo_prov_event_t ev;
    kmsg_t msg = {{0}};
    if (p->ops->notify(p->ctx, &req, &ev, &msg) != K_OK) {
        LOG_W("qr", "a %s notification refused: %s", p->ops->name, msg.text);
        bo_resp_error(r, 401, "FAIL", "%s", msg.text);
        return;
    }
    char meter[BO_PHONE_METER_MAX + 1];
    kerr_t rc = K_OK;
    if (bo_phone_order_meter(ev.trade.out_trade_no, meter, sizeof meter)) /* kiosks' ids are hex: never P... */
        rc = bo__phone_notified(s, p, &ev);
    else if (!ev.is_refund)
        rc = book_answer(s, p, ev.trade.out_trade_no, &ev.trade);
    if (rc == K_EDENIED) { /* another provider's order: not acknowledged, sent again once staff fixed [qr] */
        bo_resp_error(r, 500, "FAIL", "that order is another provider's here: send it again later");
        return;
    }
    if (rc != K_OK) {
        bo_resp_error(r, 500, "FAIL", "the payment could not be stored: send it again");
        return;
    }
    r->status = p->ops->ack_status;
    r->body = strdup(p->ops->ack_body);
    r->type = "text/plain; charset=utf-8";
}
