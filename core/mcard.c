/* The kiosk's rules for meter cards (mcard.h). */
#include "core/mcard.h"

mcard_verdict_t mcard_sale_check(const mcard_facts_t *f)
{
    if (f->blank)
        return MCARD_BLANK;
    if (f->blocked || f->blocked_by_office)
        return MCARD_BLOCKED;
    if (f->replaced)
        return MCARD_REPLACED;
    if (!f->meter_known)
        return MCARD_UNKNOWN_METER;
    if (f->pending_other_card)
        return MCARD_PENDING_OTHER;
    if (f->pending_same_card)
        return MCARD_PENDING_HERE;
    /* the meter takes count n+1 only when it is at n: a second purchase
     * before the first was inserted could never be taken */
    if (f->purse_count > 0 && (!f->writeback_written || f->meter_count < f->purse_count))
        return MCARD_NOT_TAKEN;
    return MCARD_OK;
}

bool mcard_opens_account(bool nothing_written, bool replacement)
{
    return nothing_written && !replacement;
}

const char *mcard_verdict_text(mcard_verdict_t v)
{
    switch (v) {
    case MCARD_OK: return "the card can take a purchase";
    case MCARD_BLANK: return "this card has not been issued: staff must issue it to a meter first";
    case MCARD_BLOCKED: return "this card is blocked: staff can issue a replacement card";
    case MCARD_UNKNOWN_METER: return "this card's meter is not served by this kiosk";
    case MCARD_REPLACED:
        return "this card was replaced by a newer card and no longer works: use the new card, or ask staff";
    case MCARD_NOT_TAKEN:
        return "the last purchase is still on the card: insert the card into your meter first, then come back";
    case MCARD_PENDING_HERE: return "a purchase for this card is not finished: it is finished first";
    case MCARD_PENDING_OTHER:
        return "a purchase for this meter is waiting for another card: insert that card, or ask staff";
    }
    return "?";
}
