/* Delivering credit exactly once. The purchase count is committed before
 * the meter is told; every retry of one payment reuses that count; a lost
 * or ambiguous answer is settled by reading the meter's count back. */
#include <stdio.h>
#include <string.h>

#include "base/backoff.h"
#include "base/log.h"
#include "core/delivery.h"
#include "core/mcard.h"
#include "core/payment.h"
#include "engine/engine_int.h"
#include "ledger/ledger_command.h"

/* One delivery run for one transaction. */
typedef struct run {
    engine_t *e;
    gw_t *gw;       /* where the credit goes: the gateway, or the card reader */
    gw_target_t to; /* the meter, and for a card the sale's card */
    bool opens;     /* a card: this write opens the meter's account */
    ledger_txn_t t; /* the row as last committed */
    unsigned sends; /* credits sent in this run */
    bool balance_known;
    int64_t balance; /* the meter's balance after the credit, when known */
    kmsg_t *msg;
} run_t;

static const char *outcome_name(credit_outcome_t o)
{
    switch (o) {
    case CREDIT_APPLIED: return "applied";
    case CREDIT_REPEATED: return "repeated";
    case CREDIT_COUNT_MISMATCH: return "count_mismatch";
    case CREDIT_REFUSED: return "refused";
    case CREDIT_NO_ANSWER: return "no_answer";
    case CREDIT_UNREACHABLE: return "unreachable";
    }
    return "?";
}

/* The gateway layer's answer in the core's terms. */
static credit_outcome_t translate(gw_err_t err, const gw_credit_reply_t *reply)
{
    switch (err) {
    case GW_OK: break;
    case GW_UNREACHABLE: return CREDIT_UNREACHABLE;
    case GW_TIMEOUT:
    case GW_PROTOCOL: return CREDIT_NO_ANSWER;
    case GW_REFUSED:
    case GW_NOT_FOUND:
    case GW_INVALID:
    case GW_UNSUPPORTED: return CREDIT_REFUSED; /* nothing was sent */
    }
    switch (reply->result) {
    case GW_CREDIT_APPLIED: return CREDIT_APPLIED;
    case GW_CREDIT_REPEATED: return CREDIT_REPEATED;
    case GW_CREDIT_COUNT_MISMATCH: return CREDIT_COUNT_MISMATCH;
    case GW_CREDIT_REFUSED: return CREDIT_REFUSED;
    }
    return CREDIT_REFUSED;
}

/* Commits one change to the run's transaction and keeps the new row. */
static kerr_t commit(run_t *r, ledger_change_t *c)
{
    kerr_t rc = engine__apply(r->e, r->t.id, r->t.state, c, &r->t, r->msg);
    if (rc == K_OK && (c->event == EV_APPLIED || c->event == EV_DEFER || c->event == EV_PARK))
        engine__step(r->e, "deliver.outcome");
    return rc;
}

/* If an attempt is in flight, the change closes it with this result. */
static void close_if_in_flight(const run_t *r, ledger_change_t *c, const char *result, ledger_applied_t applied)
{
    if (r->t.state == TXN_DELIVERING) {
        c->close_result = result;
        c->close_applied = applied;
    }
}

static kerr_t finish_applied(run_t *r, const char *result, const char *detail)
{
    ledger_change_t c = {.event = EV_APPLIED, .reason = "", .detail = detail};
    if (r->t.state == TXN_DELIVERING)
        close_if_in_flight(r, &c, result, APPLIED_YES);
    else
        c.confirm_latest = true;
    kerr_t rc = commit(r, &c);
    if (rc == K_OK && r->e->counts) /* the count is spent: the next sale to the meter may have the next */
        r->e->counts->release(r->e->counts->ctx, r->t.meter, r->t.id, true);
    return rc;
}

static kerr_t defer(run_t *r, delivery_reason_t why, const char *detail, const char *result,
                    ledger_applied_t applied, bool now)
{
    char reason[LEDGER_REASON_LEN];
    snprintf(reason, sizeof reason, "%s: %s", delivery_reason_name(why), detail);
    const kiosk_config_t *cfg = r->e->cfg;
    int64_t delay = now ? 0
                        : backoff_delay_ms((unsigned)r->t.retries + 1, cfg->retry_base_ms, cfg->retry_max_ms,
                                           krand_u32(r->e->rand));
    ledger_change_t c = {.event = EV_DEFER,
                         .reason = reason,
                         .detail = reason,
                         .retry_at = kclock_wall(r->e->clk) + delay};
    close_if_in_flight(r, &c, result, applied);
    return commit(r, &c);
}

