/* Central refunds at the kiosk (docs/collector.md, "Central refunds"):
 * the meter's purchase count read, the intent with count + 1 committed
 * with the command's move to acting, the meter told once, the outcome
 * committed with the command's. An answer lost, or a crash after the
 * intent, is settled by reading the meter's count back: never sent again. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_central.h"
#include "engine/engine_int.h"

/* Reads the meter's purchase count and balance; false (why says) if not. */
static bool read_meter(engine_t *e, const char *meter, gw_reading_t *r, kmsg_t *why)
{
    unsigned want = GW_READ_COUNT | GW_READ_BALANCE;
    return e->gw->ops->read(e->gw->ctx, &(gw_target_t){.meter = meter}, want, r, why) == GW_OK &&
           (r->have & GW_READ_COUNT);
}

/* Ends refund r as state; a done one says what it took back (and how it
 * was known: note). */
static kerr_t end(engine_t *e, const ledger_central_refund_t *r, ledger_refund_state_t state, const char *note,
                  const gw_reading_t *seen, ledger_command_t *after, kmsg_t *msg)
{
    char reason[LEDGER_REASON_LEN];
    ledger_command_change_t ch = {.reason = reason};
    if (state == REFUND_DONE)
        snprintf(reason, sizeof reason, "refunded %lld at purchase count %lld%s%s", (long long)r->amount,
                 (long long)r->purchase_count, note[0] ? "; " : "", note);
    else
        snprintf(reason, sizeof reason, "%s", note);
    if (seen && (seen->have & GW_READ_BALANCE)) {
        ch.has_after = true;
        ch.balance_after = seen->balance;
        ch.count_after = seen->purchase_count;
    }
    LOG_I("engine", "central refund %.8s: %s: %s", r->command_id, ledger_refund_state_name(state), reason);
    return ledger_refund_end(e->ledger, r->command_id, state, reason, &ch, after, msg);
}

/* Settles refund r by the meter's purchase count now: ours there, done;
 * the count before ours, failed (the meter did not take it, and it is
 * never sent again); any other, unknown. A meter that cannot be read
 * leaves the command acting, for the next recovery. what: how it came
 * to be in doubt. */
static kerr_t settle(engine_t *e, const ledger_central_refund_t *r, const char *what, ledger_command_t *after,
                     kmsg_t *msg)
{
    gw_reading_t seen;
    kmsg_t why = {""};
    char reason[LEDGER_REASON_LEN];
    if (!read_meter(e, r->meter, &seen, &why)) {
        LOG_W("engine", "central refund %.8s: %s; the meter's count could not be read (%s): settled later",
              r->command_id, what, why.text);
        return after ? ledger_command_get(e->ledger, r->command_id, after, &(bool){false}, msg) : K_OK;
    }
    int64_t now = seen.purchase_count, ours = r->purchase_count;
    snprintf(reason, sizeof reason, "%s; the meter's purchase count is %lld, the refund's %lld", what,
             (long long)now, (long long)ours);
    if (now == ours)
        return end(e, r, REFUND_DONE, "the meter's count read back", &seen, after, msg);
    if (now == ours - 1)
        return end(e, r, REFUND_FAILED, reason, &seen, after, msg);
    return end(e, r, REFUND_UNKNOWN, reason, &seen, after, msg);
}

/* The outcome of the meter's answer (err, and the reply when GW_OK). */
static kerr_t answered(engine_t *e, const ledger_central_refund_t *r, gw_err_t err, const gw_credit_reply_t *rep,
                       const char *why, ledger_command_t *after, kmsg_t *msg)
{
    char reason[LEDGER_REASON_LEN];
    if (err == GW_UNSUPPORTED) {
        snprintf(reason, sizeof reason, "the profile defines no refund: nothing sent (%s)", why);
        return end(e, r, REFUND_FAILED, reason, NULL, after, msg);
    }
    if (err == GW_INVALID || err == GW_NOT_FOUND) {
        snprintf(reason, sizeof reason, "nothing sent: %s", why);
        return end(e, r, REFUND_FAILED, reason, NULL, after, msg);
    }
    if (err != GW_OK) {
        snprintf(reason, sizeof reason, "no answer (%.80s)", why);
        return settle(e, r, reason, after, msg);
    }
    if (rep->result == GW_CREDIT_APPLIED || rep->result == GW_CREDIT_REPEATED) {
        gw_reading_t seen = {.have = rep->balance_known ? GW_READ_BALANCE : 0u, .balance = rep->balance_after,
                             .purchase_count = rep->count_known ? rep->count_after : (uint32_t)r->purchase_count};
        if (!rep->balance_known)
            read_meter(e, r->meter, &seen, NULL);
        return end(e, r, REFUND_DONE, rep->result == GW_CREDIT_REPEATED ? "already applied" : "", &seen,
                   after, msg);
    }
    snprintf(reason, sizeof reason, "the meter refused it (%s): %s",
             rep->result == GW_CREDIT_COUNT_MISMATCH ? "purchase count mismatch" : "refused", rep->reason);
    return end(e, r, REFUND_FAILED, reason, NULL, after, msg);
}

kerr_t engine__central_refund(engine_t *e, const ledger_command_t *c, int64_t amount, ledger_command_t *after,
                              kmsg_t *msg)
{
    gw_reading_t seen;
    kmsg_t why = {""};
    char reason[LEDGER_REASON_LEN];
    ledger_command_change_t ch = {.reason = reason};
    if (!read_meter(e, c->meter, &seen, &why)) { /* nothing sent */
        snprintf(reason, sizeof reason, "the meter's purchase count could not be read: nothing sent (%.80s)",
                 why.text);
        return ledger_command_move(e->ledger, c->id, MCMD_EV_FAIL, &ch, after, msg);
    }
    ledger_central_refund_t r = {.amount = amount, .purchase_count = (int64_t)seen.purchase_count + 1};
    snprintf(r.command_id, sizeof r.command_id, "%s", c->id);
    snprintf(r.meter, sizeof r.meter, "%s", c->meter);
    kerr_t rc = ledger_refund_begin(e->ledger, &r, msg);
    if (rc)
        return rc;
    engine__step(e, "central.refund_intent");
    const registry_entry_t *line = NULL;
    engine_meter_served(e, c->meter, &line, NULL);
    gw_credit_req_t req = {.to = {.meter = c->meter}, .customer = line ? line->customer : "", .amount = amount,
                           .count = (uint32_t)r.purchase_count};
    gw_credit_reply_t rep = {0};
    gw_err_t err = e->gw->ops->refund(e->gw->ctx, &req, &rep, &why);
    engine__step(e, "central.refund_sent");
    return answered(e, &r, err, &rep, why.text, after, msg);
}

kerr_t engine__central_refund_settle(engine_t *e, const ledger_command_t *c, ledger_command_t *after, kmsg_t *msg)
{
    ledger_central_refund_t r;
    bool found = false;
    kerr_t rc = ledger_refund_get(e->ledger, c->id, &r, &found, msg);
    if (rc)
        return rc;
    if (!found) /* acting comes with the intent, in one transaction */
        return kmsg_set(msg, K_ECORRUPT, "central refund %.8s is acting without its intent", c->id);
    return settle(e, &r, "interrupted after its intent was recorded", after, msg);
}
