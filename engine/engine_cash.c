/* Cash: a note counts only when stacked; the escrow decision is written
 * before the note is routed, and the stacked note (with the device's event
 * counter) before anything is shown. What happened while the kiosk was
 * away is read from the device's event buffer at attach. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "core/payment.h"
#include "engine/engine_int.h"

static ledger_cash_mark_t mark(const engine_t *e, const cash_event_t *ev)
{
    return (ledger_cash_mark_t){.serial = e->cash_serial, .counter = ev->counter};
}

/* The news of a note: typed, and in English ("Note CNY 20.00 taken", "Note
 * CNY 20.00 returned: over the purchase limit"). */
static void say(engine_cash_news_t *news, payment_note_t note, int64_t value, escrow_reason_t why,
                const currency_t *cur)
{
    char money[32] = "";
    money_format(value, cur, MONEY_RECEIPT, money, sizeof money);
    news->note = note;
    news->value = value;
    news->why = why;
    if (note == PNOTE_TAKEN)
        snprintf(news->text, sizeof news->text, "Note %s taken", money);
    else
        snprintf(news->text, sizeof news->text, "Note %s returned: %s", money, payment_escrow_text(why));
}

/* Is the sale taking money, and how much has it taken of what amount? */
static bool taking(engine_t *e, const char *id, int64_t *paid, int64_t *amount)
{
    ledger_txn_t t;
    *paid = *amount = 0;
    if (!id[0] || ledger_get(e->ledger, id, &t, NULL) != K_OK)
        return false;
    *paid = t.paid;
    *amount = t.amount;
    return t.state == TXN_PAYMENT_PENDING;
}

static kerr_t on_escrow(engine_t *e, const cash_event_t *ev, engine_cash_news_t *news, kmsg_t *msg)
{
    int64_t paid, amount;
    bool open = taking(e, e->cash_txn, &paid, &amount);
    escrow_reason_t why = payment_escrow_rule(open, paid, ev->value, amount, e->cfg->max_purchase);
    ledger_cash_mark_t m = mark(e, ev);
    int64_t id;
    kerr_t rc = ledger_escrow_decide(e->ledger, open ? e->cash_txn : NULL, &m, ev->bill_type, ev->value,
                                     why == ESCROW_OK, payment_escrow_text(why), &id, msg);
    if (rc)
        return rc;
    engine__step(e, "cash.escrow");
    kmsg_t dev = {""};
    cash_err_t err = e->cash->ops->route(e->cash->ctx, why == ESCROW_OK, &dev);
    if (err == CASH_REFUSED && why == ESCROW_OK) { /* no cash box, box full: the note goes back */
        LOG_W("engine", "the note could not be stacked (%s): returning it", dev.text);
        why = ESCROW_NOT_TAKING;
        err = e->cash->ops->route(e->cash->ctx, false, &dev);
    }
    if (err == CASH_REFUSED) /* escrow empty: only our command stacks, so it went back */
        rc = ledger_cash_event(e->ledger, NULL, id, "returned", NULL, dev.text, NULL, msg);
    else if (err != CASH_OK)
        LOG_W("engine", "routing the note in escrow: %s (the device's events will tell)", dev.text);
    engine__step(e, "cash.routed");
    if (why != ESCROW_OK)
        say(news, PNOTE_RETURNED, ev->value, why, e->cfg->currency);
    return rc;
}