static void count_crediting(void *ctx, const ledger_attempt_t *a)
{
    *(int *)ctx += a->applied != APPLIED_NO;
}

/* A card payment whose delivery failed for good goes back to the card,
 * unless an attempt may have reached the meter (then a person decides). */
static kerr_t refund_if_card(run_t *r)
{
    int crediting = 0;
    kerr_t rc = ledger_attempts(r->e->ledger, r->t.id, count_crediting, &crediting, r->msg);
    if (rc || !payment_reverse_after_park(engine_provider(r->e, r->t.method) != NULL, crediting > 0))
        return rc;
    ledger_change_t c = {.event = EV_REFUND_BEGIN, .detail = "the meter cannot take this credit: reversing the card payment"};
    if ((rc = commit(r, &c)))
        return rc;
    return engine_card_reverse(r->e, r->t.id, r->msg);
}

static kerr_t park(run_t *r, delivery_reason_t why, const char *detail, const char *result,
                   ledger_applied_t applied)
{
    char reason[LEDGER_REASON_LEN];
    snprintf(reason, sizeof reason, "%s: %s", delivery_reason_name(why), detail);
    ledger_change_t c = {.event = EV_PARK, .reason = reason, .detail = reason};
    close_if_in_flight(r, &c, result, applied);
    LOG_W("engine", "txn %.8s parked: %s", r->t.id, reason);
    kerr_t rc = commit(r, &c);
    return rc ? rc : refund_if_card(r);
}

static kerr_t send(run_t *r, uint32_t n);

/* The meter's answer to count n, quoting only what the answer carried: an
 * error reply names no count or balance, so none is printed. */
static void answer_detail(uint32_t n, credit_outcome_t o, const gw_credit_reply_t *a, char out[LEDGER_REASON_LEN])
{
    size_t k = (size_t)snprintf(out, LEDGER_REASON_LEN, "count %u: %s%s%s%s", n, outcome_name(o),
                                a->reason[0] ? " (" : "", a->reason, a->reason[0] ? ")" : "");
    if (a->count_known && k < LEDGER_REASON_LEN)
        k += (size_t)snprintf(out + k, LEDGER_REASON_LEN - k, ", meter count %u", a->count_after);
    if (a->balance_known && k < LEDGER_REASON_LEN)
        snprintf(out + k, LEDGER_REASON_LEN - k, ", balance %lld", (long long)a->balance_after);
}

/* The count the target shows, for a credit that carried count n: a card
 * with nothing written yet has not taken it (as if at n - 1). */
static uint32_t seen_count(const gw_reading_t *rd, uint32_t n)
{
    return rd->count_open && n > 0 ? n - 1 : rd->purchase_count;
}

/* Reads the meter's count after an answer that settles nothing. */
static kerr_t read_back(run_t *r, uint32_t n, credit_outcome_t after)
{
    gw_reading_t rd = {0};
    kmsg_t why = {""};
    gw_err_t err = r->gw->ops->read(r->gw->ctx, &r->to, GW_READ_COUNT | GW_READ_BALANCE, &rd, &why);
    engine__step(r->e, "deliver.readback");
    r->balance_known = err == GW_OK;
    r->balance = rd.balance;
    delivery_decision_t d = delivery_after_read_back(n, err == GW_OK, seen_count(&rd, n), after, r->sends,
                                                     (unsigned)r->e->cfg->delivery_attempts);
    char detail[LEDGER_REASON_LEN];
    if (err == GW_OK)
        snprintf(detail, sizeof detail, "sent count %u, answer %s, meter now at count %u", n, outcome_name(after),
                 rd.purchase_count);
    else
        snprintf(detail, sizeof detail, "sent count %u, answer %s, read-back failed: %s", n, outcome_name(after),
                 why.text);
    const char *result = outcome_name(after);
    switch (d.step) {
    case STEP_DONE: return finish_applied(r, result, detail);
    case STEP_RESEND: {
        kerr_t rc = defer(r, d.reason, detail, result, APPLIED_NO, true);
        return rc ? rc : send(r, n);
    }
    case STEP_DEFER: return defer(r, d.reason, detail, result, err == GW_OK ? APPLIED_NO : APPLIED_UNKNOWN, false);
    case STEP_PARK:
    case STEP_READ_BACK:
    case STEP_SEND: break;
    }
    return park(r, d.reason, detail, result, APPLIED_UNKNOWN);
}

