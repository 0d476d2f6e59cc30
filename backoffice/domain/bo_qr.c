/* QR payment orders (bo_qr.h): create, load (expiring), pay, cancel. */
#include "backoffice/domain/bo_qr.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_qr_state.h"
#include "backoffice/domain/bo_scope.h"
#include "base/kjson.h"
#include "base/log.h"

static kerr_t set_state(bo_qr_ctx_t *q, bo_order_t *o, const char *to, kmsg_t *msg)
{
    if (strcmp(to, "paid_late") == 0)
        snprintf(o->gave_up, sizeof o->gave_up, "%s", o->state);
    if (bo_qr_is_paid(to) && !bo_qr_is_paid(o->state))
        o->paid_at = q->now;
    snprintf(o->state, sizeof o->state, "%s", to);
    q->changed = true;
    return q->st->ops->qr->order_set(q->st->ctx, o, msg);
}

kerr_t bo_qr_load(bo_qr_ctx_t *q, const char *id, bo_order_t *o, kmsg_t *msg)
{
    bool found;
    kerr_t rc = q->st->ops->qr->order_get(q->st->ctx, id, o, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "no QR order '%s'", id);
    if (rc == K_OK && strcmp(o->state, "pending") == 0 && q->now >= o->expires_at)
        rc = set_state(q, o, "expired", msg);
    return rc;
}

static kerr_t add_notice(bo_qr_ctx_t *q, const bo_order_t *o, kmsg_t *msg)
{
    cJSON *b = bo_qr_json(q->base_url, o);
    char *text = b ? kjson_print(b, false) : NULL;
    cJSON_Delete(b);
    kerr_t rc = text ? q->st->ops->qr->notice_add(q->st->ctx, o->kiosk, "qr_paid_late", text, q->now, msg)
                     : kmsg_set(msg, K_EIO, "out of memory");
    cJSON_free(text);
    return rc;
}

kerr_t bo_qr_event(bo_qr_ctx_t *q, const char *id, const char *event, bo_order_t *o, kmsg_t *msg)
{
    bo_store_t *st = q->st;
    kerr_t rc = bo_qr_load(q, id, o, msg);
    const char *to;
    bool notify;
    if (rc)
        return rc;
    if (!bo_qr_next(o->state, event, &to, &notify))
        return kmsg_set(msg, K_ESTATE, "order %s is %s: it cannot be %s; book the payment instead", id, o->state,
                        strcmp(event, "cancel") == 0 ? "cancelled" : event);
    if (strcmp(to, o->state) == 0)
        return K_OK;
    rc = st->ops->begin(st->ctx, msg);
    if (rc == K_OK)
        rc = set_state(q, o, to, msg);
    if (rc == K_OK && notify)
        rc = add_notice(q, o, msg);
    if (rc == K_OK)
        rc = st->ops->commit(st->ctx, msg);
    if (rc)
        st->ops->rollback(st->ctx);
    return rc;
}

cJSON *bo_qr_json(const char *base_url, const bo_order_t *o)
{
    cJSON *j = cJSON_CreateObject();
    char url[sizeof o->provider_ref];
    if (o->provider_ref[0])
        snprintf(url, sizeof url, "%s", o->provider_ref);
    else
        snprintf(url, sizeof url, "%s/pay/%s", base_url, o->id);
    kjson_add_str(j, "id", o->id);
    kjson_add_str(j, "txn", o->txn);
    kjson_add_str(j, "meter", o->meter);
    kjson_add_int(j, "amount", o->amount);
    kjson_add_str(j, "currency", o->currency);
    kjson_add_str(j, "state", o->state);
    kjson_add_str(j, "code_url", url);
    kjson_add_time(j, "created_at", o->created_at);
    kjson_add_time(j, "expires_at", o->expires_at);
    if (o->paid_at)
        kjson_add_time(j, "paid_at", o->paid_at);
    if (o->gave_up[0])
        kjson_add_str(j, "gave_up", o->gave_up);
    return j;
}