static kerr_t on_stacked(engine_t *e, const cash_event_t *ev, engine_cash_news_t *news, kmsg_t *msg)
{
    int64_t escrow = 0, value;
    char txn[UUID_STR_LEN] = "";
    bool stack, found;
    kerr_t rc = ledger_escrow_open(e->ledger, &escrow, txn, &value, &stack, &found, msg);
    if (rc)
        return rc;
    if (!found || !txn[0]) { /* stacked without a sale: keep the evidence */
        LOG_E("engine", "a note of %lld was stacked with no sale to book it to", (long long)ev->value);
        ledger_cash_mark_t m = mark(e, ev);
        ledger_alert_t a = {.kind = "cash_unattributed", .severity = "critical"};
        snprintf(a.evidence, sizeof a.evidence, "a note of %lld (type %d, event %u) went into the cash box with no "
                 "sale to book it to: count the cash box", (long long)ev->value, ev->bill_type, ev->counter);
        return ledger_cash_event(e->ledger, &m, escrow, "stacked", "unattributed", ev->text, &a, msg);
    }
    char ref[64];
    snprintf(ref, sizeof ref, "note type %d, event %u", ev->bill_type, ev->counter);
    ledger_payment_t p = {.method = METHOD_CASH, .amount = ev->value, .denomination = ev->value, .ref = ref};
    ledger_cash_mark_t m = mark(e, ev);
    ledger_change_t c = {.event = EV_MONEY_IN, .payment = &p, .cash = &m, .escrow_id = escrow, .detail = ref};
    ledger_txn_t after;
    if ((rc = engine__apply(e, txn, TXN_PAYMENT_PENDING, &c, &after, msg)))
        return rc;
    engine__step(e, "cash.stacked");
    news->booked = true;
    news->paid = after.paid;
    say(news, PNOTE_TAKEN, ev->value, ESCROW_OK, e->cfg->currency);
    return K_OK;
}

/* The sale taking cash cannot know what it took: a person counts the box. */
static kerr_t park_sale(engine_t *e, const char *what, kmsg_t *msg)
{
    int64_t paid, amount;
    if (!taking(e, e->cash_txn, &paid, &amount))
        return K_OK;
    char reason[LEDGER_REASON_LEN];
    snprintf(reason, sizeof reason, "payment_unknown: %s while taking cash; count the cash box", what);
    ledger_change_t c = {.event = EV_PARK, .reason = reason, .detail = reason};
    LOG_W("engine", "txn %.8s parked: %s", e->cash_txn, reason);
    return engine__apply(e, e->cash_txn, TXN_PAYMENT_PENDING, &c, NULL, msg);
}

static void find_cash_sale(void *ctx, const ledger_txn_t *t)
{
    if (t->method == METHOD_CASH)
        snprintf(ctx, UUID_STR_LEN, "%s", t->id);
}

/* At attach: parks the cash sale that was taking money when the kiosk
 * stopped, if there is one. */
static kerr_t park_interrupted(engine_t *e, const char *what, kmsg_t *msg)
{
    ledger_filter_t f = {.state = TXN_PAYMENT_PENDING};
    kerr_t rc = ledger_list(e->ledger, &f, find_cash_sale, e->cash_txn, msg);
    if (rc == K_OK)
        rc = park_sale(e, what, msg);
    e->cash_txn[0] = '\0';
    return rc;
}

/* The device events staff must hear about: alert kind and severity. */
static bool device_alert(const engine_t *e, const cash_event_t *ev, ledger_alert_t *a)
{
    static const struct {
        cash_event_kind_t kind;
        const char *name, *severity, *todo;
    } table[] = {
        {CASH_LOST_EVENTS, "cash_lost_events", "critical", "what the acceptor did is unknown: count the cash box"},
        {CASH_FRAUD, "cash_fraud", "critical", "inspect the bill acceptor"},
        {CASH_JAM, "cash_jam", "warning", "clear the bill acceptor"},
        {CASH_FAULT, "cash_fault", "warning", "service the bill acceptor"},
        {CASH_BOX_FULL, "cash_box_full", "warning", "empty the cash box"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].kind == ev->kind) {
            *a = (ledger_alert_t){0};
            snprintf(a->kind, sizeof a->kind, "%s", table[i].name);
            snprintf(a->severity, sizeof a->severity, "%s", table[i].severity);
            snprintf(a->evidence, sizeof a->evidence, "bill acceptor %s: %s (event %u); %s", e->cash_serial, ev->text,
                     ev->counter, table[i].todo);
            return true;
        }
    return false;
}

