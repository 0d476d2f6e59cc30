/* Payment: notes with what is in and still to pay and Done, the card
 * terminal's prompts, or a QR code (screen_payment_qr.c). Cash with money
 * in: Cancel asks whether to stop and credit what is in (a stacked note
 * cannot be given back). */
#include <stdio.h>

#include "screens/screen_int.h"

/* A note given back or the acceptor's trouble, for the resident; "" if
 * nothing went wrong with the latest note. */
static void note_trouble(const sctx_t *c, int64_t due, char *out, size_t len)
{
    const session_view_t *v = c->v;
    char note[40], left[40];
    text_money(c, v->note_value, note);
    text_money(c, due, left);
    out[0] = '\0';
    if (v->note == PNOTE_RETURNED && v->note_why == ESCROW_OVER_AMOUNT)
        snprintf(out, len, _("The %s note was given back: it is more than the %s still to pay, and the kiosk gives "
                             "no change."), note, left);
    else if (v->note == PNOTE_RETURNED && v->note_why == ESCROW_OVER_LIMIT)
        snprintf(out, len, _("The %s note was given back: it would pass the purchase limit."), note);
    else if (v->note == PNOTE_RETURNED || v->note == PNOTE_REJECTED)
        snprintf(out, len, "%s", _("The note was given back: the kiosk cannot take it. Try another note."));
    else if (v->note == PNOTE_DEVICE)
        snprintf(out, len, "%s", _("The bill acceptor reports a problem. Tap Done to send what is in, or ask staff."));
}

/* What the cash screen says: the trouble with the latest note first (it
 * names what is still to pay), else what to do next. True if trouble. */
static bool cash_words(const sctx_t *c, int64_t due, char *out, size_t len)
{
    const session_view_t *v = c->v;
    char amount[40], paid[40], left[40];
    if (v->closing || !v->txn[0]) {
        snprintf(out, len, "%s", _("One moment, please..."));
        return false;
    }
    text_money(c, v->paid, paid);
    if (v->asking_stop && v->paying_bill) {
        snprintf(out, len, _("%s is already in and cannot be given back: it pays your bill. Stop and pay %s?"), paid,
                 paid);
        return false;
    }
    bool water = v->account.kind == METER_WATER;
    if (v->asking_stop) {
        snprintf(out, len,
                 v->account.on_card
                     ? water ? _("%s is already in and cannot be given back: it will be written onto your water "
                                 "card. Stop and credit %s?")
                             : _("%s is already in and cannot be given back: it will be written onto your "
                                 "card. Stop and credit %s?")
                 : water ? _("%s is already in and cannot be given back: it will be credited to your water "
                             "meter. Stop and credit %s?")
                         : _("%s is already in and cannot be given back: it will be credited to your "
                             "meter. Stop and credit %s?"),
                 paid, paid);
        return false;
    }
    note_trouble(c, due, out, len);
    if (out[0])
        return true;
    text_money(c, v->amount, amount);
    text_money(c, due, left);
    if (v->paid > 0 && v->paying_bill)
        snprintf(out, len, _("%s is in and pays your bill. Add notes up to %s, or tap Done."), paid, left);
    else if (v->paid > 0 && water)
        snprintf(out, len, _("%s is in and goes to your water meter. Add notes up to %s, or tap Done."), paid, left);
    else if (v->paid > 0)
        snprintf(out, len, _("%s is in and goes to your meter. Add notes up to %s, or tap Done."), paid, left);
    else
        snprintf(out, len, _("Insert notes one at a time, up to %s. The kiosk gives no change."), amount);
    return false;
}

/* Three figures side by side in cards: label above, amount below. */
static void figures(sctx_t *c, SDL_Rect *area, const char *const labels[3], const char *const values[3], int big)
{
    int line = layout_line(c, FONT_BODY), fig = layout_line(c, FONT_TITLE);
    SDL_Rect row = layout_top(c, area, line + fig + 2 * c->ui->pad);
    for (int i = 0; i < 3; i++) {
        SDL_Rect in = widget_card(c, layout_col(c, row, 3, i));
        widget_text(c, (SDL_Rect){in.x, in.y, in.w, line}, labels[i], FONT_BODY, COL_DIM, ALIGN_CENTER);
        widget_text(c, (SDL_Rect){in.x, in.y + line, in.w, fig}, values[i], FONT_TITLE,
                    i == big ? COL_ACCENT : COL_TEXT, ALIGN_CENTER);
    }
}

/* A picture at the left of area (landscape) or the top (portrait); area
 * keeps the rest. */
static void picture(sctx_t *c, SDL_Rect *area, icon_t icon)
{
    SDL_Rect pic = *area;
    if (c->ui->portrait) {
        pic.h = area->h / 3;
        area->y += pic.h + c->ui->pad;
        area->h -= pic.h + c->ui->pad;
    } else {
        pic.w = area->w / 4;
        area->x += pic.w + c->ui->pad;
        area->w -= pic.w + c->ui->pad;
    }
    icon_draw(c, icon, pic, COL_ACCENT, COL_BG);
}

