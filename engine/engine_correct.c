/* Staff corrections of a sale that went wrong (docs/staff.md,
 * "Corrections"): send a parked delivery back to retry, confirm a credit
 * the evidence shows on the meter, void a sale (the money given back by
 * hand) or zero it (the money stays; the back office settles it). Each is
 * one ledger change with its audit row; the transaction table decides
 * what a state allows. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

static const char *const action_names[ENGINE_FIX_COUNT] = {
    [ENGINE_FIX_RESUME] = "txn_resume",
    [ENGINE_FIX_CONFIRM] = "txn_confirm",
    [ENGINE_FIX_VOID] = "txn_void",
    [ENGINE_FIX_ZERO] = "txn_zero",
};

const char *engine_fix_name(engine_fix_t f)
{
    return f < ENGINE_FIX_COUNT ? action_names[f] + 4 : "?";
}

bool engine_fix_from_name(const char *name, engine_fix_t *out)
{
    for (int f = 0; f < ENGINE_FIX_COUNT; f++)
        if (strcmp(name, action_names[f] + 4) == 0)
            return (*out = (engine_fix_t)f), true;
    return false;
}

bool engine_fix_allowed(txn_state_t s, int64_t paid, bool zero_sale, engine_fix_t f)
{
    txn_facts_t facts = {.paid = paid, .zero_sale = zero_sale};
    txn_state_t to;
    static const txn_event_t events[ENGINE_FIX_COUNT] = {
        [ENGINE_FIX_RESUME] = EV_RESUME, [ENGINE_FIX_CONFIRM] = EV_CONFIRM,
        [ENGINE_FIX_VOID] = EV_VOID, [ENGINE_FIX_ZERO] = EV_VOID};
    if (f >= ENGINE_FIX_COUNT || (f == ENGINE_FIX_ZERO && paid <= 0))
        return false;
    return txn_next(s, events[f], &facts, &to, NULL) == K_OK;
}

typedef struct attempts_seen {
    int unsettled;             /* attempts whose credit may be on the meter */
    ledger_applied_t latest;   /* the newest attempt's; APPLIED_NO when there is none */
} attempts_seen_t;

static void on_attempt(void *ctx, const ledger_attempt_t *a)
{
    attempts_seen_t *s = ctx;
    s->unsettled += a->applied != APPLIED_NO;
    s->latest = a->applied;
}

kerr_t engine_fix_check(engine_t *e, const ledger_txn_t *t, engine_fix_t f, kmsg_t *msg)
{
    if (!engine_fix_allowed(t->state, t->paid, t->amount == 0, f))
        return kmsg_set(msg, K_ESTATE, "transaction %s is %s with %lld paid: it cannot be %s", t->id,
                        txn_state_name(t->state), (long long)t->paid,
                        f == ENGINE_FIX_RESUME ? "sent back to delivery" : f == ENGINE_FIX_CONFIRM ? "confirmed"
                        : f == ENGINE_FIX_VOID ? "voided" : "zeroed");
    attempts_seen_t seen = {0, APPLIED_NO};
    kerr_t rc = ledger_attempts(e->ledger, t->id, on_attempt, &seen, msg);
    if (rc == K_OK && f == ENGINE_FIX_CONFIRM && seen.latest == APPLIED_NO)
        rc = kmsg_set(msg, K_ESTATE,
                      "transaction %s: no delivery attempt can have reached the meter (none was made, or the meter "
                      "refused it): there is nothing to confirm; send it back to delivery (resume) or void it",
                      t->id);
    if (rc == K_OK && f == ENGINE_FIX_VOID && seen.unsettled)
        rc = kmsg_set(msg, K_ESTATE,
                      "transaction %s: a delivery attempt may have reached the meter (its outcome is not known), so "
                      "the money cannot be given back: send it back to delivery (resume) and the kiosk reads the "
                      "meter first, confirm it if the meter's count shows it, or zero it (the money stays)",
                      t->id);
    return rc;
}

/* A reason for the audit log: 1 to ENGINE_REASON_MAX bytes, no control
 * characters (it is read by people and uploaded as it is). */
static bool reason_ok(const char *reason)
{
    size_t n = reason ? strlen(reason) : 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)reason[i] < 0x20)
            return false;
    return n >= 1 && n <= ENGINE_REASON_MAX;
}

static kerr_t do_fix(engine_t *e, const char *id, engine_fix_t f, const char *actor, const char *reason,
                  ledger_txn_t *after, kmsg_t *msg)
{
    ledger_txn_t t;
    if (!reason_ok(reason))
        return kmsg_set(msg, K_EINVAL, "say why in 1 to %d characters on one line (it goes into the audit log)",
                        ENGINE_REASON_MAX);
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    if (rc == K_OK)
        rc = engine_fix_check(e, &t, f, msg);
    if (rc)
        return rc;
    ledger_refund_t back = {.kind = f == ENGINE_FIX_ZERO ? REFUND_ZEROED : REFUND_OPERATOR,
                            .amount = t.paid - t.refunded, .ref = actor, .detail = reason};
    ledger_change_t c = {.reason = reason, .detail = reason, .actor = actor, .action = action_names[f]};
    if (f == ENGINE_FIX_RESUME) {
        c.event = EV_RESUME;
    } else if (f == ENGINE_FIX_CONFIRM) {
        c.event = EV_CONFIRM;
        c.confirm_latest = true;
    } else {
        c.event = EV_VOID;
        c.refund = back.amount > 0 ? &back : NULL;
    }
    rc = ledger_apply(e->ledger, t.id, t.state, &c, after, msg);
    if (rc == K_OK)
        LOG_I("engine", "%s %s by %s: %s", action_names[f], t.id, actor, reason);
    return rc;
}

kerr_t engine_fix(engine_t *e, const char *id, engine_fix_t f, const char *actor, const char *reason,
                  ledger_txn_t *after, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "fix", msg, do_fix(e, id, f, actor, reason, after, msg));
}
