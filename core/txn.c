#include "core/txn.h"

#include <string.h>

/* Read this table top to bottom to know every way a transaction can move. */
static const txn_transition_t table[] = {
    {TXN_NONE, EV_OPEN, TXN_CREATED, GUARD_NONE},
    {TXN_CREATED, EV_PAY_BEGIN, TXN_PAYMENT_PENDING, GUARD_NONE},
    {TXN_CREATED, EV_CANCEL, TXN_CANCELLED, GUARD_NONE},
    {TXN_CREATED, EV_ZERO_FIRST, TXN_PAID, GUARD_ZERO_SALE},
    {TXN_PAYMENT_PENDING, EV_MONEY_IN, TXN_PAYMENT_PENDING, GUARD_NONE},
    {TXN_PAYMENT_PENDING, EV_PAY_DONE, TXN_PAID, GUARD_SOME_PAID},
    {TXN_PAYMENT_PENDING, EV_CANCEL, TXN_CANCELLED, GUARD_NOTHING_PAID},
    {TXN_PAYMENT_PENDING, EV_PARK, TXN_NEEDS_RECONCILIATION, GUARD_NONE},
    {TXN_PAID, EV_DELIVER, TXN_DELIVERING, GUARD_NONE},
    {TXN_PAID, EV_SETTLE, TXN_DELIVERED, GUARD_BILL},
    {TXN_PAID, EV_DEFER, TXN_DELIVERY_PENDING, GUARD_NONE},
    {TXN_PAID, EV_PARK, TXN_NEEDS_RECONCILIATION, GUARD_NONE},
    {TXN_PAID, EV_REFUND_BEGIN, TXN_REFUNDING, GUARD_NONE},
    {TXN_DELIVERING, EV_APPLIED, TXN_DELIVERED, GUARD_NONE},
    {TXN_DELIVERING, EV_DEFER, TXN_DELIVERY_PENDING, GUARD_NONE},
    {TXN_DELIVERING, EV_PARK, TXN_NEEDS_RECONCILIATION, GUARD_NONE},
    {TXN_DELIVERY_PENDING, EV_DELIVER, TXN_DELIVERING, GUARD_NONE},
    {TXN_DELIVERY_PENDING, EV_APPLIED, TXN_DELIVERED, GUARD_NONE},
    {TXN_DELIVERY_PENDING, EV_SETTLE, TXN_DELIVERED, GUARD_BILL},
    {TXN_DELIVERY_PENDING, EV_DEFER, TXN_DELIVERY_PENDING, GUARD_NONE},
    {TXN_DELIVERY_PENDING, EV_PARK, TXN_NEEDS_RECONCILIATION, GUARD_NONE},
    {TXN_DELIVERY_PENDING, EV_REFUND_BEGIN, TXN_REFUNDING, GUARD_NONE},
    {TXN_DELIVERY_PENDING, EV_VOID, TXN_VOIDED, GUARD_NONE},
    {TXN_NEEDS_RECONCILIATION, EV_RESUME, TXN_DELIVERY_PENDING, GUARD_OWED},
    {TXN_NEEDS_RECONCILIATION, EV_CONFIRM, TXN_DELIVERED, GUARD_OWED},
    {TXN_NEEDS_RECONCILIATION, EV_CANCEL, TXN_CANCELLED, GUARD_NOTHING_PAID},
    {TXN_NEEDS_RECONCILIATION, EV_REFUND_BEGIN, TXN_REFUNDING, GUARD_SOME_PAID},
    {TXN_NEEDS_RECONCILIATION, EV_VOID, TXN_VOIDED, GUARD_NONE},
    /* The money went back outside the kiosk (a QR payment refunded by its
     * provider through the back office: its qr_refunded notice). */
    {TXN_NEEDS_RECONCILIATION, EV_REFUND_DONE, TXN_REFUNDED, GUARD_SOME_PAID},
    {TXN_REFUNDING, EV_REFUND_DONE, TXN_REFUNDED, GUARD_NONE},
    {TXN_REFUNDING, EV_PARK, TXN_NEEDS_RECONCILIATION, GUARD_NONE},
};

#define N_TABLE (sizeof table / sizeof table[0])