/* Cash: what is to pay, what is in and what is still to pay; before the
 * first note, that the kiosk gives no change; after it, that the money in
 * goes to the meter; asked to stop, the question. */
static void cash(sctx_t *c, SDL_Rect area)
{
    const session_view_t *v = c->v;
    int64_t due = v->amount > v->paid ? v->amount - v->paid : 0;
    char amount[40], paid[40], left[40], say[320], go_label[120];
    text_money(c, v->amount, amount);
    text_money(c, v->paid, paid);
    text_money(c, due, left);
    widget_action_t cancel = {"cancel", _("Cancel"), true}, done = {"done", go_label, true},
                    keep = {"keep", _("Keep inserting"), true}, stop = {"stop", go_label, true};
    bool open = !v->closing && v->txn[0];
    if (v->asking_stop) { /* Cancel with money in: keep inserting, or stop and credit what is in */
        snprintf(go_label, sizeof go_label, v->paying_bill ? _("Stop and pay %s") : _("Stop and credit %s"), paid);
        widget_action_bar(c, &area, open ? &keep : NULL, open ? &stop : NULL);
    } else {
        snprintf(go_label, sizeof go_label, v->paying_bill ? _("Done: pay %s") : _("Done: top up %s"), paid);
        widget_action_bar(c, &area, open ? &cancel : NULL, open && v->paid > 0 ? &done : NULL);
    }
    const char *labels[3] = {_("To pay"), _("Inserted"), _("Still to pay")};
    const char *values[3] = {amount, paid, left};
    figures(c, &area, labels, values, 1);
    picture(c, &area, ICON_NOTE_IN);
    bool trouble = cash_words(c, due, say, sizeof say);
    if (trouble)
        widget_banner(c, &area, ICON_WARN, say, COL_WARN);
    else
        widget_text_fit(c, area, say, FONT_TITLE, COL_TEXT, ALIGN_LEFT);
}

/* The card terminal's prompt in the resident's language. */
static const char *prompt_words(payment_prompt_t p)
{
    switch (p) {
    case PPROMPT_INSERT_CARD: return _("Insert or tap your card");
    case PPROMPT_REMOVE_CARD: return _("Remove your card");
    case PPROMPT_WAIT: return _("Please wait");
    case PPROMPT_PIN: return _("Enter your PIN on the card terminal");
    case PPROMPT_APPROVED: return _("Approved");
    case PPROMPT_DECLINED: return _("Declined");
    case PPROMPT_FOLLOW: return _("Follow the instructions on the card terminal.");
    case PPROMPT_SCAN_QR: return _("Scan the code with your phone");
    case PPROMPT_NONE: break;
    }
    return _("One moment, please...");
}

static void card(sctx_t *c, SDL_Rect area)
{
    const session_view_t *v = c->v;
    widget_action_t cancel = {"cancel", _("Cancel"), true};
    widget_action_bar(c, &area, !v->closing && v->txn[0] ? &cancel : NULL, NULL);
    char due[40];
    text_money(c, v->amount, due);
    SDL_Rect r = layout_top(c, &area, layout_line(c, FONT_TITLE));
    widget_text(c, layout_col(c, r, 2, 0), _("To pay"), FONT_BODY, COL_DIM, ALIGN_LEFT);
    widget_text(c, layout_col(c, r, 2, 1), due, FONT_TITLE, COL_ACCENT, ALIGN_RIGHT);
    picture(c, &area, ICON_CARD_IN);
    widget_flow(c, &area, prompt_words(v->prompt), FONT_TITLE, COL_ACCENT, ALIGN_LEFT);
    widget_text_fit(c, area, _("Follow the instructions on the card terminal beside the screen."), FONT_BODY, COL_TEXT,
                    ALIGN_LEFT);
}

/* Whether a paper receipt will come, once the printer was asked. */
static void receipt_note(sctx_t *c, SDL_Rect *area)
{
    if (!c->v->txn[0])
        return;
    SDL_Rect r = layout_bottom(c, area, layout_line(c, FONT_SMALL));
    widget_text(c, r, c->v->paper_receipt ? _("A paper receipt is printed.") : _("The receipt is shown on the screen."),
                FONT_SMALL, COL_DIM, ALIGN_LEFT);
}

void screen__payment(sctx_t *c)
{
    bool is_cash = c->v->method == METHOD_CASH, is_qr = c->v->method == METHOD_QR;
    widget_top_bar(c, is_cash ? _("Pay with bank notes") : is_qr ? _("Pay by QR code") : _("Pay by bank card"));
    SDL_Rect area = layout_content(c);
    receipt_note(c, &area);
    if (is_cash)
        cash(c, area);
    else if (is_qr)
        screen__payment_qr(c, area);
    else
        card(c, area);
}
