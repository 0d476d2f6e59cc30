/* Paying from the phone page (docs/phone.md): an H5 order placed with the
 * QR money provider for the session's meter; its payment (notified, or
 * found by asking the provider while the page polls) becomes a central
 * credit to the meter through its site's kiosk, exactly once: the credit
 * command's id is the order id, which the store takes once. The lock is
 * never held across a provider call. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_command.h"
#include "backoffice/http/bo_server.h"
#include "base/log.h"

#define ASK_EVERY_MS 2000  /* a pending phone order is asked about at the provider at most this often */
#define ORDER_TTL_MS 900000 /* an H5 order may be paid for 15 minutes */

/* Each provider's phone notification path. */
static const struct {
    const char *provider, *path;
} phone_provs[] = {
    {"wechat", "/v1/phone/notify/wechatpay"},
    {"alipay", "/v1/phone/notify/alipay"},
};

/* The table's row for an open provider p (-1 if none). */
static int row_of(const bo_provider_t *p)
{
    for (size_t i = 0; i < sizeof phone_provs / sizeof phone_provs[0]; i++)
        if (strcmp(phone_provs[i].provider, p->ops->name) == 0)
            return (int)i;
    return -1;
}

const bo_provider_t *bo__phone_provider(const bo_server_t *s, const char *id)
{
    char tag = bo_phone_order_tag(id);
    if (!tag)
        return s->pay.n ? &s->pay.p[0] : NULL; /* an id made before ids named their provider */
    for (size_t i = 0; i < s->pay.n; i++)
        if (bo_phone_provider_tag(s->pay.p[i].ops->name) == tag)
            return &s->pay.p[i];
    return NULL;
}

static bool amount_ok(int64_t amount)
{
    for (size_t i = 0; i < sizeof bo_phone_amounts / sizeof bo_phone_amounts[0]; i++)
        if (bo_phone_amounts[i] == amount)
            return true;
    return false;
}

/* Queues the credit of paid order id (amount fen, the provider's trade
 * trade_no) once; a second call finds the command and does nothing. */
static kerr_t credit(bo_server_t *s, const bo_provider_t *p, const char *id, int64_t amount, const char *trade_no,
                     kmsg_t *msg)
{
    char meter[BO_PHONE_METER_MAX + 1], reason[200], actor[48];
    if (!bo_phone_order_meter(id, meter, sizeof meter) || !amount_ok(amount))
        return kmsg_set(msg, K_EINVAL, "order %s for %lld fen is not one of the phone page's", id, (long long)amount);
    snprintf(reason, sizeof reason, "paid from the phone page at %s, trade %s", p->ops->name, trade_no);
    snprintf(actor, sizeof actor, "phone:%s", p->ops->name);
    bo_cmd_spec_t spec = {.meter = meter, .command = "credit", .operator_name = "phone", .reason = reason,
                          .expiry_s = 86400, .amount = amount, .paid_by = "online", .reference = id, .id = id};
    bo_cmd_rec_t c;
    bool found = false;
    bo_lock(s);
    bo_who_t who = {actor, bo_now(s)};
    kerr_t rc = s->store.ops->cmd->get(s->store.ctx, id, &c, &found, msg);
    if (rc == K_OK && !found)
        rc = bo_command_issue(&s->store, &s->key, &who, &spec, &c, msg);
    if (rc == K_ECONFLICT)
        rc = K_OK;
    pthread_cond_broadcast(&s->changed); /* the kiosk's long poll for commands */
    bo_unlock(s);
    if (rc == K_OK && !found)
        LOG_I("phone", "order %s paid (%lld fen at %s): credit queued for meter %s", id, (long long)amount,
              p->ops->name, meter);
    return rc;
}

/* The open provider the order's body names ({"provider"}; none: the
 * kiosks' provider), NULL if the back office has no such provider. */
static const bo_provider_t *chosen(const bo_server_t *s, const cJSON *b)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "provider"));
    const bo_provider_t *p = name ? bo_pay_find(&s->pay, name) : s->pay.n ? &s->pay.p[0] : NULL;
    return p && row_of(p) >= 0 && bo_phone_provider_tag(p->ops->name) ? p : NULL;
}

/* POST /v1/phone/orders {"amount", "provider"}: the bearer session's
 * meter. A page of another site cannot send the Authorization header (no
 * CORS), so no cross-site request can place an order. */
