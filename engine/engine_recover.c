/* Recovery at start and the retry worker. */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "core/delivery.h"
#include "core/recovery.h"
#include "engine/engine_int.h"

typedef struct id_list {
    char (*ids)[UUID_STR_LEN];
    size_t n, cap;
    bool oom;
} id_list_t;

static void collect(void *ctx, const ledger_txn_t *t)
{
    id_list_t *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        void *p = realloc(l->ids, cap * sizeof *l->ids);
        if (!p) {
            l->oom = true;
            return;
        }
        l->ids = p;
        l->cap = cap;
    }
    memcpy(l->ids[l->n++], t->id, UUID_STR_LEN);
}

/* Ids first, changes after: no write while a query is open. */
static kerr_t collect_ids(engine_t *e, const ledger_filter_t *f, id_list_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    kerr_t rc = ledger_list(e->ledger, f, collect, out, msg);
    if (rc == K_OK && out->oom)
        rc = kmsg_set(msg, K_EIO, "out of memory listing transactions");
    return rc;
}

static kerr_t finish_payment_then_deliver(engine_t *e, const ledger_txn_t *t, kmsg_t *msg)
{
    ledger_change_t c = {.event = EV_PAY_DONE, .reason = "", .detail = "payment closed at restart"};
    kerr_t rc = engine__apply(e, t->id, TXN_PAYMENT_PENDING, &c, NULL, msg);
    return rc ? rc : engine_deliver(e, t->id, NULL, msg);
}

/* An attempt was in flight when the kiosk stopped: close it as unknown,
 * then the pending path reads the meter back before anything is resent. */
static kerr_t confirm_in_flight(engine_t *e, const ledger_txn_t *t, kmsg_t *msg)
{
    char reason[LEDGER_REASON_LEN];
    snprintf(reason, sizeof reason, "%s: stopped while count %lld was being sent",
             delivery_reason_name(REASON_INTERRUPTED), (long long)t->purchase_count);
    ledger_change_t c = {.event = EV_DEFER,
                         .reason = reason,
                         .detail = reason,
                         .close_result = "interrupted",
                         .close_applied = APPLIED_UNKNOWN,
                         .retry_at = kclock_wall(e->clk)};
    kerr_t rc = engine__apply(e, t->id, TXN_DELIVERING, &c, NULL, msg);
    return rc ? rc : engine_deliver(e, t->id, NULL, msg);
}

static kerr_t park_with(engine_t *e, const ledger_txn_t *t, const char *reason, kmsg_t *msg)
{
    ledger_change_t c = {.event = EV_PARK, .reason = reason, .detail = reason};
    return engine__apply(e, t->id, t->state, &c, NULL, msg);
}

/* After the terminal was asked: deliver what it took, cancel what it did
 * not, leave what it could not say parked. */
static kerr_t settle_card(engine_t *e, const ledger_txn_t *t, kmsg_t *msg)
{
    kerr_t rc = engine_card_settle(e, t->id, msg);
    ledger_txn_t now;
    if (rc == K_OK)
        rc = ledger_get(e->ledger, t->id, &now, msg);
    if (rc || now.state != TXN_PAYMENT_PENDING)
        return rc;
    if (now.paid > 0)
        return finish_payment_then_deliver(e, &now, msg);
    return engine_cancel(e, t->id, "the card terminal did not take the money", msg);
}

static kerr_t refund(engine_t *e, const ledger_txn_t *t, kmsg_t *msg)
{
    kerr_t rc = engine_provider(e, t->method) ? engine_card_reverse(e, t->id, msg) : K_ENOTFOUND;
    if (rc != K_ENOTFOUND)
        return rc;
    return park_with(e, t, "refund_interrupted: no payment device can finish this refund; settle it by hand", msg);
}

static kerr_t recover_one(engine_t *e, const ledger_txn_t *t, kmsg_t *msg)
{
    ledger_card_auth_t card;
    bool found;
    kerr_t rc = ledger_card_latest(e->ledger, t->id, &card, &found, msg);
    if (rc)
        return rc;
    recovery_facts_t f = {.paid = t->paid, .card_unsettled = found && card.outcome[0] == '\0'};
    recovery_action_t a = recovery_plan(t->state, &f);
    LOG_I("engine", "recovery: txn %.8s is %s: %s", t->id, txn_state_name(t->state), recovery_action_name(a));
    switch (a) {
    case RECOVER_NOTHING:
    case RECOVER_LEAVE_PARKED: return K_OK;
    case RECOVER_CANCEL: return engine_cancel(e, t->id, "interrupted: the kiosk stopped before payment", msg);
    case RECOVER_FINISH_PAYMENT: return finish_payment_then_deliver(e, t, msg);
    case RECOVER_DELIVER: return engine_deliver(e, t->id, NULL, msg);
    case RECOVER_CONFIRM: return confirm_in_flight(e, t, msg);
    case RECOVER_REFUND: return refund(e, t, msg);
    case RECOVER_SETTLE_CARD: return settle_card(e, t, msg);
    case RECOVER_PARK: return park_with(e, t, "payment_unknown: whether money was taken is not known", msg);
    }
    return K_OK;
}

