/* Card payments: durable intent, one authorisation, the terminal asked
 * (never re-authorised) when the result is lost, reversal when a delivery
 * fails for good. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "core/payment.h"
#include "engine/engine_int.h"

static payment_answer_t answer_of(pt_err_t err, const pt_result_t *r)
{
    switch (err) {
    case PT_OK: return r->outcome == PT_APPROVED ? PAYMENT_APPROVED : PAYMENT_DECLINED;
    case PT_UNREACHABLE: return PAYMENT_NOT_RECEIVED;
    case PT_UNKNOWN:
    case PT_PROTOCOL: return PAYMENT_NO_RESULT;
    }
    return PAYMENT_NO_RESULT;
}

/* The receipt lines, one per line, for the ledger. */
static void join_lines(const pt_result_t *r, char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->n_lines && n + 1 < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s\n", r->lines[i]);
}

/* Books an approved authorisation: the payment and the closed
 * authorisation in one transaction. */
static kerr_t book(engine_t *e, const ledger_txn_t *t, const char *reference, int64_t asked, const pt_result_t *r,
                   kmsg_t *msg)
{
    char ref[48], lines[PT_MAX_LINES * PT_LINE_LEN];
    if (r->order[0]) /* a provider's own id (a QR order) names the payment */
        snprintf(ref, sizeof ref, "%s", r->order);
    else
        snprintf(ref, sizeof ref, "receipt %u", r->receipt);
    join_lines(r, lines, sizeof lines);
    ledger_payment_t p = {.method = t->method,
                          .amount = r->amount > 0 ? r->amount : asked,
                          .ref = ref,
                          .detail = r->masked_pan};
    ledger_card_outcome_t o = {.reference = reference,
                               .outcome = "approved",
                               .result_code = r->code,
                               .receipt = r->receipt,
                               .trace = r->trace,
                               .masked_pan = r->masked_pan,
                               .card_type = r->card_type,
                               .lines = lines};
    ledger_change_t c = {.event = EV_MONEY_IN, .payment = &p, .card = &o, .detail = ref};
    kerr_t rc = engine__apply(e, t->id, TXN_PAYMENT_PENDING, &c, NULL, msg);
    if (rc == K_OK)
        engine__step(e, "card.booked");
    return rc;
}

static kerr_t not_paid(engine_t *e, const char *reference, payment_answer_t a, const pt_result_t *r, kmsg_t *msg)
{
    ledger_card_outcome_t o = {.reference = reference,
                               .outcome = a == PAYMENT_NOT_RECEIVED ? "not_received" : "declined",
                               .result_code = r->code,
                               .receipt = r->receipt};
    return ledger_card_end(e->ledger, &o, msg);
}

static kerr_t park_unknown(engine_t *e, const char *id, const char *why, kmsg_t *msg)
{
    char reason[LEDGER_REASON_LEN];
    snprintf(reason, sizeof reason, "payment_unknown: the payment provider could not say whether it took the money (%s)",
             why);
    ledger_change_t c = {.event = EV_PARK, .reason = reason, .detail = reason};
    LOG_W("engine", "txn %.8s parked: %s", id, reason);
    return engine__apply(e, id, TXN_PAYMENT_PENDING, &c, NULL, msg);
}

/* Asks the provider what came of the authorisation: by the request itself
 * when it can (query), else by its last transaction. */
static pt_err_t ask(payterm_t *pt, const ledger_txn_t *t, const char *reference, int64_t amount, pt_result_t *last,
                    payment_owner_t *owner, kmsg_t *why)
{
    memset(last, 0, sizeof *last);
    *owner = PAYMENT_OTHERS;
    if (pt->ops->query) {
        pt_request_t req = {.amount = amount, .reference = reference, .meter = t->meter, .currency = t->currency};
        pt_err_t err = pt->ops->query(pt->ctx, &req, last, why);
        *owner = err == PT_OK ? PAYMENT_OURS : PAYMENT_OTHERS;
        return err;
    }
    pt_err_t err = pt->ops->last(pt->ctx, last, why);
    if (err == PT_OK && last->outcome != PT_NO_TRANSACTION)
        *owner = !last->reference[0] ? PAYMENT_UNNAMED
                 : strcmp(last->reference, reference) == 0 ? PAYMENT_OURS : PAYMENT_OTHERS;
    return err;
}

