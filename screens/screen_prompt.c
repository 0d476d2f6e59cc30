/* What the voice says on each screen: one sentence, the screen's main
 * instruction (or the view's message when it has one), in the view's
 * language. Pure: it reads the view and the catalogues, nothing else. */
#include "screens/screen_int.h"

static const char *payment(const session_view_t *v)
{
    if (v->method == METHOD_CARD)
        return _("Follow the card terminal's instructions.");
    if (v->method == METHOD_QR)
        return _("Scan the code with WeChat or Alipay.");
    if (v->paid > 0 && v->paying_bill)
        return _("Add more notes, or tap Done to pay.");
    if (v->paid > 0)
        return _("Add more notes, or tap Done to send the credit.");
    return _("Insert notes one at a time. No change is given.");
}

static const char *result(const session_view_t *v)
{
    bool card = v->account.on_card, water = v->account.kind == METER_WATER;
    if (v->paying_bill && v->outcome == OUT_DELIVERED)
        return _("Done. Your bill payment is recorded.");
    if (v->zero_first && v->outcome == OUT_DELIVERED)
        return water ? _("Your account is opened. Insert the card into your water meter before your next purchase.")
                     : _("Your account is opened. Insert the card into your meter before your next purchase.");
    switch (v->outcome) {
    case OUT_DELIVERED:
        if (card)
            return water ? _("Done. Take the card out and insert it into your water meter.")
                         : _("Done. Take the card out and insert it into your meter.");
        return _("Done. The credit is on your meter.");
    case OUT_PENDING:
        if (card)
            return _("Your payment is safe. Insert the same card again to finish.");
        return water ? _("Your payment is safe. The credit is sent as soon as the water meter answers.")
                     : _("Your payment is safe. The credit is sent as soon as the meter answers.");
    case OUT_PARKED: return _("Your payment is recorded. Please contact the staff.");
    case OUT_NONE:
    case OUT_REFUSED: break;
    }
    return _("Nothing was charged.");
}

/* While the credit goes to the meter, or onto its card. */
static const char *delivering(const session_view_t *v)
{
    bool water = v->account.kind == METER_WATER;
    if (v->paying_bill)
        return _("Recording your payment. Please wait.");
    if (v->account.on_card)
        return water ? _("Keep your water card in the reader while the credit is written.")
                     : _("Keep your card in the reader while the credit is written.");
    return water ? _("Sending the credit to your water meter. Please wait.")
                 : _("Sending the credit to your meter. Please wait.");
}

static const char *instruction(const session_view_t *v)
{
    switch (v->screen) {
    case SCR_ATTRACT: return _("Tap Start to top up your meter, or insert your meter card.");
    case SCR_IDENTIFY: return _("Type your meter number, or insert your meter card.");
    case SCR_ACCOUNT: return _("Check your account, then tap Top up.");
    case SCR_AMOUNT: return _("Choose an amount.");
    case SCR_METHOD: return _("Choose how to pay.");
    case SCR_PAYMENT: return payment(v);
    case SCR_BILL_ACCOUNT: return _("Type your account number. It is on your bill.");
    case SCR_BILL: return _("Check your bills, then tap Pay.");
    case SCR_DELIVERING: return delivering(v);
    case SCR_RESULT: return result(v);
    case SCR_OUT_OF_SERVICE: return _("This kiosk cannot take payments now.");
    case SCR_COUNT:
    case SCR_ANY: break;
    }
    return "";
}

const char *screen_prompt(const session_view_t *v)
{
    screen_i18n_use(v->lang);
    const char *msg = text_message(v);
    return msg[0] ? msg : instruction(v);
}
