/* Result: delivered with the new balance (or a new account opened on its
 * card), or pending (what happens to the money), or for the staff, always
 * with the reference. */
#include <stdio.h>

#include "screens/screen_int.h"

static const char *title(const session_view_t *v)
{
    switch (v->outcome) {
    case OUT_DELIVERED: return v->zero_first ? _("Account opened") : v->paying_bill ? _("Bill paid") : _("Done");
    case OUT_PENDING: return _("Payment received");
    case OUT_PARKED: return _("Please contact the staff");
    case OUT_NONE:
    case OUT_REFUSED: break;
    }
    return _("Nothing was charged");
}

/* The outcome's picture and its colour: a tick only for success. */
static icon_t picture(session_outcome_t o, SDL_Color *col)
{
    *col = o == OUT_DELIVERED ? COL_GOOD : COL_WARN;
    return o == OUT_DELIVERED ? ICON_TICK : o == OUT_PENDING ? ICON_CLOCK : ICON_WARN;
}

/* One paragraph at the top of area; area shrinks below it. */
static void say(sctx_t *c, SDL_Rect *area, const char *text, SDL_Color col)
{
    widget_flow(c, area, text, FONT_BODY, col, ALIGN_LEFT);
}

/* Where the site's staff are, when the site says (site.contact). */
static void contact(sctx_t *c, SDL_Rect *area)
{
    char line[200];
    if (!c->info->site_contact || !c->info->site_contact[0])
        return;
    snprintf(line, sizeof line, _("The site's staff: %s"), c->info->site_contact);
    say(c, area, line, COL_TEXT);
}

/* What the money bought at the meter's tariff, as the receipt words it. */
static void energy(sctx_t *c, SDL_Rect *area)
{
    receipt_t r;
    screen_receipt_row_t rows[RECEIPT_MAX_LINES];
    screen_receipt_of(c->v, &r);
    size_t n = screen_receipt_rows(&r, c->v->lang, c->info->currency, rows);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].fact != RECEIPT_ENERGY)
            continue;
        char line[RECEIPT_TEXT_LEN * 2 + 40];
        snprintf(line, sizeof line, "%s: %s", rows[i].label, rows[i].value);
        say(c, area, line, COL_TEXT);
    }
}

/* A new account's zero first purchase: opened on the card (which must go
 * into the meter before the next purchase), or not finished. */
static void opened(sctx_t *c, SDL_Rect *area)
{
    switch (c->v->outcome) {
    case OUT_DELIVERED:
        say(c, area, _("Your account is opened on the card. Nothing was charged."), COL_GOOD);
        say(c, area,
            c->v->account.kind == METER_WATER
                ? _("Insert the card into your water meter now: the meter must take it before your next purchase.")
                : _("Insert the card into your meter now: the meter must take it before your next purchase."),
            COL_ACCENT);
        break;
    case OUT_PENDING:
        say(c, area,
            _("The card was taken out before the account was opened on it. Insert the same card again to "
              "finish."),
            COL_TEXT);
        break;
    case OUT_PARKED:
        say(c, area, _("The account could not be opened on the card. The staff will settle it: keep the reference."),
            COL_WARN);
        contact(c, area);
        break;
    case OUT_NONE:
    case OUT_REFUSED: say(c, area, text_reason(c->v->reason), COL_TEXT); break;
    }
}

/* Paid, or maybe paid, and not finished: for the staff. */
static void parked(sctx_t *c, SDL_Rect *area, const char *money)
{
    char line[400];
    snprintf(line, sizeof line,
             c->v->paying_bill ? _("Your payment of %s is recorded, but it could not be finished. The staff will "
                                   "settle it: keep the reference.")
                               : _("Your payment of %s is recorded, but the top-up could not be finished. The staff "
                                   "will settle it: keep the reference."),
             money);
    say(c, area, line, COL_WARN);
    contact(c, area);
}

/* A bill payment: recorded for the account, what is still owed. */
static void bill_paid(sctx_t *c, SDL_Rect *area)
{
    const session_view_t *v = c->v;
    char money[40], left[40], line[300];
    text_money(c, v->paid > 0 ? v->paid : v->amount, money);
    int64_t owed = v->bill.owed > v->paid ? v->bill.owed - v->paid : 0;
    text_money(c, owed, left);
    switch (v->outcome) {
    case OUT_DELIVERED:
    case OUT_PENDING:
        snprintf(line, sizeof line, _("%s paid for account %s."), money, v->bill.account);
        say(c, area, line, COL_GOOD);
        if (owed > 0)
            snprintf(line, sizeof line, _("Still owed after this payment: %s"), left);
        else
            snprintf(line, sizeof line, "%s", _("Nothing more is owed on the bills shown."));
        say(c, area, line, COL_ACCENT);
        if (v->receipt != RCPT_ON_SCREEN) /* else the receipt beside gives the rest */
            say(c, area, _("The kiosk sends the payment to the office."), COL_TEXT);
        break;
    case OUT_PARKED: parked(c, area, money); break;
    case OUT_NONE:
    case OUT_REFUSED: say(c, area, text_reason(v->reason), COL_TEXT); break;
    }
}