/* Asks the provider about the authorisation and acts on the answer. */
static kerr_t ask_last(engine_t *e, payterm_t *pt, const ledger_txn_t *t, const char *reference, int64_t amount,
                       engine_card_result_t *out, kmsg_t *msg)
{
    pt_result_t last;
    kmsg_t why = {""};
    payment_owner_t owner;
    pt_err_t err = ask(pt, t, reference, amount, &last, &owner, &why);
    engine__step(e, "card.asked");
    bool approved = last.outcome == PT_APPROVED;
    if (err == PT_OK && owner == PAYMENT_UNNAMED && approved)
        snprintf(why.text, sizeof why.text, "its last transaction, approved (receipt %u), names no reference: it may be "
                 "this sale's", last.receipt);
    switch (payment_after_last(err == PT_OK, owner, approved)) {
    case PAYMENT_STEP_PAID:
        out->paid = true;
        out->terminal = last;
        return book(e, t, reference, amount, &last, msg);
    case PAYMENT_STEP_NOT_PAID:
        out->terminal = last;
        return not_paid(e, reference, PAYMENT_DECLINED, &last, msg);
    case PAYMENT_STEP_ASK_LAST:
    case PAYMENT_STEP_PARK: break;
    }
    out->parked = true;
    return park_unknown(e, t->id, why.text[0] ? why.text : "no answer", msg);
}

static kerr_t open_authorisation(engine_t *e, const char *id, ledger_card_auth_t *a, bool *open, kmsg_t *msg)
{
    bool found;
    kerr_t rc = ledger_card_latest(e->ledger, id, a, &found, msg);
    *open = rc == K_OK && found && a->outcome[0] == '\0';
    return rc;
}

/* The reference of the sale's next authorisation ("<sale id>:<n>"), after
 * its latest one, which must be closed: never authorise twice. */
static kerr_t next_reference(engine_t *e, const char *id, char reference[64], kmsg_t *msg)
{
    ledger_card_auth_t last;
    bool found;
    kerr_t rc = ledger_card_latest(e->ledger, id, &last, &found, msg);
    if (rc)
        return rc;
    if (found && last.outcome[0] == '\0')
        return kmsg_set(msg, K_ESTATE, "authorisation %s is still unresolved: never authorise twice", last.reference);
    snprintf(reference, 64, "%s:%lld", id, found ? (long long)last.id + 1 : 1LL);
    return K_OK;
}

static kerr_t do_card_pay(engine_t *e, const char *id, const pt_watch_t *watch, engine_card_result_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    ledger_txn_t t;
    char reference[64];
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    if (rc)
        return rc;
    payterm_t *pt = engine_provider(e, t.method);
    if (!pt)
        return kmsg_set(msg, K_ENOTFOUND, "no payment provider for '%s' (payterm.protocol)", sale_method_name(t.method));
    int64_t amount = t.amount - t.paid; /* what the sale still asks for, as committed when it was opened */
    if (t.state != TXN_PAYMENT_PENDING || amount <= 0)
        return kmsg_set(msg, K_ESTATE, "transaction %.8s is %s with %lld of %lld paid: nothing to take", id,
                        txn_state_name(t.state), (long long)t.paid, (long long)t.amount);
    if ((rc = next_reference(e, id, reference, msg)))
        return rc;
    if ((rc = ledger_card_begin(e->ledger, id, reference, amount, msg)))
        return rc;
    engine__step(e, "card.intent");
    kmsg_t why = {""};
    pt_request_t req = {.amount = amount, .reference = reference, .meter = t.meter, .currency = t.currency};
    pt_err_t err = pt->ops->authorise(pt->ctx, &req, watch, &out->terminal, &why);
    engine__step(e, "card.answer");
    payment_answer_t a = answer_of(err, &out->terminal);
    LOG_I("engine", "txn %.8s: card %s (%s)", id, a == PAYMENT_APPROVED ? "approved" : "not approved",
          err == PT_OK ? out->terminal.reason : why.text);
    switch (payment_after_authorise(a)) {
    case PAYMENT_STEP_PAID: out->paid = true; return book(e, &t, reference, amount, &out->terminal, msg);
    case PAYMENT_STEP_NOT_PAID:
        if (err != PT_OK)
            snprintf(out->terminal.reason, sizeof out->terminal.reason, "%s", why.text);
        return not_paid(e, reference, a, &out->terminal, msg);
    case PAYMENT_STEP_ASK_LAST:
    case PAYMENT_STEP_PARK: break;
    }
    return ask_last(e, pt, &t, reference, amount, out, msg);
}