void bo_h_phone_order_create(bo_req_t *q, bo_resp_t *r)
{
    bo_server_t *s = q->s;
    char meter[BO_PHONE_METER_MAX + 1], id[BO_PHONE_ORDER_MAX], notify[400] = "", ret[400], what[96], addr[64] = "";
    if (!bo__phone_session(q, meter, sizeof meter, r))
        return;
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const cJSON *amt = cJSON_GetObjectItemCaseSensitive(b, "amount");
    int64_t amount = cJSON_IsNumber(amt) ? (int64_t)amt->valuedouble : 0;
    const bo_provider_t *p = chosen(s, b);
    cJSON_Delete(b);
    if (!amount_ok(amount)) {
        bo_resp_error(r, 400, "bad_amount", "choose one of the amounts the page offers");
        return;
    }
    if (!p) {
        bo_resp_error(r, s->pay.n ? 400 : 503, "no_provider", "%s",
                      s->pay.n ? "choose one of the ways to pay the page offers"
                               : "paying by phone is not set up on this server ([qr] provider)");
        return;
    }
    int row = row_of(p);
    bo_phone_order_id(meter, bo_phone_provider_tag(p->ops->name), id, sizeof id);
    snprintf(notify, sizeof notify, "%s%s", s->base_url, phone_provs[row].path);
    snprintf(ret, sizeof ret, "%s/my/#order=%s", s->base_url, id);
    snprintf(what, sizeof what, "Prepaid top-up of meter %s", meter); /* no comma: WeChat Pay's bill is CSV */
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, addr, sizeof addr);
    bo_prov_order_t po = {.kind = BO_PROV_H5, .out_trade_no = id, .amount = amount, .currency = "CNY",
                          .description = what, .notify_url = notify, .client_ip = addr[0] ? addr : "127.0.0.1",
                          .return_url = ret, .expires_at = bo_now(s) + ORDER_TTL_MS};
    bo_prov_answer_t a;
    kmsg_t msg = {{0}};
    if (p->ops->create(p->ctx, &po, &a, &msg) != K_OK) {
        LOG_W("phone", "placing order %s with %s: %s", id, p->ops->name, msg.text);
        bo_resp_error(r, 503, "provider_unavailable", "the payment service did not answer: try again");
        return;
    }
    LOG_I("phone", "order %s for meter %s: %lld fen at %s", id, meter, (long long)amount, p->ops->name);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "order", id);
    cJSON_AddStringToObject(o, "provider", p->ops->name);
    cJSON_AddStringToObject(o, "pay_url", a.url);
    cJSON_AddNumberToObject(o, "amount", (double)amount);
    cJSON_AddStringToObject(o, "state", "pending");
    bo_resp_json(r, 200, o);
}

/* The page's word for a credit command's state. */
static const char *stage_of(const char *state)
{
    static const struct {
        const char *state, *stage;
    } stages[] = {{"queued", "paid"}, {"sent", "sent"}, {"done", "done"}};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
        if (strcmp(stages[i].state, state) == 0)
            return stages[i].stage;
    return "failed";
}

/* Asks the provider about order id (no lock held) and books a payment. */
static const char *ask(bo_server_t *s, const bo_provider_t *p, const char *id)
{
    bo_prov_answer_t a;
    kmsg_t msg = {{0}};
    if (p->ops->query(p->ctx, id, &a, &msg) != K_OK) {
        LOG_W("phone", "asking %s about order %s: %s", p->ops->name, id, msg.text);
        return "pending";
    }
    if (a.state == BO_PROV_PAID && credit(s, p, id, a.amount, a.trade_no, &msg) != K_OK)
        LOG_E("phone", "crediting order %s: %s", id, msg.text);
    return a.state == BO_PROV_CLOSED ? "closed" : "pending";
}

/* GET /v1/phone/orders/{id}: pending, closed, paid (the credit queued),
 * sent (the kiosk has it), done (on the meter, with the balance after) or
 * failed. */
void bo_h_phone_order_get(bo_req_t *q, bo_resp_t *r)
{
    bo_server_t *s = q->s;
    char meter[BO_PHONE_METER_MAX + 1], of[BO_PHONE_METER_MAX + 1];
    if (!bo__phone_session(q, meter, sizeof meter, r))
        return;
    const char *id = q->arg[0];
    const bo_provider_t *p = bo__phone_provider(s, id);
    if (!bo_phone_order_meter(id, of, sizeof of) || strcmp(of, meter) != 0 || !p) {
        bo_resp_error(r, 404, "not_found", "no such order for this meter");
        return;
    }
    bo_cmd_rec_t c;
    bool found = false, now_due = false;
    kmsg_t msg = {{0}};
    const char *stage = "pending";
    for (int round = 0; round < 2; round++) {
        bo_lock(s);
        kerr_t rc = s->store.ops->cmd->get(s->store.ctx, id, &c, &found, &msg);
        now_due = rc == K_OK && !found && round == 0 &&
                  bo_phone_ask_due(s->phone_asked, sizeof s->phone_asked / sizeof s->phone_asked[0], id, bo_now(s),
                                   ASK_EVERY_MS);
        bo_unlock(s);
        if (rc) {
            bo_resp_kerr(r, rc, &msg);
            return;
        }
        if (!now_due)
            break;
        stage = ask(s, p, id);
    }
    const char *shown = found ? stage_of(c.state) : stage;
    if (strcmp(shown, "failed") == 0)
        shown = bo__phone_refund_stage(s, id, shown); /* refunded, refunding, checking */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "order", id);
    cJSON_AddStringToObject(o, "state", shown);
    if (found) {
        cJSON_AddStringToObject(o, "command_state", c.state);
        if (c.has_after && strcmp(c.state, "done") == 0)
            cJSON_AddNumberToObject(o, "balance", (double)c.balance_after);
    }
    bo_resp_json(r, 200, o);
}

kerr_t bo__phone_notified(bo_server_t *s, const bo_provider_t *p, const bo_prov_event_t *ev)
{
    kmsg_t msg = {{0}};
    if (ev->is_refund || ev->trade.state != BO_PROV_PAID)
        return K_OK;
    kerr_t rc = credit(s, p, ev->trade.out_trade_no, ev->trade.amount, ev->trade.trade_no, &msg);
    if (rc && rc != K_EIO && rc != K_EBUSY)
        LOG_E("phone", "a paid order not credited: %s", msg.text);
    return rc == K_EIO || rc == K_EBUSY ? rc : K_OK;
}