/* The credit written onto the meter card, in the words of its meter's kind. */
static void card_done(sctx_t *c, SDL_Rect *area, const char *money)
{
    bool water = c->v->account.kind == METER_WATER;
    char line[200];
    snprintf(line, sizeof line, water ? _("%s is on your water card.") : _("%s is on your card."), money);
    say(c, area, line, COL_GOOD);
    say(c, area,
        water ? _("Take the card out and insert it into your water meter: the meter takes the credit from it.")
              : _("Take the card out and insert it into your meter: the meter takes the credit from it."),
        COL_ACCENT);
}

/* Why the credit is not there yet, in the words of the meter's kind. */
static const char *pending_text(const session_view_t *v)
{
    bool water = v->account.kind == METER_WATER;
    if (v->account.on_card)
        return water ? _("The water card was taken out before the credit was written. Insert the same card again to "
                         "finish.")
                     : _("The card was taken out before the credit was written. Insert the same card again to finish.");
    return water ? _("The water meter does not answer now. The kiosk sends the credit by itself as soon as it does; "
                     "you need do nothing more.")
                 : _("The meter does not answer now. The kiosk sends the credit by itself as soon as it does; you "
                     "need do nothing more.");
}

static void outcome(sctx_t *c, SDL_Rect *area)
{
    const session_view_t *v = c->v;
    if (v->zero_first) {
        opened(c, area);
        return;
    }
    if (v->paying_bill) {
        bill_paid(c, area);
        return;
    }
    char money[40], meter[40], balance[40], line[400];
    text_money(c, v->paid > 0 ? v->paid : v->amount, money); /* a card payment nobody confirmed: asked */
    text_grouped(v->account.meter, meter);
    switch (v->outcome) {
    case OUT_DELIVERED:
        if (v->account.on_card) {
            card_done(c, area, money);
            break;
        }
        if (v->account.kind == METER_WATER)
            snprintf(line, sizeof line, _("%s is on water meter %s."), money, meter);
        else
            snprintf(line, sizeof line, _("%s is on meter %s."), money, meter);
        say(c, area, line, COL_GOOD);
        if (v->receipt != RCPT_ON_SCREEN) /* else the receipt beside gives it */
            energy(c, area);
        if (v->has_balance) {
            text_money(c, v->balance, balance);
            snprintf(line, sizeof line, _("New balance: %s"), balance);
            say(c, area, line, COL_ACCENT);
        }
        break;
    case OUT_PENDING:
        snprintf(line, sizeof line, _("Your payment of %s is safe."), money);
        say(c, area, line, COL_ACCENT);
        say(c, area, pending_text(v), COL_TEXT);
        break;
    case OUT_PARKED: parked(c, area, money); break;
    case OUT_NONE:
    case OUT_REFUSED: say(c, area, text_reason(v->reason), COL_TEXT); break;
    }
}

/* Where the paper receipt is; nothing when it is on the screen. */
static const char *paper(const session_view_t *v)
{
    switch (v->receipt) {
    case RCPT_PRINTING: return _("Printing your receipt...");
    case RCPT_PRINTED: return _("Please take your receipt.");
    case RCPT_NONE:
    case RCPT_ON_SCREEN: break;
    }
    return "";
}

/* With the receipt on the screen: beside everything else in landscape
 * (area becomes the left half), above the Finish row in portrait. */
static void on_screen_receipt(sctx_t *c, SDL_Rect *area)
{
    SDL_Rect box = *area;
    if (c->ui->portrait) {
        box.h = area->h / 2;
        box.y = area->y + area->h - box.h;
        area->h -= box.h + c->ui->pad;
    } else {
        box = layout_col(c, *area, 2, 1);
        *area = layout_col(c, *area, 2, 0);
    }
    widget_receipt(c, box);
}

void screen__result(sctx_t *c)
{
    const session_view_t *v = c->v;
    widget_top_bar(c, title(v));
    SDL_Rect area = layout_content(c);
    widget_action_t finish = {"finish", _("Finish"), true}, note = {NULL, paper(v), false};
    if (v->receipt == RCPT_ON_SCREEN && !c->ui->portrait) /* the receipt the whole height, the bar beside it */
        on_screen_receipt(c, &area);
    widget_action_bar(c, &area, paper(v)[0] ? &note : NULL, &finish);
    if (v->receipt == RCPT_ON_SCREEN && c->ui->portrait)
        on_screen_receipt(c, &area);
    SDL_Color col;
    icon_t icon = picture(v->outcome, &col);
    int head = layout_line(c, FONT_TITLE);
    SDL_Rect top = layout_top(c, &area, head * 5 / 4);
    icon_draw(c, icon, (SDL_Rect){top.x, top.y, top.h, top.h}, col, COL_BG);
    widget_text_fit(c, (SDL_Rect){top.x + top.h + c->ui->pad, top.y + (top.h - head) / 2, top.w - top.h - c->ui->pad, head},
                    title(v), FONT_TITLE, col, ALIGN_LEFT);
    SDL_Rect in = widget_card(c, area);
    outcome(c, &in);
    if (v->txn[0] && v->receipt != RCPT_ON_SCREEN) { /* else the receipt beside gives it */
        char ref[16], line[80];
        text_reference(v->txn, ref);
        snprintf(line, sizeof line, _("Reference: %s"), ref);
        say(c, &in, line, COL_TEXT);
    }
}