static kerr_t do_card_settle(engine_t *e, const char *id, kmsg_t *msg)
{
    ledger_card_auth_t a;
    bool open;
    kerr_t rc = open_authorisation(e, id, &a, &open, msg);
    ledger_txn_t t;
    if (rc || !open || (rc = ledger_get(e->ledger, id, &t, msg)))
        return rc;
    payterm_t *pt = engine_provider(e, t.method);
    if (!pt)
        return park_unknown(e, id, "no payment provider configured to ask", msg);
    engine_card_result_t out = {0};
    return ask_last(e, pt, &t, a.reference, a.amount, &out, msg);
}

/* The provider said a parked sale's money came: it is booked once, by the
 * provider's own id, to a new sale that is delivered (as a late QR
 * payment); the parked sale, which holds no money, ends cancelled saying
 * where its money went, its authorisation closed as approved. */
static kerr_t book_parked(engine_t *e, const ledger_txn_t *t, const ledger_card_auth_t *a, const pt_result_t *r,
                          kmsg_t *msg)
{
    engine_qr_late_t late = {.order = r->order, .meter = t->meter, .customer = t->customer,
                             .amount = r->amount > 0 ? r->amount : a->amount, .gave_up = "parked"};
    snprintf(late.currency, sizeof late.currency, "%s", t->currency);
    engine_qr_late_result_t booked;
    kerr_t rc = engine_qr_late(e, &late, &booked, msg); /* a delivery that fails now leaves the new sale pending */
    if (rc)
        return rc;
    ledger_card_outcome_t o = {.reference = a->reference, .outcome = "approved", .result_code = r->code};
    char reason[LEDGER_REASON_LEN];
    snprintf(reason, sizeof reason, "payment_settled: the provider took the money after all (%s): booked to sale %s",
             r->order, booked.txn);
    if ((rc = ledger_card_end(e->ledger, &o, msg)) == K_OK)
        rc = engine_cancel(e, t->id, reason, msg);
    return rc;
}

/* The provider said a parked sale's money never came (an order still open
 * is cancelled by the question itself, so a later payment comes back as a
 * late one): the authorisation is closed and the sale, which holds no
 * money, ends cancelled. */
static kerr_t close_parked(engine_t *e, const ledger_txn_t *t, const ledger_card_auth_t *a, const pt_result_t *r,
                           kmsg_t *msg)
{
    kerr_t rc = not_paid(e, a->reference, PAYMENT_DECLINED, r, msg);
    char reason[LEDGER_REASON_LEN];
    snprintf(reason, sizeof reason, "not paid: the provider says the money never came (%s)",
             r->reason[0] ? r->reason : "no payment");
    return rc ? rc : engine_cancel(e, t->id, reason, msg);
}

/* A sale parked because its provider could not say whether it took the
 * money is asked about again, when the provider can be asked by the
 * request itself (a QR order, never a card terminal's "last transaction",
 * which a later sale replaces): settled if it answers, else left parked. */