/* Events that book no money still move the counter; a note whose escrow
 * decision is open gets its outcome. */
static kerr_t on_other(engine_t *e, const cash_event_t *ev, engine_cash_news_t *news, kmsg_t *msg)
{
    int64_t escrow = 0, value;
    char txn[UUID_STR_LEN];
    bool stack, found = false;
    const char *outcome = NULL, *box = NULL;
    if (ev->kind == CASH_RETURNED || ev->kind == CASH_RESET || ev->kind == CASH_LOST_EVENTS) {
        kerr_t rc = ledger_escrow_open(e->ledger, &escrow, txn, &value, &stack, &found, msg);
        if (rc)
            return rc;
        outcome = ev->kind == CASH_RETURNED ? "returned" : "unknown";
    }
    if (ev->kind == CASH_BOX_REMOVED)
        box = "removed";
    else if (ev->kind == CASH_BOX_INSERTED)
        box = "inserted";
    else if (ev->kind == CASH_BOX_FULL)
        box = "full";
    ledger_cash_mark_t m = mark(e, ev);
    ledger_alert_t alert;
    bool raise = device_alert(e, ev, &alert);
    kerr_t rc = ledger_cash_event(e->ledger, ev->kind == CASH_RESET ? NULL : &m, found ? escrow : 0, outcome, box,
                                  ev->text, raise ? &alert : NULL, msg);
    if (ev->kind == CASH_REJECTED)
        news->note = PNOTE_REJECTED;
    else if (ev->kind == CASH_JAM || ev->kind == CASH_BOX_FULL || ev->kind == CASH_FRAUD || ev->kind == CASH_FAULT ||
             ev->kind == CASH_LOST_EVENTS)
        news->note = PNOTE_DEVICE;
    if (ev->kind == CASH_REJECTED)
        snprintf(news->text, sizeof news->text, "Note given back (%s): please try another note", ev->text);
    else
        snprintf(news->text, sizeof news->text, "%s", ev->text);
    news->stop = ev->kind == CASH_LOST_EVENTS || ev->kind == CASH_FRAUD;
    if (rc == K_OK && (ev->kind == CASH_LOST_EVENTS || (ev->kind == CASH_RESET && found && stack)))
        rc = park_sale(e, ev->text, msg);
    return rc;
}

static kerr_t handle(engine_t *e, const cash_event_t *ev, engine_cash_news_t *news, kmsg_t *msg)
{
    LOG_I("engine", "bill acceptor: %s (event %u)", ev->text, ev->counter);
    switch (ev->kind) {
    case CASH_ESCROW: return on_escrow(e, ev, news, msg);
    case CASH_STACKED: return on_stacked(e, ev, news, msg);
    case CASH_RETURNED:
    case CASH_REJECTED:
    case CASH_JAM:
    case CASH_JAM_CLEARED:
    case CASH_BOX_REMOVED:
    case CASH_BOX_INSERTED:
    case CASH_BOX_FULL:
    case CASH_FRAUD:
    case CASH_FAULT:
    case CASH_RESET:
    case CASH_LOST_EVENTS:
    case CASH_OTHER: break;
    }
    return on_other(e, ev, news, msg);
}

static kerr_t poll_once(engine_t *e, engine_cash_news_t *news, size_t *seen, kmsg_t *msg)
{
    cash_event_t ev[CASH_MAX_EVENTS];
    kmsg_t dev = {""};
    *seen = 0;
    if (e->cash->ops->poll(e->cash->ctx, ev, seen, &dev) != CASH_OK)
        return kmsg_set(msg, K_EDEVICE, "bill acceptor: %s", dev.text);
    for (size_t i = 0; i < *seen; i++) {
        kerr_t rc = handle(e, &ev[i], news, msg);
        if (rc)
            return rc;
    }
    return K_OK;
}

