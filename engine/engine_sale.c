/* One sale in three steps, the same for every front end (kioskctl, the
 * touchscreen's worker, any other): open it with every check, take the
 * money by the sale's method and finish or cancel the payment, deliver and
 * say what came of it. A front end gathers the input and shows the
 * results; the rules are here. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "engine/engine_int.h"

/* How often the bill acceptor is asked while it takes notes. */
#define CASH_POLL_MS 150

kerr_t engine_meter_served(const engine_t *e, const char *meter, const registry_entry_t **entry, kmsg_t *msg)
{
    *entry = e->registry ? registry_find(e->registry, meter) : NULL;
    if (!*entry && e->registry && e->registry->loaded && !e->gateway_lists_meters)
        return kmsg_set(msg, K_EINVAL, "meter %s is not in the meter registry (%s)", meter,
                        e->cfg ? e->cfg->registry_path : "registry.path");
    return K_OK;
}

/* The device that takes the method's money is there (the counter needs
 * none); K_ENOTFOUND says which is missing. */
static kerr_t device_ready(const engine_t *e, sale_method_t method, kmsg_t *msg)
{
    switch (method) {
    case METHOD_COUNTER:
    case METHOD_CENTRAL: return K_OK;
    case METHOD_CASH:
        return e->cash ? K_OK
                       : kmsg_set(msg, K_ENOTFOUND, "no sale opened: the bill acceptor is not available (cash.protocol)");
    case METHOD_CARD:
        return engine_provider(e, method) ? K_OK
                                          : kmsg_set(msg, K_ENOTFOUND, "no sale opened: the card terminal is not "
                                                                       "available (payterm.protocol)");
    case METHOD_QR:
        return engine_provider(e, method) ? K_OK
                                          : kmsg_set(msg, K_ENOTFOUND, "no sale opened: the QR payment is not "
                                                                       "available (sync.qr and sync.url)");
    case METHOD_NONE:
    case METHOD_COUNT: break;
    }
    return kmsg_set(msg, K_EINVAL, "no payment method");
}

static kerr_t do_sale_open(engine_t *e, const sale_req_t *req, const engine_mcard_t *card, char id[UUID_STR_LEN],
                           kmsg_t *msg)
{
    sale_req_t r = *req;
    const registry_entry_t *entry = NULL;
    bool zero = card && r.amount == 0; /* a zero first purchase takes no money: no device */
    kerr_t rc = card ? K_OK : engine_meter_served(e, r.meter ? r.meter : "", &entry, msg);
    if (rc || (!zero && (rc = device_ready(e, r.method, msg))))
        return rc;
    if (!card) {
        r.channel = CHANNEL_REMOTE;
        r.card = NULL;
        if (entry && (!r.customer || !r.customer[0]))
            r.customer = entry->customer;
    }
    rc = card ? engine_mcard_open_sale(e, card, r.method, r.amount, id, msg) : engine_open_sale(e, &r, id, msg);
    if (rc == K_OK && (rc = zero ? engine__zero_first(e, id, msg) : engine_begin_payment(e, id, msg)) != K_OK) {
        kmsg_t why;
        engine_cancel(e, id, "the payment could not begin", &why);
    }
    return rc;
}

kerr_t engine_sale_open(engine_t *e, const sale_req_t *req, const engine_mcard_t *card, char id[UUID_STR_LEN],
                        kmsg_t *msg)
{
    ENGINE_LOCKED(e, "open sale", msg, do_sale_open(e, req, card, id, msg));
}

static kerr_t do_bill_open(engine_t *e, const char *account, sale_method_t method, int64_t amount,
                           const receipt_bills_t *due, char id[UUID_STR_LEN], kmsg_t *msg)
{
    sale_req_t r = {.meter = account, .method = method, .channel = CHANNEL_BILL, .amount = amount, .due = due};
    kerr_t rc = device_ready(e, method, msg);
    if (rc == K_OK && method != METHOD_CASH && method != METHOD_CARD)
        rc = kmsg_set(msg, K_EINVAL, "a bill is paid at the kiosk in cash or by card");
    if (rc || (rc = engine_open_sale(e, &r, id, msg)))
        return rc;
    if ((rc = engine_begin_payment(e, id, msg)) != K_OK) {
        kmsg_t why;
        engine_cancel(e, id, "the payment could not begin", &why);
    }
    return rc;
}

kerr_t engine_bill_open(engine_t *e, const char *account, sale_method_t method, int64_t amount,
                        const receipt_bills_t *due, char id[UUID_STR_LEN], kmsg_t *msg)
{
    ENGINE_LOCKED(e, "open bill payment", msg, do_bill_open(e, account, method, amount, due, id, msg));
}

static bool cancelled(const engine_watch_t *w)
{
    return w && w->cancelled && w->cancelled(w->ctx);
}