static kerr_t do_card_settle_parked(engine_t *e, const char *id, bool *settled, kmsg_t *msg)
{
    ledger_txn_t t;
    ledger_card_auth_t a;
    bool open;
    *settled = false;
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    if (rc || t.state != TXN_NEEDS_RECONCILIATION || t.paid != 0 || (rc = open_authorisation(e, id, &a, &open, msg)) ||
        !open)
        return rc;
    payterm_t *pt = engine_provider(e, t.method);
    if (!pt || !pt->ops->query)
        return K_OK;
    pt_result_t r = {0};
    payment_owner_t owner;
    kmsg_t why = {""};
    if (ask(pt, &t, a.reference, a.amount, &r, &owner, &why) != PT_OK || owner != PAYMENT_OURS) {
        LOG_I("engine", "txn %.8s: still parked, the provider cannot say yet (%s)", id, why.text);
        return K_OK;
    }
    *settled = true;
    bool approved = r.outcome == PT_APPROVED;
    LOG_I("engine", "txn %.8s: the parked payment is settled: %s", id, approved ? "paid" : "not paid");
    return approved ? book_parked(e, &t, &a, &r, msg) : close_parked(e, &t, &a, &r, msg);
}

static kerr_t do_card_reverse(engine_t *e, const char *id, kmsg_t *msg)
{
    ledger_card_auth_t a;
    ledger_txn_t t;
    bool found;
    kerr_t rc = ledger_card_paid(e->ledger, id, &a, &found, msg);
    if (rc || (rc = ledger_get(e->ledger, id, &t, msg)))
        return rc;
    payterm_t *pt = engine_provider(e, t.method);
    if (!found || !pt)
        return kmsg_set(msg, K_ENOTFOUND, "transaction %.8s: no payment to reverse, or no provider for '%s'", id,
                        sale_method_name(t.method));
    pt_result_t r;
    kmsg_t why = {""};
    pt_err_t err = pt->ops->reverse(pt->ctx, (uint32_t)a.receipt, &r, &why);
    engine__step(e, "card.reversed");
    if (err != PT_OK) {
        LOG_W("engine", "txn %.8s: reversal of receipt %lld not confirmed (%s); will try again", id,
              (long long)a.receipt, why.text);
        return K_OK; /* stays refunding: the retry worker and recovery try again */
    }
    char ref[48], reason[LEDGER_REASON_LEN];
    snprintf(ref, sizeof ref, "reversal of receipt %lld", (long long)a.receipt);
    if (r.outcome == PT_APPROVED || r.outcome == PT_ALREADY_REVERSED) { /* done now, or before the answer was lost */
        ledger_refund_t refund = {.kind = REFUND_REVERSAL, .reversed = t.method, .amount = t.paid, .ref = ref};
        ledger_change_t c = {.event = EV_REFUND_DONE, .refund = &refund, .release_count = true, .detail = ref};
        return engine__apply(e, id, TXN_REFUNDING, &c, NULL, msg);
    }
    snprintf(reason, sizeof reason, "reversal_refused: the terminal refused to reverse receipt %lld (%s); refund by hand",
             (long long)a.receipt, r.reason);
    ledger_change_t c = {.event = EV_PARK, .reason = reason, .detail = reason};
    return engine__apply(e, id, TXN_REFUNDING, &c, NULL, msg);
}

kerr_t engine_card_pay(engine_t *e, const char *id, const pt_watch_t *watch, engine_card_result_t *out, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "card pay", msg, do_card_pay(e, id, watch, out, msg));
}

kerr_t engine_card_settle(engine_t *e, const char *id, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "card settle", msg, do_card_settle(e, id, msg));
}

kerr_t engine_card_reverse(engine_t *e, const char *id, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "card reverse", msg, do_card_reverse(e, id, msg));
}

kerr_t engine_card_settle_parked(engine_t *e, const char *id, bool *settled, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "settling a parked payment", msg, do_card_settle_parked(e, id, settled, msg));
}
