#include "core/payment.h"

escrow_reason_t payment_escrow_rule(bool taking_money, int64_t paid, int64_t value, int64_t amount,
                                    int64_t max_purchase)
{
    if (!taking_money)
        return ESCROW_NOT_TAKING;
    if (value <= 0)
        return ESCROW_UNKNOWN_NOTE;
    if (paid > max_purchase - value)
        return ESCROW_OVER_LIMIT;
    if (amount > 0 && paid > amount - value)
        return ESCROW_OVER_AMOUNT;
    return ESCROW_OK;
}

const char *payment_escrow_text(escrow_reason_t r)
{
    switch (r) {
    case ESCROW_OK: return "accepted";
    case ESCROW_NOT_TAKING: return "no sale is taking money";
    case ESCROW_OVER_LIMIT: return "over the purchase limit";
    case ESCROW_UNKNOWN_NOTE: return "a note the kiosk does not know";
    case ESCROW_OVER_AMOUNT: return "more than still to pay (no change given)";
    }
    return "?";
}

payment_step_t payment_after_authorise(payment_answer_t a)
{
    switch (a) {
    case PAYMENT_APPROVED: return PAYMENT_STEP_PAID;
    case PAYMENT_DECLINED:
    case PAYMENT_NOT_RECEIVED: return PAYMENT_STEP_NOT_PAID;
    case PAYMENT_NO_RESULT: return PAYMENT_STEP_ASK_LAST;
    }
    return PAYMENT_STEP_PARK;
}

payment_step_t payment_after_last(bool answered, payment_owner_t owner, bool approved)
{
    if (!answered || (owner == PAYMENT_UNNAMED && approved))
        return PAYMENT_STEP_PARK; /* money taken that may be ours: never guess */
    if (owner == PAYMENT_OURS && approved)
        return PAYMENT_STEP_PAID;
    return PAYMENT_STEP_NOT_PAID; /* another transaction was last, or it was declined */
}

bool payment_reverse_after_park(bool reversible, bool may_have_credited)
{
    return reversible && !may_have_credited;
}
