/* A QR payment the back office gave back (a qr_refunded notice, docs/
 * payments-qr.md "Refunds"): the parked sale holding the order ends in one
 * commit, refunded by the provider's refund or voided when staff settled
 * it by hand; a notice seen again finds it ended and books nothing. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

static void on_attempt(void *ctx, const ledger_attempt_t *a)
{
    *(bool *)ctx |= a->applied != APPLIED_NO;
}

/* Whether every delivery attempt of sale id is proved not applied, so its
 * held purchase count may go. */
static kerr_t count_free(engine_t *e, const char *id, bool *free_count, kmsg_t *msg)
{
    bool unsettled = false;
    kerr_t rc = ledger_attempts(e->ledger, id, on_attempt, &unsettled, msg);
    *free_count = rc == K_OK && !unsettled;
    return rc;
}

/* The sale holding the order, checked against what the notice says. */
static kerr_t find_sale(engine_t *e, const engine_qr_refund_t *n, ledger_txn_t *t, kmsg_t *msg)
{
    char id[UUID_STR_LEN];
    bool found = false;
    kerr_t rc = ledger_qr_booked(e->ledger, n->order, id, &found, msg);
    if (rc)
        return rc;
    if (!found || (n->txn && n->txn[0] && strcmp(n->txn, id) != 0))
        return kmsg_set(msg, K_EINVAL, "QR order %s: no sale here holds it%s%s", n->order,
                        n->txn && n->txn[0] ? " as " : "", n->txn ? n->txn : "");
    return ledger_get(e->ledger, id, t, msg);
}

static kerr_t book(engine_t *e, const engine_qr_refund_t *n, const ledger_txn_t *t, kmsg_t *msg)
{
    char reason[LEDGER_REASON_LEN], detail[LEDGER_REASON_LEN];
    bool free_count = false;
    kerr_t rc = count_free(e, t->id, &free_count, msg);
    if (rc)
        return rc;
    if (n->settled)
        snprintf(detail, sizeof detail, "QR order %s settled by hand at the back office by %s: %s", n->order, n->ref,
                 n->detail ? n->detail : "");
    else
        snprintf(detail, sizeof detail, "QR order %s refunded by its provider as %s (refund %s)", n->order,
                 n->refund_no ? n->refund_no : "", n->ref);
    snprintf(reason, sizeof reason, "%s: %s", n->settled ? "qr_settled" : "qr_refunded", detail);
    ledger_refund_t back = {.kind = n->settled ? REFUND_OPERATOR : REFUND_REVERSAL, .reversed = METHOD_QR,
                            .amount = n->amount, .ref = n->ref, .detail = detail};
    ledger_change_t c = {.event = n->settled ? EV_VOID : EV_REFUND_DONE, .refund = &back, .reason = reason,
                         .detail = detail, .release_count = free_count && !n->settled};
    return engine__apply(e, t->id, TXN_NEEDS_RECONCILIATION, &c, NULL, msg);
}

static kerr_t do_qr_refund(engine_t *e, const engine_qr_refund_t *n, engine_qr_refund_result_t *out, kmsg_t *msg)
{
    ledger_txn_t t;
    memset(out, 0, sizeof *out);
    if (!n->order || !n->ref || !n->ref[0] || n->amount <= 0)
        return kmsg_set(msg, K_EINVAL, "a QR refund needs its order, its reference and an amount above zero");
    kerr_t rc = find_sale(e, n, &t, msg);
    if (rc)
        return rc;
    snprintf(out->txn, sizeof out->txn, "%s", t.id);
    out->state = t.state;
    if (t.state == TXN_REFUNDED || t.state == TXN_VOIDED) {
        out->already = true;
        return K_OK;
    }
    if (t.state != TXN_NEEDS_RECONCILIATION || t.paid - t.delivered - t.refunded != n->amount)
        return kmsg_set(msg, K_EINVAL, "QR order %s: sale %.8s is %s with %lld owed: a refund of %lld cannot end it",
                        n->order, t.id, txn_state_name(t.state), (long long)(t.paid - t.delivered - t.refunded),
                        (long long)n->amount);
    if ((rc = book(e, n, &t, msg)))
        return rc;
    out->booked = true;
    out->state = n->settled ? TXN_VOIDED : TXN_REFUNDED;
    LOG_I("engine", "txn %.8s: QR order %s %s (%lld, %s)", t.id, n->order, txn_state_name(out->state),
          (long long)n->amount, n->ref);
    return K_OK;
}

kerr_t engine_qr_refund(engine_t *e, const engine_qr_refund_t *n, engine_qr_refund_result_t *out, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "qr refund", msg, do_qr_refund(e, n, out, msg));
}