kerr_t bo_qr_create(bo_qr_ctx_t *q, const char *kiosk, const bo_qr_new_t *n, bo_order_t *o, kmsg_t *msg)
{
    bool found = false;
    kmsg_t ignore;
    if (q->st->ops->qr->order_of_txn(q->st->ctx, kiosk, n->txn, o, &found, &ignore) == K_OK && found) {
        if (o->amount != n->amount || strcmp(o->meter, n->meter) != 0)
            return kmsg_set(msg, K_ECONFLICT, "transaction %s already has order %s for another amount or meter",
                            n->txn, o->id);
        char id[sizeof o->id];
        snprintf(id, sizeof id, "%s", o->id);
        return bo_qr_load(q, id, o, msg); /* a retried create: the same order */
    }
    kerr_t rc = bo_scope_check(q->st, kiosk, n->meter, msg); /* K_EDENIED: not this kiosk's meter */
    if (rc)
        return rc;
    uint8_t rnd[16];
    int64_t ttl = n->ttl_s ? n->ttl_s : q->ttl_s;
    *o = (bo_order_t){.amount = n->amount, .created_at = q->now, .expires_at = q->now + ttl * 1000};
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(o->id, sizeof o->id, rnd, sizeof rnd);
    snprintf(o->kiosk, sizeof o->kiosk, "%s", kiosk);
    snprintf(o->txn, sizeof o->txn, "%s", n->txn);
    snprintf(o->meter, sizeof o->meter, "%s", n->meter);
    snprintf(o->currency, sizeof o->currency, "%s", n->currency);
    snprintf(o->provider, sizeof o->provider, "%s", q->provider ? q->provider : "sim");
    rc = q->st->ops->qr->order_add(q->st->ctx, o, msg);
    char id[sizeof o->id];
    snprintf(id, sizeof id, "%s", o->id);
    return rc ? rc : bo_qr_load(q, id, o, msg);
}

kerr_t bo_qr_placed(bo_qr_ctx_t *q, const char *id, const char *ref, bo_order_t *o, kmsg_t *msg)
{
    kerr_t rc = bo_qr_load(q, id, o, msg);
    if (rc || o->provider_ref[0] || strlen(ref) >= sizeof o->provider_ref)
        return rc;
    snprintf(o->provider_ref, sizeof o->provider_ref, "%s", ref);
    return q->st->ops->qr->order_set(q->st->ctx, o, msg);
}

/* Raises the staff alert kind about order o (evidence: text) unless one is
 * open already. */
static kerr_t alert_once(bo_qr_ctx_t *q, const bo_order_t *o, const char *kind, const char *text, kmsg_t *msg)
{
    bool open = false;
    kerr_t rc = q->st->ops->log->alert_open(q->st->ctx, kind, o->id, "", &open, msg);
    if (rc == K_OK && !open && (rc = q->st->ops->log->alert_about(q->st->ctx, q->now, kind, o->id, text, msg)) == K_OK)
        LOG_W("qr", "alert %s: %s", kind, text);
    return rc ? K_EIO : K_OK;
}

/* provider reported order o paid, but o is another provider's: nothing
 * booked, staff alerted; K_EDENIED (K_EIO if the alert failed). */
static kerr_t provider_mismatch(bo_qr_ctx_t *q, const bo_order_t *o, const char *provider, kmsg_t *msg)
{
    const char *own = bo_qr_order_provider(q, o);
    char text[400];
    snprintf(text, sizeof text,
             "%s reports QR order %s (%lld, kiosk %s) paid, but the order is %s's%s: not booked; if the money is "
             "at %s, put %s first in [qr] providers and restart the back office (its next notification is then "
             "booked), or book it by hand",
             provider, o->id, (long long)o->amount, o->kiosk, own,
             o->provider[0] ? "" : " (made before orders recorded their provider: the kiosks' provider now)", provider,
             provider);
    kerr_t rc = alert_once(q, o, "qr_provider_mismatch", text, msg);
    return rc ? rc : kmsg_set(msg, K_EDENIED, "%s says order %s was paid, but the order is %s's: not booked",
                              provider, o->id, own);
}

const char *bo_qr_order_provider(const bo_qr_ctx_t *q, const bo_order_t *o)
{
    return o->provider[0] ? o->provider : q->provider ? q->provider : "sim";
}

kerr_t bo_qr_provider_paid(bo_qr_ctx_t *q, const char *id, const char *provider, int64_t amount, bo_order_t *o,
                           kmsg_t *msg)
{
    kerr_t rc = bo_qr_load(q, id, o, msg);
    if (rc == K_OK && strcmp(bo_qr_order_provider(q, o), provider) != 0)
        return provider_mismatch(q, o, provider, msg);
    if (rc == K_OK && amount != o->amount)
        return kmsg_set(msg, K_ECONFLICT, "the provider says order %s was paid %lld, not %lld: not booked", id,
                        (long long)amount, (long long)o->amount);
    return rc ? rc : bo_qr_event(q, id, "pay", o, msg);
}

kerr_t bo_qr_provider_missing(bo_qr_ctx_t *q, const bo_order_t *o, kmsg_t *msg)
{
    const char *name = bo_qr_order_provider(q, o);
    char text[400];
    snprintf(text, sizeof text,
             "QR order %s (%lld, kiosk %s, meter %s) was placed with %s, which is no longer in [qr] provider or "
             "providers: it is left %s and nothing is asked of another provider; configure %s again ([qr] "
             "providers and its section) and restart the back office",
             o->id, (long long)o->amount, o->kiosk, o->meter, name, o->state, name);
    return alert_once(q, o, "qr_provider_missing", text, msg);
}