/* Commits the intent with count n, tells the meter, acts on the answer. */
static kerr_t send(run_t *r, uint32_t n)
{
    ledger_change_t intent = {.event = EV_DELIVER, .begin_count = n, .reason = ""};
    char detail[LEDGER_REASON_LEN];
    snprintf(detail, sizeof detail, "purchase count %u", n);
    intent.detail = detail;
    kerr_t rc = commit(r, &intent);
    if (rc)
        return rc;
    engine__step(r->e, "deliver.intent");

    gw_credit_req_t req = {.to = r->to, .customer = r->t.customer, .amount = r->t.paid, .count = n,
                           .open_account = r->opens};
    gw_credit_reply_t reply = {0};
    kmsg_t why = {""};
    gw_err_t err = r->gw->ops->credit(r->gw->ctx, &req, &reply, &why);
    r->sends++;
    engine__step(r->e, "deliver.sent");
    if (err == GW_OK && reply.result == GW_CREDIT_APPLIED) {
        r->balance_known = true;
        r->balance = reply.balance_after;
    }

    credit_outcome_t outcome = translate(err, &reply);
    delivery_decision_t d = delivery_after_credit(outcome);
    if (err == GW_OK)
        answer_detail(n, outcome, &reply, detail);
    else
        snprintf(detail, sizeof detail, "count %u: %s (%s)", n, outcome_name(outcome), why.text);
    switch (d.step) {
    case STEP_DONE: return finish_applied(r, outcome_name(outcome), detail);
    case STEP_READ_BACK: return read_back(r, n, outcome);
    case STEP_DEFER: return defer(r, d.reason, detail, outcome_name(outcome), APPLIED_NO, false);
    case STEP_PARK:
    case STEP_RESEND:
    case STEP_SEND: break;
    }
    return park(r, d.reason, detail, outcome_name(outcome), APPLIED_NO);
}

/* Latest attempt's applied flag (APPLIED_NO if there is none). */
static void latest_attempt(void *ctx, const ledger_attempt_t *a)
{
    *(ledger_applied_t *)ctx = a->applied;
}

/* The count service (if any) still holds count n for this sale: false,
 * with why in detail, once it gave the count to another sale after this
 * sale's lease ended; then neither a resend nor a read-back showing n can
 * be trusted to be this sale's. A service that cannot be asked is offline. */
static bool count_still_ours(run_t *r, uint32_t n, uint32_t seen, char detail[LEDGER_REASON_LEN])
{
    const engine_counts_t *c = r->e->counts;
    kmsg_t why = {""};
    kerr_t rc = c && c->renew ? c->renew(c->ctx, r->t.meter, r->t.id, n, seen, &why) : K_OK;
    if (rc == K_ESTATE) {
        snprintf(detail, LEDGER_REASON_LEN, "%s", why.text);
        return false;
    }
    if (rc != K_OK)
        LOG_I("engine", "meter %s: the count service cannot be asked (%s): going on with count %u", r->t.meter,
              why.text, n);
    return true;
}

/* A count is held from an earlier run: settle it by reading back. */
static kerr_t resume_held(run_t *r, const gw_reading_t *rd)
{
    uint32_t n = (uint32_t)r->t.purchase_count;
    ledger_applied_t latest = APPLIED_NO;
    char detail[LEDGER_REASON_LEN];
    if (!count_still_ours(r, n, seen_count(rd, n), detail))
        return park(r, REASON_COUNT_MISMATCH, detail, NULL, APPLIED_NO);
    kerr_t rc = ledger_attempts(r->e->ledger, r->t.id, latest_attempt, &latest, r->msg);
    if (rc)
        return rc;
    delivery_decision_t d = delivery_after_read_back(n, true, seen_count(rd, n), CREDIT_NO_ANSWER, 0,
                                                     (unsigned)r->e->cfg->delivery_attempts);
    snprintf(detail, sizeof detail, "holding count %u, meter at count %u", n, rd->purchase_count);
    if (d.step == STEP_DONE && latest == APPLIED_UNKNOWN)
        return finish_applied(r, "confirmed", detail);
    if (d.step == STEP_RESEND)
        return send(r, n);
    if (d.step == STEP_DONE) /* count n reached the meter, but not from us */
        return park(r, REASON_COUNT_MISMATCH, detail, NULL, APPLIED_NO);
    if (d.step == STEP_DEFER)
        return defer(r, d.reason, detail, NULL, APPLIED_NO, false);
    return park(r, d.reason, detail, NULL, APPLIED_NO);
}