static const char *const state_names[TXN_STATE_COUNT] = {
    [TXN_NONE] = "none",
    [TXN_CREATED] = "created",
    [TXN_PAYMENT_PENDING] = "payment_pending",
    [TXN_PAID] = "paid",
    [TXN_DELIVERING] = "delivering",
    [TXN_DELIVERY_PENDING] = "delivery_pending",
    [TXN_NEEDS_RECONCILIATION] = "needs_reconciliation",
    [TXN_REFUNDING] = "refunding",
    [TXN_DELIVERED] = "delivered",
    [TXN_CANCELLED] = "cancelled",
    [TXN_REFUNDED] = "refunded",
    [TXN_VOIDED] = "voided",
};

static const char *const event_names[TXN_EVENT_COUNT] = {
    [EV_OPEN] = "open",
    [EV_PAY_BEGIN] = "pay_begin",
    [EV_MONEY_IN] = "money_in",
    [EV_PAY_DONE] = "pay_done",
    [EV_CANCEL] = "cancel",
    [EV_DELIVER] = "deliver",
    [EV_APPLIED] = "applied",
    [EV_DEFER] = "defer",
    [EV_PARK] = "park",
    [EV_RESUME] = "resume",
    [EV_CONFIRM] = "confirm",
    [EV_REFUND_BEGIN] = "refund_begin",
    [EV_REFUND_DONE] = "refund_done",
    [EV_VOID] = "void",
    [EV_ZERO_FIRST] = "zero_first",
    [EV_SETTLE] = "settle",
};

const txn_transition_t *txn_table(size_t *n)
{
    *n = N_TABLE;
    return table;
}

const char *txn_state_name(txn_state_t s)
{
    return s < TXN_STATE_COUNT ? state_names[s] : "?";
}

const char *txn_event_name(txn_event_t e)
{
    return e < TXN_EVENT_COUNT ? event_names[e] : "?";
}

const char *txn_guard_text(txn_guard_t g)
{
    switch (g) {
    case GUARD_NONE: return "";
    case GUARD_NOTHING_PAID: return "paid = 0";
    case GUARD_SOME_PAID: return "paid > 0";
    case GUARD_ZERO_SALE: return "zero first purchase, paid = 0";
    case GUARD_OWED: return "paid > 0 or zero first purchase";
    case GUARD_BILL: return "bill payment, paid > 0";
    }
    return "?";
}

txn_state_t txn_state_from_name(const char *name)
{
    for (int s = TXN_CREATED; name && s < TXN_STATE_COUNT; s++)
        if (strcmp(state_names[s], name) == 0)
            return (txn_state_t)s;
    return TXN_NONE;
}

bool txn_event_from_name(const char *name, txn_event_t *out)
{
    for (int e = 0; name && e < TXN_EVENT_COUNT; e++)
        if (strcmp(event_names[e], name) == 0) {
            *out = (txn_event_t)e;
            return true;
        }
    return false;
}

bool txn_state_is_final(txn_state_t s)
{
    return s == TXN_DELIVERED || s == TXN_CANCELLED || s == TXN_REFUNDED || s == TXN_VOIDED;
}

static bool guard_holds(txn_guard_t g, const txn_facts_t *f)
{
    switch (g) {
    case GUARD_NONE: return true;
    case GUARD_NOTHING_PAID: return f && f->paid == 0;
    case GUARD_SOME_PAID: return f && f->paid > 0;
    case GUARD_ZERO_SALE: return f && f->zero_sale && f->paid == 0;
    case GUARD_OWED: return f && (f->paid > 0 || (f->zero_sale && f->paid == 0));
    case GUARD_BILL: return f && f->bill && f->paid > 0;
    }
    return false;
}

kerr_t txn_next(txn_state_t from, txn_event_t event, const txn_facts_t *facts, txn_state_t *to,
                kmsg_t *msg)
{
    for (size_t i = 0; i < N_TABLE; i++) {
        if (table[i].from != from || table[i].event != event)
            continue;
        if (!guard_holds(table[i].guard, facts))
            return kmsg_set(msg, K_ESTATE, "%s in state %s needs %s", txn_event_name(event),
                            txn_state_name(from), txn_guard_text(table[i].guard));
        *to = table[i].to;
        return K_OK;
    }
    return kmsg_set(msg, K_ESTATE, "%s is not allowed in state %s", txn_event_name(event),
                    txn_state_name(from));
}

bool txn_edge_exists(txn_state_t from, txn_event_t event, txn_state_t to)
{
    for (size_t i = 0; i < N_TABLE; i++)
        if (table[i].from == from && table[i].event == event && table[i].to == to)
            return true;
    return false;
}
