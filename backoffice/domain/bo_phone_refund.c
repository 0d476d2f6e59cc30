/* Refunds of the phone page's payments (bo_qr_refund.h; docs/phone.md):
 * a paid phone order whose credit command ended without reaching the
 * meter gets one refund, asked by the same worker and under the same kind
 * of number as a kiosk's QR sale. One that may have reached the meter is
 * kept for review, as a kiosk's doubtful sale is. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_qr_refund.h"
#include "base/log.h"

#define MAX_SCAN 16

/* Whether the credit surely did not reach the meter: the kiosk said so
 * (failed, refused), or it expired before any kiosk was handed it. An
 * unknown one, or one that expired after a kiosk's long poll took it (its
 * outcome may still come), is in doubt. */
static bool surely_not_credited(const bo_refund_cand_t *c)
{
    return strcmp(c->state, "failed") == 0 || strcmp(c->state, "refused") == 0 ||
           (strcmp(c->state, "expired") == 0 && c->sent_at == 0);
}

static kerr_t amount_of(const bo_refund_cand_t *c, int64_t *amount, kmsg_t *msg)
{
    cJSON *p = cJSON_Parse(c->params);
    kerr_t rc = p ? bo_json_int(p, "amount", 1, 100000000, amount, msg)
                  : kmsg_set(msg, K_EINVAL, "command %s: its parameters cannot be read", c->order);
    cJSON_Delete(p);
    return rc;
}

static kerr_t review(bo_store_t *st, const bo_refund_rec_t *r, const bo_refund_cand_t *c, int64_t now, kmsg_t *msg)
{
    char text[600];
    snprintf(text, sizeof text, "phone order %s (%lld, meter %s, kiosk %s): its credit ended %s (%.160s); it may "
             "have reached the meter, so it is not refunded by itself; check the meter, then refund it at the "
             "provider and settle it with `backoffice qr refund settle %s`",
             r->order, (long long)r->amount, r->meter, r->kiosk, c->state, c->outcome, r->order);
    return bo_alert_staff(st, now, "qr_refund_review", r->meter, text, msg);
}

/* Records c's refund (in the caller's transaction), audited. */
static kerr_t record(bo_store_t *st, const bo_refund_cand_t *c, int64_t now, bool *fresh, kmsg_t *msg)
{
    bool sure = surely_not_credited(c);
    bo_refund_rec_t r = {.next_at = now, .created_at = now, .updated_at = now};
    kerr_t rc = amount_of(c, &r.amount, msg);
    if (rc)
        return rc;
    r.total = r.amount;
    snprintf(r.order, sizeof r.order, "%s", c->order);
    bo_qr_refund_no(c->order, r.out_refund_no);
    snprintf(r.kiosk, sizeof r.kiosk, "%s", c->kiosk);
    snprintf(r.txn, sizeof r.txn, "%s", c->txn);
    snprintf(r.meter, sizeof r.meter, "%s", c->meter);
    snprintf(r.source, sizeof r.source, "phone");
    snprintf(r.state, sizeof r.state, "%s", bo_qr_refund_state_name(sure ? BO_REFUND_PENDING : BO_REFUND_REVIEW));
    rc = st->ops->refund->add(st->ctx, &r, fresh, msg);
    if (rc == K_OK && *fresh && !sure)
        rc = review(st, &r, c, now, msg);
    if (rc || !*fresh)
        return rc;
    char detail[200];
    snprintf(detail, sizeof detail, "%lld of phone order %s, meter %s, its credit %s, as %s: %s", (long long)r.amount,
             r.order, r.meter, c->state, r.out_refund_no, r.state);
    bo_audit_rec_t a = {"backoffice", "qr.refund_new", r.order, c->outcome, detail, now};
    return bo_audit_record(st, &a, msg);
}

static kerr_t scan(bo_store_t *st, int64_t now, int *added, kmsg_t *msg)
{
    bo_refund_cand_t cands[MAX_SCAN];
    int n = 0;
    int64_t expired = 0;
    kerr_t rc = st->ops->cmd->expire_due(st->ctx, now, "not received by its kiosk before its expiry", &expired, msg);
    if (rc == K_OK)
        rc = st->ops->refund->phone_ended(st->ctx, cands, MAX_SCAN, &n, msg);
    for (int i = 0; rc == K_OK && i < n; i++) {
        bool fresh = false;
        kmsg_t why = {{0}};
        kerr_t one = record(st, &cands[i], now, &fresh, &why);
        if (one == K_EINVAL) { /* never refundable by itself: left to staff, not stopping the rest */
            LOG_W("qr", "phone order %s: no refund recorded: %s", cands[i].order, why.text);
            continue;
        }
        rc = one == K_OK ? K_OK : kmsg_set(msg, one, "%s", why.text);
        *added += fresh;
    }
    return rc;
}

kerr_t bo_phone_refund_scan(bo_store_t *st, int64_t now, int *added, kmsg_t *msg)
{
    *added = 0;
    kerr_t rc = st->ops->begin(st->ctx, msg);
    if (rc == K_OK)
        rc = scan(st, now, added, msg);
    if (rc == K_OK)
        rc = st->ops->commit(st->ctx, msg);
    if (rc) {
        st->ops->rollback(st->ctx);
        *added = 0;
    }
    return rc;
}

const char *bo_phone_refund_stage(const bo_refund_rec_t *r)
{
    if (strcmp(r->state, "succeeded") == 0 || strcmp(r->state, "settled") == 0)
        return "refunded";
    return strcmp(r->state, "review") == 0 ? "checking" : "refunding";
}
