/* The engine's sale and payment steps. */
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

void engine__step(engine_t *e, const char *step)
{
    LOG_D("engine", "step %s", step);
    if (e->step)
        e->step(e->step_ctx, step);
}

payterm_t *engine_provider(const engine_t *e, sale_method_t method)
{
    return method < METHOD_COUNT ? e->pay[method] : NULL;
}

kerr_t engine__apply(engine_t *e, const char *id, txn_state_t expect, const ledger_change_t *c,
                     ledger_txn_t *after, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_apply(e->ledger, id, expect, c, &t, msg);
    if (rc != K_OK) {
        LOG_E("engine", "txn %s: %s refused: %s", id, txn_event_name(c->event), msg ? msg->text : "");
        return rc;
    }
    LOG_I("engine", "txn %.8s: %s -[%s]-> %s", id, txn_state_name(expect), txn_event_name(c->event),
          txn_state_name(t.state));
    engine__sale_moved(e, id, t.state);
    if (after)
        *after = t;
    return K_OK;
}

static bool digits_only(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/* The meter and customer numbers are numbers. */
static kerr_t check_numbers(const sale_req_t *req, kmsg_t *msg)
{
    if (!req->meter || !digits_only(req->meter, 1, 12))
        return kmsg_set(msg, K_EINVAL, "meter number '%s' must be 1 to 12 digits", req->meter ? req->meter : "");
    if (req->customer && req->customer[0] && !digits_only(req->customer, 1, 12))
        return kmsg_set(msg, K_EINVAL, "customer number '%s' must be 1 to 12 digits", req->customer);
    return K_OK;
}

kerr_t engine_check_sale(const kiosk_config_t *cfg, const sale_req_t *req, kmsg_t *msg)
{
    kerr_t rc = check_numbers(req, msg);
    if (rc)
        return rc;
    if (req->amount < cfg->min_purchase || req->amount > cfg->max_purchase) {
        char lo[32], hi[32];
        money_format(cfg->min_purchase, cfg->currency, MONEY_RECEIPT, lo, sizeof lo);
        money_format(cfg->max_purchase, cfg->currency, MONEY_RECEIPT, hi, sizeof hi);
        return kmsg_set(msg, K_EINVAL, "amount must be between %s and %s (limits.min_purchase, limits.max_purchase)",
                        lo, hi);
    }
    if (req->method == METHOD_NONE || req->method >= METHOD_COUNT)
        return kmsg_set(msg, K_EINVAL, "no payment method");
    return K_OK;
}

/* A zero first purchase (engine_mcard.c decided it may be one): written
 * onto a card, for nothing, taking no money (method none). */
static kerr_t check_zero_first(const sale_req_t *req, kmsg_t *msg)
{
    kerr_t rc = check_numbers(req, msg);
    if (rc == K_OK && (req->amount != 0 || req->channel != CHANNEL_CARD || !req->card || req->method != METHOD_NONE))
        rc = kmsg_set(msg, K_EINVAL, "a zero first purchase is written onto a meter card and takes no money");
    return rc;
}

/* A bill payment: a post-paid account's id in place of the meter, an
 * amount above zero and a method; the purchase limits do not apply (the
 * bill asks what it asks). */
static kerr_t check_bill(const sale_req_t *req, kmsg_t *msg)
{
    size_t n = req->meter ? strlen(req->meter) : 0;
    if (n == 0 || n >= LEDGER_METER_LEN || strspn(req->meter, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                              "0123456789-_.") != n)
        return kmsg_set(msg, K_EINVAL, "account '%s' must be 1 to %d letters, digits, '-', '_' or '.'",
                        req->meter ? req->meter : "", LEDGER_METER_LEN - 1);
    if (req->amount <= 0 || req->method == METHOD_NONE || req->method >= METHOD_COUNT)
        return kmsg_set(msg, K_EINVAL, "a bill payment takes an amount above zero and a method");
    return K_OK;
}

/* The request's checks by its kind: a sale, a zero first purchase, a bill payment. */
static kerr_t check_open(engine_t *e, const sale_req_t *req, bool zero_first, kmsg_t *msg)
{
    if (req->channel == CHANNEL_BILL)
        return check_bill(req, msg);
    kerr_t rc = zero_first ? check_zero_first(req, msg) : engine_check_sale(e->cfg, req, msg);
    if (rc == K_OK && (rc = engine__check_limits(e, req->amount, msg)) == K_OK)
        rc = engine_meter_sellable(e, req->meter, msg);
    return rc;
}

static kerr_t do_open_sale(engine_t *e, const sale_req_t *req, bool zero_first, char id[UUID_STR_LEN], kmsg_t *msg)
{
    const kiosk_config_t *cfg = e->cfg;
    kerr_t rc = engine_settle_held(e, msg); /* one sale at a time: an earlier one left behind comes to rest */
    if (rc || (rc = check_open(e, req, zero_first, msg)))
        return rc;
    if ((rc = krand_uuid(e->rand, id)) != K_OK)
        return kmsg_set(msg, rc, "no randomness for a transaction id");
    ledger_new_txn_t n = {.id = id,
                          .meter = req->meter,
                          .customer = req->customer ? req->customer : "",
                          .method = req->method,
                          .channel = req->channel,
                          .card = req->card,
                          .currency = cfg->currency_code,
                          .amount = req->amount,
                          .due = req->due};
    if ((rc = ledger_create(e->ledger, &n, msg)))
        return rc;
    LOG_I("engine", "txn %.8s: opened for meter %s, %lld", id, req->meter, (long long)req->amount);
    if ((rc = engine__hold_sale(e, id, req->channel == CHANNEL_REMOTE, msg)) != K_OK)
        return rc;
    engine__step(e, "txn.created");
    return K_OK;
}

static kerr_t do_begin_payment(engine_t *e, const char *id, kmsg_t *msg)
{
    ledger_change_t c = {.event = EV_PAY_BEGIN};
    kerr_t rc = engine__apply(e, id, TXN_CREATED, &c, NULL, msg);
    if (rc == K_OK)
        engine__step(e, "payment.begun");
    return rc;
}

static kerr_t do_accept_payment(engine_t *e, const char *id, const ledger_payment_t *p, kmsg_t *msg)
{
    ledger_change_t c = {.event = EV_MONEY_IN, .payment = p, .detail = p->ref};
    kerr_t rc = engine__apply(e, id, TXN_PAYMENT_PENDING, &c, NULL, msg);
    if (rc == K_OK)
        engine__step(e, "payment.accepted");
    return rc;
}

static kerr_t do_finish_payment(engine_t *e, const char *id, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    if (rc)
        return rc;
    if (t.paid == 0)
        return engine_cancel(e, id, "nothing was paid", msg);
    ledger_change_t c = {.event = EV_PAY_DONE, .reason = ""};
    if ((rc = engine__apply(e, id, TXN_PAYMENT_PENDING, &c, NULL, msg)) == K_OK)
        engine__step(e, "payment.finished");
    return rc;
}

static kerr_t do_zero_first(engine_t *e, const char *id, kmsg_t *msg)
{
    ledger_change_t c = {.event = EV_ZERO_FIRST, .reason = "", .detail = "zero first purchase: nothing to pay"};
    kerr_t rc = engine__apply(e, id, TXN_CREATED, &c, NULL, msg);
    if (rc == K_OK)
        engine__step(e, "payment.zero");
    return rc;
}

static kerr_t do_cancel(engine_t *e, const char *id, const char *reason, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    if (rc)
        return rc;
    ledger_change_t c = {.event = EV_CANCEL, .reason = reason, .detail = reason};
    if ((rc = engine__apply(e, id, t.state, &c, NULL, msg)) == K_OK)
        engine__step(e, "txn.cancelled");
    return rc;
}

kerr_t engine_open_sale(engine_t *e, const sale_req_t *req, char id[UUID_STR_LEN], kmsg_t *msg)
{
    ENGINE_LOCKED(e, "open sale", msg, do_open_sale(e, req, false, id, msg));
}

kerr_t engine__open_zero_first(engine_t *e, const sale_req_t *req, char id[UUID_STR_LEN], kmsg_t *msg)
{
    ENGINE_LOCKED(e, "open sale", msg, do_open_sale(e, req, true, id, msg));
}

kerr_t engine__zero_first(engine_t *e, const char *id, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "zero first purchase", msg, do_zero_first(e, id, msg));
}

kerr_t engine_begin_payment(engine_t *e, const char *id, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "begin payment", msg, do_begin_payment(e, id, msg));
}

kerr_t engine_accept_payment(engine_t *e, const char *id, const ledger_payment_t *p, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "accept payment", msg, do_accept_payment(e, id, p, msg));
}

kerr_t engine_finish_payment(engine_t *e, const char *id, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "finish payment", msg, do_finish_payment(e, id, msg));
}

kerr_t engine_cancel(engine_t *e, const char *id, const char *reason, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "cancel", msg, do_cancel(e, id, reason, msg));
}
