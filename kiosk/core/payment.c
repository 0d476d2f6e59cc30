#include "kiosk/core/payment.h"

escrow_reason_t cash_escrow_rule(bool taking_money, int64_t paid, int64_t value, int64_t max_purchase)
{
    if (!taking_money)
        return ESCROW_NOT_TAKING;
    if (value <= 0)
        return ESCROW_UNKNOWN_NOTE;
    if (paid > max_purchase - value)
        return ESCROW_OVER_LIMIT;
    return ESCROW_OK;
}

const char *cash_escrow_text(escrow_reason_t r)
{
    switch (r) {
    case ESCROW_OK: return "accepted";
    case ESCROW_NOT_TAKING: return "no sale is taking money";
    case ESCROW_OVER_LIMIT: return "over the purchase limit";
    case ESCROW_UNKNOWN_NOTE: return "a note the kiosk does not know";
    }
    return "?";
}

card_step_t card_after_authorise(card_answer_t a)
{
    switch (a) {
    case CARD_APPROVED: return CARD_STEP_PAID;
    case CARD_DECLINED:
    case CARD_NOT_RECEIVED: return CARD_STEP_NOT_PAID;
    case CARD_NO_RESULT: return CARD_STEP_ASK_LAST;
    }
    return CARD_STEP_PARK;
}

card_step_t card_after_last(bool answered, card_owner_t owner, bool approved)
{
    if (!answered || (owner == CARD_UNNAMED && approved))
        return CARD_STEP_PARK; /* money taken that may be ours: never guess */
    if (owner == CARD_OURS && approved)
        return CARD_STEP_PAID;
    return CARD_STEP_NOT_PAID; /* another transaction was last, or it was declined */
}

bool card_reverse_after_park(bool reversible, bool may_have_credited)
{
    return reversible && !may_have_credited;
}