/* Asks the back office's count service (if any) for the count: true, with
 * why in detail, while another sale holds the meter. A new card takes the
 * higher of the two counts; a meter's own count decides for a meter. */
static bool reserve_count(run_t *r, bool open, uint32_t seen, uint32_t *count, char detail[LEDGER_REASON_LEN])
{
    const engine_counts_t *c = r->e->counts;
    uint32_t given = 0;
    kmsg_t why = {""};
    if (!c)
        return false;
    kerr_t rc = c->reserve(c->ctx, r->t.meter, r->t.id, seen, &given, &why);
    if (rc == K_EBUSY) {
        snprintf(detail, LEDGER_REASON_LEN, "the back office: %s", why.text);
        return true;
    }
    if (rc != K_OK)
        LOG_I("engine", "meter %s: the count service cannot be asked (%s): going on with count %u", r->t.meter,
              why.text, *count);
    else if (open && given > *count) /* a new card continues what every kiosk sold */
        *count = given;
    else if (given != *count)
        LOG_W("engine", "meter %s: the back office offers count %u, the meter is at %u: sending %u", r->t.meter, given,
              seen, *count);
    return false;
}

/* No count yet: choose one from the meter's count and the ledger. */
static kerr_t start_fresh(run_t *r, const gw_reading_t *rd)
{
    ledger_meter_facts_t lf;
    kerr_t rc = ledger_meter_facts(r->e->ledger, r->t.meter, r->t.id, &lf, r->msg);
    if (rc)
        return rc;
    ledger_reading_t last = {0};
    bool found = false;
    if (rd->count_open && (rc = ledger_last_reading(r->e->ledger, r->t.meter, &last, &found, r->msg)))
        return rc;
    count_facts_t f = {.meter_count = rd->purchase_count,
                       .any_count = rd->count_open,
                       .known_count = found && last.purchase_count > 0 ? (uint32_t)last.purchase_count : 0,
                       .other_open = lf.other_open,
                       .have_delivered = lf.have_delivered,
                       .highest_delivered = (uint32_t)lf.highest_delivered};
    delivery_decision_t d = delivery_pick_count(&f);
    char detail[LEDGER_REASON_LEN];
    if (d.step == STEP_SEND &&
        reserve_count(r, rd->count_open, rd->count_open ? d.count - 1 : rd->purchase_count, &d.count, detail))
        return defer(r, REASON_QUEUED, detail, NULL, APPLIED_NO, false);
    switch (d.step) {
    case STEP_SEND: return send(r, d.count);
    case STEP_DEFER:
        snprintf(detail, sizeof detail, "waiting for transaction %.8s to the same meter", lf.other_id);
        return defer(r, d.reason, detail, NULL, APPLIED_NO, false);
    case STEP_PARK:
    case STEP_DONE:
    case STEP_READ_BACK:
    case STEP_RESEND: break;
    }
    snprintf(detail, sizeof detail, "meter at count %u, this kiosk delivered up to count %lld", rd->purchase_count,
             (long long)lf.highest_delivered);
    return park(r, d.reason, detail, NULL, APPLIED_NO);
}

/* Automatic reconnection: once a credit lifts the balance above zero, a
 * relay left open is closed. The money is already safe; a failure here is
 * only logged, and the next inspection raises cut_with_credit. */
static void reconnect(run_t *r)
{
    if (!r->balance_known || r->balance <= 0 || r->gw != r->e->gw) /* a card switches no relay */
        return;
    gw_reading_t rd;
    kmsg_t why = {""};
    if (r->gw->ops->read(r->gw->ctx, &r->to, GW_READ_STATUS, &rd, &why) != GW_OK) {
        LOG_W("engine", "meter %s: cannot read the relay after the credit: %s", r->t.meter, why.text);
        return;
    }
    if (rd.relay_open && engine_relay(r->e, r->t.meter, GW_RELAY_CLOSE, "system",
                                      "the credit lifted the balance above zero", &why) != K_OK)
        LOG_W("engine", "meter %s: reconnection failed: %s", r->t.meter, why.text);
}

