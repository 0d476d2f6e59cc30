/* QR refunds recorded when ingest sees an undeliverable QR sale, and
 * settled by hand (bo_qr_refund.h). */
#include "backoffice/domain/bo_qr_refund.h"

#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_alerts.h"
#include "backoffice/domain/bo_audit.h"
#include "base/kjson.h"
#include "core/perm.h"

static const char *const state_names[BO_REFUND_N_STATES] = {
    [BO_REFUND_PENDING] = "pending",     [BO_REFUND_PROCESSING] = "processing", [BO_REFUND_SUCCEEDED] = "succeeded",
    [BO_REFUND_FAILED] = "failed",       [BO_REFUND_SETTLED] = "settled",       [BO_REFUND_REVIEW] = "review",
};

const char *bo_qr_refund_state_name(bo_refund_state_t s)
{
    return s < BO_REFUND_N_STATES ? state_names[s] : "?";
}

bool bo_qr_refund_state_valid(const char *name)
{
    for (int i = 0; i < BO_REFUND_N_STATES; i++)
        if (strcmp(state_names[i], name) == 0)
            return true;
    return false;
}

void bo_qr_refund_no(const char *order, char out[65])
{
    snprintf(out, 65, "RF%.62s", order);
}

/* A QR sale the kiosk parked with money taken and no credit delivered. */
static bool undeliverable(const bo_txn_t *t)
{
    return strcmp(t->method, "qr") == 0 && strcmp(t->state, "needs_reconciliation") == 0 && t->paid > 0 &&
           t->delivered == 0 && t->refunded == 0;
}

/* Whether the kiosk's park reason says the meter did not take the credit:
 * the meter refused it. Every other (a count that moved, an answer
 * unconfirmed, an interruption) leaves it possible that it did. */
static bool not_credited(const char *reason)
{
    static const char sure[] = "refused:";
    return strncmp(reason, sure, sizeof sure - 1) == 0;
}

/* A refund kept for review: staff are told why. */
static kerr_t review(bo_store_t *st, const bo_refund_rec_t *r, const char *reason, int64_t now, kmsg_t *msg)
{
    char text[400];
    snprintf(text, sizeof text, "QR order %s (%lld, kiosk %s, sale %s) was parked as '%.120s': the credit may have "
             "reached the meter, so it is not refunded by itself; check the meter, then refund it at the provider "
             "and settle it with `backoffice qr refund settle %s`",
             r->order, (long long)r->amount, r->kiosk, r->txn, reason, r->order);
    return bo_alert_staff(st, now, "qr_refund_review", r->meter, text, msg);
}

kerr_t bo_qr_refund_on_sale(bo_store_t *st, const char *kiosk, const bo_txn_t *t, const char *reason, int64_t now,
                            kmsg_t *msg)
{
    bo_order_t o;
    bool found = false, fresh = false;
    bool sure = reason && not_credited(reason);
    reason = reason ? reason : "";
    if (!undeliverable(t))
        return K_OK;
    kerr_t rc = st->ops->qr->order_of_txn(st->ctx, kiosk, t->id, &o, &found, msg);
    if (rc || !found || (strcmp(o.state, "paid") != 0 && strcmp(o.state, "paid_late") != 0))
        return rc;
    bo_refund_rec_t r = {.amount = t->paid < o.amount ? t->paid : o.amount, .total = o.amount,
                         .next_at = now, .created_at = now, .updated_at = now};
    snprintf(r.order, sizeof r.order, "%s", o.id);
    bo_qr_refund_no(o.id, r.out_refund_no);
    snprintf(r.kiosk, sizeof r.kiosk, "%s", kiosk);
    snprintf(r.txn, sizeof r.txn, "%s", t->id);
    snprintf(r.meter, sizeof r.meter, "%s", t->meter);
    snprintf(r.state, sizeof r.state, "%s", bo_qr_refund_state_name(sure ? BO_REFUND_PENDING : BO_REFUND_REVIEW));
    rc = st->ops->refund->add(st->ctx, &r, &fresh, msg);
    if (rc == K_OK && fresh && !sure)
        rc = review(st, &r, reason, now, msg);
    if (rc || !fresh)
        return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "%lld of order %s, sale %s of kiosk %s, as %s: %s", (long long)r.amount, o.id,
             t->id, kiosk, r.out_refund_no, r.state);
    bo_audit_rec_t a = {"backoffice", "qr.refund_new", o.id, reason, detail, now};
    return bo_audit_record(st, &a, msg);
}

