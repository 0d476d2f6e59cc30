/* What to do at start with a transaction that is not in a final state.
 * The rule: resume it or park it with a reason before the kiosk serves a
 * new customer. Pure: the engine carries the plan out. */
#ifndef CORE_RECOVERY_H
#define CORE_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/txn.h"

typedef enum recovery_action {
    RECOVER_NOTHING,        /* final state: nothing to do */
    RECOVER_CANCEL,         /* no money was taken: cancel */
    RECOVER_FINISH_PAYMENT, /* money was taken: close the payment, then deliver */
    RECOVER_DELIVER,        /* paid or pending: deliver (read back first if a count is held) */
    RECOVER_CONFIRM,        /* an attempt was in flight: read back, then deliver or finish */
    RECOVER_REFUND,         /* a refund was under way: finish it */
    RECOVER_SETTLE_CARD,    /* a card authorisation's result is unknown: ask the terminal first */
    RECOVER_PARK,           /* cannot be decided automatically: park with a reason */
    RECOVER_LEAVE_PARKED,   /* already parked: leave it for a person */
} recovery_action_t;

typedef struct recovery_facts {
    int64_t paid;         /* money accepted so far */
    bool payment_unknown; /* a payment was started whose result cannot be learnt */
    bool card_unsettled;  /* a card authorisation was sent and its result is not booked */
} recovery_facts_t;

/* Returns the snake_case name of an action. */
const char *recovery_action_name(recovery_action_t a);

/* The plan for a transaction found in `state` at start. */
recovery_action_t recovery_plan(txn_state_t state, const recovery_facts_t *f);

#endif
