/* Staff corrections of a sale that went wrong (docs/staff.md,
 * "Corrections"): send a parked delivery back to retry, confirm a credit
 * the evidence shows on the meter, void a sale (the money given back by
 * hand) or zero it (the money stays; the back office settles it). Each is
 * one ledger change with its audit row; the transaction table decides
 * what a state allows. */
#include <stdio.h>
#include <string.h>

#include "kiosk/app/log.h"
#include "kiosk/engine/engine_int.h"

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

bool engine_fix_allowed(txn_state_t s, int64_t paid, engine_fix_t f)
{
    txn_facts_t facts = {.paid = paid};
    txn_state_t to;
    static const txn_event_t events[ENGINE_FIX_COUNT] = {
        [ENGINE_FIX_RESUME] = EV_RESUME, [ENGINE_FIX_CONFIRM] = EV_CONFIRM,
        [ENGINE_FIX_VOID] = EV_VOID, [ENGINE_FIX_ZERO] = EV_VOID};
    if (f >= ENGINE_FIX_COUNT || (f == ENGINE_FIX_ZERO && paid <= 0))
        return false;
    return txn_next(s, events[f], &facts, &to, NULL) == K_OK;
}

kerr_t engine_fix(engine_t *e, const char *id, engine_fix_t f, const char *actor, const char *reason,
                  ledger_txn_t *after, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    if (rc)
        return rc;
    if (!reason || !reason[0])
        return kmsg_set(msg, K_EINVAL, "say why (a reason goes into the audit log)");
    if (!engine_fix_allowed(t.state, t.paid, f))
        return kmsg_set(msg, K_ESTATE, "transaction %s is %s with %lld paid: it cannot be %s", t.id,
                        txn_state_name(t.state), (long long)t.paid,
                        f == ENGINE_FIX_RESUME ? "sent back to delivery" : f == ENGINE_FIX_CONFIRM ? "confirmed"
                        : f == ENGINE_FIX_VOID ? "voided" : "zeroed");
    ledger_refund_t back = {.method = f == ENGINE_FIX_ZERO ? "zeroed" : "operator",
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