kerr_t bo_qr_refund_notice(bo_store_t *st, const bo_refund_rec_t *r, int64_t now, kmsg_t *msg)
{
    if (strcmp(r->source, "phone") == 0 || !r->txn[0] || !r->kiosk[0])
        return K_OK;
    bool settled = strcmp(r->state, "settled") == 0;
    cJSON *b = cJSON_CreateObject();
    bool ok = b && kjson_add_str(b, "order", r->order) && kjson_add_str(b, "txn", r->txn) &&
              kjson_add_str(b, "meter", r->meter) && kjson_add_int(b, "amount", r->amount) &&
              kjson_add_str(b, "outcome", settled ? "settled" : "refunded") &&
              kjson_add_str(b, "out_refund_no", r->out_refund_no) && kjson_add_str(b, "refund_ref", r->refund_ref) &&
              kjson_add_str(b, "settled_by", r->settled_by) && kjson_add_str(b, "reason", r->reason);
    char *text = ok ? kjson_print(b, false) : NULL;
    cJSON_Delete(b);
    kerr_t rc = text ? st->ops->qr->notice_add(st->ctx, r->kiosk, "qr_refunded", text, now, msg)
                     : kmsg_set(msg, K_EIO, "out of memory");
    cJSON_free(text);
    return rc;
}

/* The refund may be settled by hand: it has not succeeded, nor been settled. */
static kerr_t settleable(const bo_refund_rec_t *r, bool found, const char *order, kmsg_t *msg)
{
    if (!found)
        return kmsg_set(msg, K_ENOTFOUND, "order %s has no refund: see `backoffice qr refunds`", order);
    if (strcmp(r->state, "succeeded") == 0 || strcmp(r->state, "settled") == 0)
        return kmsg_set(msg, K_ESTATE, "the refund of order %s is %s already: nothing to settle", order, r->state);
    return K_OK;
}

kerr_t bo_qr_refund_settle(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, const char *order,
                           const char *reason, kmsg_t *msg)
{
    bo_op_t op;
    bo_refund_rec_t r;
    bool found = false, changed = false;
    char was[16], detail[200];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo_signer_check(st, sig, PERM_VOID, msg);
    if (rc == K_OK)
        rc = st->ops->refund->get(st->ctx, order, &r, &found, msg);
    if (rc == K_OK)
        rc = settleable(&r, found, order, msg);
    if (rc == K_OK) {
        snprintf(was, sizeof was, "%s", r.state);
        snprintf(r.state, sizeof r.state, "settled");
        snprintf(r.settled_by, sizeof r.settled_by, "%s", sig->operator_name);
        snprintf(r.reason, sizeof r.reason, "%s", reason);
        r.updated_at = who->now;
        rc = st->ops->refund->set(st->ctx, &r, was, &changed, msg);
    }
    if (rc == K_OK && !changed)
        rc = kmsg_set(msg, K_ESTATE, "the refund of order %s changed meanwhile: look again", order);
    if (rc == K_OK)
        rc = bo_qr_refund_notice(st, &r, who->now, msg);
    if (rc == K_OK)
        snprintf(detail, sizeof detail, "%lld, %s (was %s, %lld attempts); operator %s", (long long)r.amount,
                 r.out_refund_no, was, (long long)r.attempts, sig->operator_name);
    return bo_op_end(&op, rc, "qr.refund_settle", order, reason, rc == K_OK ? detail : NULL, NULL, NULL);
}
