/* QR payment orders' endpoints (docs/sync.md, "QR payments"): create, read
 * (with a long poll), cancel; the domain (bo_qr.h) keeps the orders, and a
 * change wakes the long polls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_qr.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

bo_qr_ctx_t bo__qr_ctx(bo_server_t *s)
{
    const char *kiosks = s->provider.ops ? s->provider.ops->name : "sim";
    return (bo_qr_ctx_t){&s->store, bo_now(s), s->base_url, s->cfg.qr_ttl_s, false, kiosks};
}

void bo__qr_done(bo_server_t *s, const bo_qr_ctx_t *c)
{
    if (c->changed)
        pthread_cond_broadcast(&s->changed);
}

void bo_h_qr_create(bo_req_t *q, bo_resp_t *r)
{
    bo_qr_new_t n;
    bo_order_t o;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_decode_qr_new(q->body, q->body_len, &n, &msg);
    if (rc == K_OK) {
        bo_lock(q->s);
        bo_qr_ctx_t c = bo__qr_ctx(q->s);
        rc = bo_qr_create(&c, q->kiosk, &n, &o, &msg);
        bo__qr_done(q->s, &c);
        bo_unlock(q->s);
    }
    if (rc == K_OK)
        rc = bo__qr_place(q->s, &o, &msg);
    if (rc == K_EDENIED)
        bo_resp_error(r, 403, "meter_out_of_scope", "%s", msg.text);
    else if (rc == K_EIO || rc == K_ETIMEOUT || rc == K_ECORRUPT)
        bo_resp_error(r, 503, "provider_unavailable", "%s: ask again", msg.text);
    else if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, bo_qr_json(q->s->base_url, &o));
}

/* Loads the kiosk's own order; another kiosk's is "not found". */
static kerr_t own_order(bo_req_t *q, bo_qr_ctx_t *c, bo_order_t *o, kmsg_t *msg)
{
    kerr_t rc = bo_qr_load(c, q->arg[1], o, msg);
    if (rc == K_OK && strcmp(o->kiosk, q->kiosk) != 0)
        rc = kmsg_set(msg, K_ENOTFOUND, "kiosk %s has no QR order '%s'", q->kiosk, q->arg[1]);
    return rc;
}

/* A long poll (?wait=N, 30 s at most) answers when the order leaves
 * pending, when N seconds have passed or when the server stops; until then
 * it waits parked (r->wait) and the HTTP layer runs it again on a change. */
void bo_h_qr_get(bo_req_t *q, bo_resp_t *r)
{
    bo_order_t o;
    kmsg_t msg = {{0}};
    const char *w = bo_req_arg(q, "wait");
    int64_t wait_s = w ? atoll(w) : 0;
    wait_s = wait_s < 0 ? 0 : wait_s > 30 ? 30 : wait_s;
    bo_lock(q->s);
    bo_qr_ctx_t c = bo__qr_ctx(q->s);
    kerr_t rc = own_order(q, &c, &o, &msg);
    bo__qr_done(q->s, &c);
    bo_unlock(q->s);
    if (rc == K_OK && strcmp(o.state, "pending") == 0) { /* no notification yet: the provider is asked now and then */
        bo__qr_ask(q->s, &o);
        bo_lock(q->s);
        c = bo__qr_ctx(q->s);
        rc = own_order(q, &c, &o, &msg);
        bo__qr_done(q->s, &c);
        bo_unlock(q->s);
    }
    bo_lock(q->s);
    r->wait = rc == K_OK && strcmp(o.state, "pending") == 0 && !q->s->stopping && q->waited_ms < wait_s * 1000;
    bo_unlock(q->s);
    if (r->wait)
        return;
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, bo_qr_json(q->s->base_url, &o));
}

void bo_h_qr_cancel(bo_req_t *q, bo_resp_t *r)
{
    bo_order_t o;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    bo_qr_ctx_t c = bo__qr_ctx(q->s);
    kerr_t rc = own_order(q, &c, &o, &msg);
    bo__qr_done(q->s, &c);
    bo_unlock(q->s);
    if (rc == K_OK) /* the provider's trade first: a payment it had taken is booked, the cancel refused */
        rc = bo__qr_close(q->s, &o, &msg);
    if (rc == K_EIO) { /* its provider is not configured here: left pending */
        bo_resp_error(r, 503, "provider_unavailable", "%s: ask again", msg.text);
        return;
    }
    bo_lock(q->s);
    c = bo__qr_ctx(q->s);
    if (rc == K_OK)
        rc = bo_qr_event(&c, q->arg[1], "cancel", &o, &msg);
    bo__qr_done(q->s, &c);
    bo_unlock(q->s);
    if (rc == K_ESTATE) {
        cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
        kjson_add_str(e, "code", "order_paid");
        kjson_add_str(e, "message", msg.text);
        cJSON_AddItemToObject(j, "order", bo_qr_json(q->s->base_url, &o));
        bo_resp_json(r, 409, j);
    } else if (rc) {
        bo_resp_kerr(r, rc, &msg);
    } else {
        bo_resp_json(r, 200, bo_qr_json(q->s->base_url, &o));
    }
}