/* A card: whether this write opens the meter's account, as the core's
 * rule says from what the card holds (nothing written yet, a replacement
 * or not: the card just read, kept while it stays in the reader). */
static gw_err_t card_opens_account(run_t *r, const gw_reading_t *rd, kmsg_t *why)
{
    card_view_t v;
    if (gw_card_view(r->gw, &v, why) != K_OK)
        return GW_UNREACHABLE;
    r->opens = mcard_opens_account(rd->count_open, v.info.type == CARD_TYPE_REPLACEMENT);
    return GW_OK;
}

/* A central sale: whether its command opens the meter's account (the
 * back office ordered open_account; the ledger links the sale to it). */
static void central_opens_account(run_t *r)
{
    ledger_command_t c;
    bool found = false;
    kmsg_t why = {""};
    if (r->t.method != METHOD_CENTRAL)
        return;
    if (ledger_command_of_sale(r->e->ledger, r->t.id, &c, &found, &why) != K_OK)
        LOG_W("engine", "txn %.8s: its central command cannot be read: %s", r->t.id, why.text);
    r->opens = found && c.command == MCMD_OPEN_ACCOUNT;
}

/* A bill payment reaches no meter: it is settled (from paid, or pending
 * after staff resumed a parked one), its bill_payment outbox row written
 * in the same commit (docs/billing.md). */
static kerr_t settle_bill(engine_t *e, const ledger_txn_t *t, ledger_txn_t *after, kmsg_t *msg)
{
    ledger_change_t c = {.event = EV_SETTLE, .detail = "bill payment sent to the outbox"};
    kerr_t rc = engine__apply(e, t->id, t->state, &c, after, msg);
    if (rc == K_OK)
        engine__step(e, "bill.settled");
    return rc;
}

static kerr_t do_deliver(engine_t *e, const char *id, ledger_txn_t *after, kmsg_t *msg)
{
    run_t r = {.e = e, .msg = msg};
    kerr_t rc = ledger_get(e->ledger, id, &r.t, msg);
    if (rc)
        return rc;
    if (r.t.channel == CHANNEL_BILL && (r.t.state == TXN_PAID || r.t.state == TXN_DELIVERY_PENDING))
        return settle_bill(e, &r.t, after, msg);
    if (r.t.state != TXN_PAID && r.t.state != TXN_DELIVERY_PENDING)
        return kmsg_set(msg, K_ESTATE, "transaction %s is %s; only paid or pending ones are delivered", id,
                        txn_state_name(r.t.state));
    bool card = r.t.channel == CHANNEL_CARD;
    r.gw = card ? e->card : e->gw;
    r.to = (gw_target_t){.meter = r.t.meter, .card = card ? r.t.card : NULL};
    gw_reading_t rd = {0};
    kmsg_t why = {"no meter-card reader (card.protocol)"};
    gw_err_t err = r.gw ? r.gw->ops->read(r.gw->ctx, &r.to, GW_READ_COUNT, &rd, &why) : GW_UNREACHABLE;
    if (err == GW_OK && card)
        err = card_opens_account(&r, &rd, &why);
    else if (err == GW_OK)
        central_opens_account(&r);
    engine__step(e, "deliver.read");
    if (err == GW_NOT_FOUND || err == GW_INVALID)
        rc = park(&r, REASON_REFUSED, why.text, NULL, APPLIED_NO);
    else if (err != GW_OK)
        rc = defer(&r, REASON_METER_UNREACHABLE, why.text[0] ? why.text : gw_err_str(err), NULL, APPLIED_NO, false);
    else if (r.t.purchase_count > 0)
        rc = resume_held(&r, &rd);
    else
        rc = start_fresh(&r, &rd);
    if (rc == K_OK && r.t.state == TXN_DELIVERED)
        reconnect(&r);
    if (rc == K_OK && after)
        *after = r.t;
    return rc;
}

/* The delivery with the bus held: sales come first on the wire
 * (engine_bus.h). */
static kerr_t held_deliver(engine_t *e, const char *id, ledger_txn_t *after, kmsg_t *msg)
{
    engine_bus_hold(e->bus);
    kerr_t rc = do_deliver(e, id, after, msg);
    engine_bus_release(e->bus);
    return rc;
}

kerr_t engine_deliver(engine_t *e, const char *id, ledger_txn_t *after, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "deliver", msg, held_deliver(e, id, after, msg));
}