static void rest(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Takes notes until the amount is in, the resident is done, or the
 * acceptor cannot go on; every note (and what the acceptor says) goes to
 * the watch. What went in is booked as it is stacked; a note still in
 * escrow at the end is given back. */
static kerr_t take_cash(engine_t *e, const ledger_txn_t *t, const engine_watch_t *w, kmsg_t *msg)
{
    kerr_t rc = engine_cash_start(e, t->id, msg);
    if (rc)
        return rc;
    engine_cash_news_t news = {.paid = t->paid};
    int64_t told = t->paid;
    while (rc == K_OK && news.paid < t->amount && !news.stop && !cancelled(w)) {
        if ((rc = engine_cash_step(e, &news, msg)) != K_OK)
            break;
        if ((news.text[0] || news.paid != told) && w && w->note)
            w->note(w->ctx, &news);
        told = news.paid;
        if (news.paid < t->amount && !news.stop)
            rest(CASH_POLL_MS);
    }
    kmsg_t stop = {""};
    kerr_t stopped = engine_cash_stop(e, &stop);
    if (stopped != K_OK)
        LOG_W("engine", "txn %.8s: stopping the bill acceptor: %s", t->id, stop.text);
    return rc;
}

/* How a provider's method is named when its payment did not happen. */
static const char *provider_word(sale_method_t m)
{
    return m == METHOD_QR ? "QR" : "card";
}

/* Takes the amount through the provider of the sale's method; a payment
 * that did not happen, with nothing parked, cancels the sale as not paid. */
static kerr_t take_authorised(engine_t *e, const ledger_txn_t *t, const engine_watch_t *w, pt_result_t *said,
                              kmsg_t *msg)
{
    pt_watch_t watch = {0};
    if (w)
        watch = (pt_watch_t){.prompt = w->prompt, .cancelled = w->cancelled, .code = w->code, .ctx = w->ctx};
    engine_card_result_t r;
    kerr_t rc = engine_card_pay(e, t->id, &watch, &r, msg);
    *said = r.terminal;
    if (rc == K_OK && !r.paid && !r.parked) {
        char why[160];
        snprintf(why, sizeof why, "%s not paid: %s", provider_word(t->method),
                 r.terminal.reason[0] ? r.terminal.reason : "no answer");
        rc = engine_cancel(e, t->id, why, msg);
    }
    return rc;
}

static kerr_t do_sale_pay(engine_t *e, const char *id, const engine_watch_t *w, engine_paid_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, id, &t, msg);
    if (rc == K_OK && t.state == TXN_PAID && t.amount == 0 && t.method == METHOD_NONE) {
        out->sale = t; /* a zero first purchase: nothing to pay */
        return K_OK;
    }
    if (rc == K_OK && t.state != TXN_PAYMENT_PENDING)
        rc = kmsg_set(msg, K_ESTATE, "transaction %.8s is %s: it is not taking money", id, txn_state_name(t.state));
    if (rc)
        return rc;
    switch (t.method) {
    case METHOD_COUNTER: {
        ledger_payment_t p = {.method = METHOD_COUNTER, .amount = t.amount - t.paid, .ref = "staff took the money"};
        rc = engine_accept_payment(e, id, &p, msg);
        break;
    }
    case METHOD_CENTRAL: {
        /* taken centrally: booked as the counter's, its reference the command that ordered it */
        const char *ref = w && w->reference ? w->reference : "";
        if (!ref[0])
            return kmsg_set(msg, K_EINVAL, "transaction %.8s: a central payment needs its command's id", id);
        ledger_payment_t p = {.method = METHOD_CENTRAL, .amount = t.amount - t.paid, .ref = ref};
        rc = engine_accept_payment(e, id, &p, msg);
        break;
    }
    case METHOD_CASH: rc = take_cash(e, &t, w, msg); break;
    case METHOD_CARD:
    case METHOD_QR: rc = take_authorised(e, &t, w, &out->provider, msg); break;
    case METHOD_NONE:
    case METHOD_COUNT: rc = kmsg_set(msg, K_EINVAL, "transaction %.8s has no payment method", id); break;
    }
    if (rc == K_OK && (rc = ledger_get(e->ledger, id, &out->sale, msg)) == K_OK &&
        out->sale.state == TXN_PAYMENT_PENDING) /* paid, or cancelled when nothing went in */
        rc = engine_finish_payment(e, id, msg);
    return rc ? rc : ledger_get(e->ledger, id, &out->sale, msg);
}

kerr_t engine_sale_pay(engine_t *e, const char *id, const engine_watch_t *watch, engine_paid_t *out, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "sale pay", msg, do_sale_pay(e, id, watch, out, msg));
}

static kerr_t do_sale_deliver(engine_t *e, const char *id, engine_delivered_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    kerr_t rc = ledger_get(e->ledger, id, &out->sale, msg);
    if (rc == K_OK && (out->sale.state == TXN_PAID || out->sale.state == TXN_DELIVERY_PENDING))
        rc = engine_deliver(e, id, &out->sale, msg);
    if (rc || out->sale.state != TXN_DELIVERED || out->sale.channel != CHANNEL_REMOTE || !e->gw)
        return rc; /* a card's credit reaches the meter with the card */
    gw_reading_t rd;
    if (e->gw->ops->read(e->gw->ctx, &(gw_target_t){.meter = out->sale.meter}, GW_READ_BALANCE, &rd, NULL) == GW_OK) {
        out->has_balance = true;
        out->balance = rd.balance;
    }
    return K_OK;
}

/* The delivery and the balance read after it with the bus held: sales
 * come first on the wire (engine_bus.h). */
static kerr_t held_sale_deliver(engine_t *e, const char *id, engine_delivered_t *out, kmsg_t *msg)
{
    engine_bus_hold(e->bus);
    kerr_t rc = do_sale_deliver(e, id, out, msg);
    engine_bus_release(e->bus);
    return rc;
}

kerr_t engine_sale_deliver(engine_t *e, const char *id, engine_delivered_t *out, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "sale deliver", msg, held_sale_deliver(e, id, out, msg));
}
