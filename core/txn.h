/* The transaction state machine, as one table: states, events, allowed
 * transitions and their guards. Everything that changes a transaction's
 * state asks txn_next() first; `kioskctl txn-diagram` prints this table. */
#ifndef CORE_TXN_H
#define CORE_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

typedef enum txn_state {
    TXN_NONE = 0,             /* before the transaction exists */
    TXN_CREATED,              /* opened for a meter; no money asked yet */
    TXN_PAYMENT_PENDING,      /* waiting for money (notes, card, QR, counter) */
    TXN_PAID,                 /* money accepted, delivery not started */
    TXN_DELIVERING,           /* intent with purchase count committed; device being told */
    TXN_DELIVERY_PENDING,     /* paid, not yet delivered, will retry */
    TXN_NEEDS_RECONCILIATION, /* parked: a person has to look (reason recorded) */
    TXN_REFUNDING,            /* giving money back (card reversal) is under way */
    TXN_DELIVERED,            /* final: credit is on the meter or card */
    TXN_CANCELLED,            /* final: no money was taken */
    TXN_REFUNDED,             /* final: money went back (reversal, refund) */
    TXN_VOIDED,               /* final: annulled by an operator, money settled by hand */
    TXN_STATE_COUNT
} txn_state_t;

typedef enum txn_event {
    EV_OPEN,         /* the transaction is created */
    EV_PAY_BEGIN,    /* the kiosk starts taking money */
    EV_MONEY_IN,     /* one payment accepted (a stacked note, an approval) */
    EV_PAY_DONE,     /* payment complete */
    EV_CANCEL,       /* given up before any money was taken */
    EV_DELIVER,      /* delivery intent committed (with its purchase count) */
    EV_APPLIED,      /* the device confirmed the credit (reply or read-back) */
    EV_DEFER,        /* not delivered now; retry later */
    EV_PARK,         /* cannot decide automatically: needs a person */
    EV_RESUME,       /* an operator sends a parked delivery back to retry */
    EV_CONFIRM,      /* an operator confirms the credit reached the meter */
    EV_REFUND_BEGIN, /* giving the money back starts */
    EV_REFUND_DONE,  /* the money went back */
    EV_VOID,         /* an operator annuls the transaction */
    EV_ZERO_FIRST,   /* a new account's zero first purchase: nothing to pay (docs/card.md) */
    EV_SETTLE,       /* a bill payment is handed to the outbox for the back office (docs/billing.md) */
    TXN_EVENT_COUNT
} txn_event_t;

typedef enum txn_guard {
    GUARD_NONE,
    GUARD_NOTHING_PAID, /* paid == 0 */
    GUARD_SOME_PAID,    /* paid > 0 */
    GUARD_ZERO_SALE,    /* a zero first purchase (opened for 0), paid == 0 */
    GUARD_OWED,         /* paid > 0, or a zero first purchase: something to deliver */
    GUARD_BILL,         /* a bill payment with paid > 0 */
} txn_guard_t;

typedef struct txn_transition {
    txn_state_t from;
    txn_event_t event;
    txn_state_t to;
    txn_guard_t guard;
} txn_transition_t;

/* The money a guard looks at. */
typedef struct txn_facts {
    int64_t paid;
    bool zero_sale; /* opened for amount 0: a zero first purchase */
    bool bill;      /* a bill payment (channel bill) */
} txn_facts_t;

/* The whole table; *n receives its length. */
const txn_transition_t *txn_table(size_t *n);

/* Returns the snake_case name of a state ("delivery_pending"). */
const char *txn_state_name(txn_state_t s);

/* Returns the snake_case name of an event ("money_in"). */
const char *txn_event_name(txn_event_t e);

/* Returns the guard written as a condition ("paid = 0"), or "" for none. */
const char *txn_guard_text(txn_guard_t g);

/* Looks a state up by name; returns TXN_NONE if there is none. */
txn_state_t txn_state_from_name(const char *name);

/* Looks an event up by name; returns false if there is none. */
bool txn_event_from_name(const char *name, txn_event_t *out);

/* True for delivered, cancelled, refunded and voided. */
bool txn_state_is_final(txn_state_t s);

/* Stores in *to the state that `event` leads to from `from`, given facts
 * (may be NULL when no guard applies). K_ESTATE if the table has no such
 * transition or its guard does not hold; msg says which. */
kerr_t txn_next(txn_state_t from, txn_event_t event, const txn_facts_t *facts, txn_state_t *to,
                kmsg_t *msg);

/* True if the table has a row from -> to under event, guards ignored
 * (used to audit a stored history). */
bool txn_edge_exists(txn_state_t from, txn_event_t event, txn_state_t to);

typedef enum txn_diagram_format { TXN_DIAGRAM_DOT, TXN_DIAGRAM_MERMAID } txn_diagram_format_t;

/* Writes the table as a Graphviz or Mermaid state diagram. */
void txn_diagram(FILE *out, txn_diagram_format_t format);

#endif