static void tally(engine_recovery_t *rep, txn_state_t s)
{
    switch (s) {
    case TXN_CANCELLED: rep->cancelled++; break;
    case TXN_DELIVERED: rep->delivered++; break;
    case TXN_DELIVERY_PENDING: rep->pending++; break;
    case TXN_NEEDS_RECONCILIATION: rep->parked++; break;
    case TXN_NONE:
    case TXN_CREATED:
    case TXN_PAYMENT_PENDING:
    case TXN_PAID:
    case TXN_DELIVERING:
    case TXN_REFUNDING:
    case TXN_REFUNDED:
    case TXN_VOIDED:
    case TXN_STATE_COUNT: break;
    }
}

static kerr_t do_recover(engine_t *e, engine_recovery_t *rep, kmsg_t *msg)
{
    id_list_t ids;
    ledger_filter_t f = {.unfinished = true};
    memset(rep, 0, sizeof *rep);
    /* Notes stacked while the kiosk was away are booked before anything else. */
    kerr_t rc = e->cash ? engine_cash_attach(e, msg) : K_OK;
    if (rc == K_OK)
        rc = collect_ids(e, &f, &ids, msg);
    else
        memset(&ids, 0, sizeof ids);
    for (size_t i = 0; rc == K_OK && i < ids.n; i++) {
        ledger_txn_t t;
        if ((rc = ledger_get(e->ledger, ids.ids[i], &t, msg)))
            break;
        rep->examined++;
        if ((rc = recover_one(e, &t, msg)) || (rc = ledger_get(e->ledger, ids.ids[i], &t, msg)))
            break;
        tally(rep, t.state);
    }
    free(ids.ids);
    if (rc == K_OK && rep->examined)
        LOG_I("engine", "recovery: %d unfinished, %d delivered, %d cancelled, %d pending, %d parked", rep->examined,
              rep->delivered, rep->cancelled, rep->pending, rep->parked);
    return rc;
}

/* Runs fn on every transaction in state s, until one fails. */
static kerr_t each_in(engine_t *e, txn_state_t s, kerr_t (*fn)(engine_t *e, const char *id, kmsg_t *msg), kmsg_t *msg)
{
    id_list_t ids;
    ledger_filter_t f = {.state = s};
    kerr_t rc = collect_ids(e, &f, &ids, msg);
    for (size_t i = 0; rc == K_OK && i < ids.n; i++)
        rc = fn(e, ids.ids[i], msg);
    free(ids.ids);
    return rc;
}

/* A reversal the terminal did not confirm is asked for again. */
static kerr_t refund_again(engine_t *e, const char *id, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    return rc ? rc : refund(e, &t, msg);
}

/* A sale parked with its payment unknown is asked about again, where the
 * provider can be asked by the request itself (engine_card_settle_parked). */
static kerr_t settle_parked(engine_t *e, const char *id, kmsg_t *msg)
{
    bool settled;
    return engine_card_settle_parked(e, id, &settled, msg);
}

/* Whether transaction id has left delivery_pending: another process (the
 * touchscreen, a worker) took it between the listing and our attempt, whose
 * first commit the ledger then refused before any device was touched. */
static bool taken_elsewhere(engine_t *e, const char *id)
{
    ledger_txn_t t;
    return ledger_get(e->ledger, id, &t, NULL) == K_OK && t.state != TXN_DELIVERY_PENDING;
}

static kerr_t do_retry_due(engine_t *e, int *done, kmsg_t *msg)
{
    id_list_t ids;
    ledger_filter_t f = {.state = TXN_DELIVERY_PENDING, .due_before = kclock_wall(e->clk)};
    *done = 0;
    kerr_t rc = collect_ids(e, &f, &ids, msg);
    for (size_t i = 0; rc == K_OK && i < ids.n; i++) {
        ledger_txn_t t;
        if ((rc = engine_deliver(e, ids.ids[i], &t, msg)) == K_OK && t.state == TXN_DELIVERED)
            (*done)++;
        if (rc == K_ESTATE && taken_elsewhere(e, ids.ids[i])) {
            LOG_I("engine", "txn %.8s: delivered by another process meanwhile", ids.ids[i]);
            rc = K_OK;
        }
    }
    free(ids.ids);
    if (rc == K_OK)
        rc = each_in(e, TXN_REFUNDING, refund_again, msg);
    return rc == K_OK ? each_in(e, TXN_NEEDS_RECONCILIATION, settle_parked, msg) : rc;
}

kerr_t engine_recover(engine_t *e, engine_recovery_t *rep, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "recover", msg, do_recover(e, rep, msg));
}

kerr_t engine_retry_due(engine_t *e, int *done, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "retry due", msg, do_retry_due(e, done, msg));
}
