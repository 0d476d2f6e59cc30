#include "core/recovery.h"

const char *recovery_action_name(recovery_action_t a)
{
    switch (a) {
    case RECOVER_NOTHING: return "nothing";
    case RECOVER_CANCEL: return "cancel";
    case RECOVER_FINISH_PAYMENT: return "finish_payment";
    case RECOVER_DELIVER: return "deliver";
    case RECOVER_CONFIRM: return "confirm";
    case RECOVER_REFUND: return "refund";
    case RECOVER_SETTLE_CARD: return "settle_card";
    case RECOVER_PARK: return "park";
    case RECOVER_LEAVE_PARKED: return "leave_parked";
    }
    return "?";
}

recovery_action_t recovery_plan(txn_state_t state, const recovery_facts_t *f)
{
    switch (state) {
    case TXN_NONE:
    case TXN_STATE_COUNT:
    case TXN_DELIVERED:
    case TXN_CANCELLED:
    case TXN_REFUNDED:
    case TXN_VOIDED: return RECOVER_NOTHING;
    case TXN_CREATED: return RECOVER_CANCEL;
    case TXN_PAYMENT_PENDING:
        if (f->card_unsettled)
            return RECOVER_SETTLE_CARD;
        if (f->payment_unknown)
            return RECOVER_PARK;
        return f->paid > 0 ? RECOVER_FINISH_PAYMENT : RECOVER_CANCEL;
    case TXN_PAID:
    case TXN_DELIVERY_PENDING: return RECOVER_DELIVER;
    case TXN_DELIVERING: return RECOVER_CONFIRM;
    case TXN_REFUNDING: return RECOVER_REFUND;
    case TXN_NEEDS_RECONCILIATION: return RECOVER_LEAVE_PARKED;
    }
    return RECOVER_PARK;
}