static kerr_t do_cash_step(engine_t *e, engine_cash_news_t *news, kmsg_t *msg)
{
    memset(news, 0, sizeof *news);
    size_t seen;
    kerr_t rc = e->cash ? poll_once(e, news, &seen, msg) : kmsg_set(msg, K_ENOTFOUND, "no bill acceptor");
    int64_t amount;
    if (rc == K_OK && !news->booked)
        taking(e, e->cash_txn, &news->paid, &amount);
    return rc;
}

static kerr_t do_cash_attach(engine_t *e, kmsg_t *msg)
{
    if (!e->cash)
        return kmsg_set(msg, K_ENOTFOUND, "no bill acceptor");
    cash_info_t info;
    e->cash->ops->info(e->cash->ctx, &info);
    snprintf(e->cash_serial, sizeof e->cash_serial, "%s", info.serial);
    int64_t counter;
    bool found;
    kerr_t rc = ledger_cash_counter(e->ledger, e->cash_serial, &counter, &found, msg);
    if (rc)
        return rc;
    e->cash->ops->set_counter(e->cash->ctx, found ? (uint32_t)counter : CASH_COUNTER_UNKNOWN);
    engine_cash_news_t news;
    size_t seen = 1;
    char broken[sizeof news.text] = "";
    for (int i = 0; rc == K_OK && seen > 0 && i < 8; i++) { /* catch up with what happened meanwhile */
        news = (engine_cash_news_t){0};
        rc = poll_once(e, &news, &seen, msg);
        if (news.stop)
            snprintf(broken, sizeof broken, "%s", news.text);
    }
    if (rc == K_OK && broken[0]) /* the sale the kiosk was taking cash for cannot know what it took */
        rc = park_interrupted(e, broken, msg);
    kmsg_t dev = {""};
    if (rc == K_OK && e->cash->ops->route(e->cash->ctx, false, &dev) == CASH_OK) { /* a note left in escrow goes back */
        LOG_W("engine", "a note was left in escrow: returned to the resident");
        rc = poll_once(e, &news, &seen, msg); /* and its return is booked */
    }
    return rc;
}

static kerr_t do_cash_start(engine_t *e, const char *id, kmsg_t *msg)
{
    int64_t values[16];
    size_t n = cash_parse_denominations(e->cfg->cash_denominations, values, 16);
    kmsg_t dev = {""};
    if (!e->cash)
        return kmsg_set(msg, K_ENOTFOUND, "no bill acceptor (cash.protocol)");
    snprintf(e->cash_txn, sizeof e->cash_txn, "%s", id);
    if (e->cash->ops->enable(e->cash->ctx, values, n, &dev) != CASH_OK) {
        e->cash_txn[0] = '\0';
        return kmsg_set(msg, K_EDEVICE, "bill acceptor: %s", dev.text);
    }
    return K_OK;
}

static kerr_t do_cash_stop(engine_t *e, kmsg_t *msg)
{
    if (!e->cash)
        return K_OK;
    kmsg_t dev = {""};
    cash_err_t err = e->cash->ops->disable(e->cash->ctx, &dev);
    engine_cash_news_t news;
    kerr_t rc = engine_cash_step(e, &news, msg); /* book what was stacked up to now */
    e->cash_txn[0] = '\0';
    if (rc == K_OK)
        rc = engine_cash_step(e, &news, msg); /* a note now in escrow is returned: no sale takes it */
    if (err != CASH_OK && rc == K_OK)
        rc = kmsg_set(msg, K_EDEVICE, "bill acceptor: %s", dev.text);
    return rc;
}

kerr_t engine_cash_step(engine_t *e, engine_cash_news_t *news, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "cash step", msg, do_cash_step(e, news, msg));
}

kerr_t engine_cash_attach(engine_t *e, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "cash attach", msg, do_cash_attach(e, msg));
}

kerr_t engine_cash_start(engine_t *e, const char *id, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "cash start", msg, do_cash_start(e, id, msg));
}

kerr_t engine_cash_stop(engine_t *e, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "cash stop", msg, do_cash_stop(e, msg));
}
