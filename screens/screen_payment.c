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
    if (v->asking_stop) {
        snprintf(out, len,
                 v->account.on_card ? _("%s is already in and cannot be given back: it will be written onto your "
                                        "card. Stop and credit %s?")
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
    if (v->paid > 0)
        snprintf(out, len, _("%s is in and goes to your meter. Add notes up to %s, or tap Done."), paid, left);
    else
        snprintf(out, len, _("Insert notes one at a time, up to %s. The kiosk gives no change."), amount);
    return false;
}

/* The cash screen's buttons: Cancel alone before the first note; Cancel
 * and Done once money is in; asked whether to stop, keep inserting or stop
 * and credit. */
static void cash_buttons(sctx_t *c, SDL_Rect *area)
{
    const session_view_t *v = c->v;
    if (v->closing || !v->txn[0])
        return;
    SDL_Rect row = layout_bottom(c, area, c->ui->target);
    char paid[40], stop[80];
    if (v->asking_stop) {
        text_money(c, v->paid, paid);
        snprintf(stop, sizeof stop, _("Stop and credit %s"), paid);
        widget_button(c, layout_col(c, row, 2, 0), "keep", _("Keep inserting"), BTN_SECONDARY);
        widget_button(c, layout_col(c, row, 2, 1), "stop", stop, BTN_PRIMARY);
        return;
    }
    widget_button(c, layout_col(c, row, 2, 0), "cancel", _("Cancel"), BTN_SECONDARY);
    if (v->paid > 0)
        widget_button(c, layout_col(c, row, 2, 1), "done", _("Done: send the credit"), BTN_PRIMARY);
}

/* Cash: what is to pay, what is in and what is still to pay; before the
 * first note, that the kiosk gives no change; after it, that the money in
 * goes to the meter; asked to stop, the question. */
static void cash(sctx_t *c, SDL_Rect area)
{
    const session_view_t *v = c->v;
    int64_t due = v->amount > v->paid ? v->amount - v->paid : 0;
    cash_buttons(c, &area);
    char amount[40], paid[40], left[40], say[320];
    text_money(c, v->amount, amount);
    text_money(c, v->paid, paid);
    text_money(c, due, left);
    SDL_Rect r = layout_top(c, &area, layout_line(c, FONT_BODY));
    widget_pair(c, layout_col(c, r, 2, 0), _("To pay"), amount, COL_TEXT);
    widget_pair(c, layout_col(c, r, 2, 1), _("Still to pay"), left, COL_TEXT);
    r = layout_top(c, &area, layout_line(c, FONT_BIG));
    widget_text(c, layout_col(c, r, 2, 0), _("Inserted"), FONT_BODY, COL_DIM, ALIGN_LEFT);
    widget_text(c, layout_col(c, r, 2, 1), paid, FONT_BIG, COL_ACCENT, ALIGN_LEFT);
    bool trouble = cash_words(c, due, say, sizeof say);
    widget_text(c, area, say, FONT_BODY, trouble ? COL_WARN : COL_TEXT, ALIGN_LEFT);
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
    if (!v->closing && v->txn[0]) {
        SDL_Rect row = layout_bottom(c, &area, c->ui->target);
        widget_button(c, layout_col(c, row, 2, 0), "cancel", _("Cancel"), BTN_SECONDARY);
    }
    char due[40];
    text_money(c, v->amount, due);
    SDL_Rect r = layout_top(c, &area, layout_line(c, FONT_BODY));
    widget_pair(c, r, _("To pay"), due, COL_ACCENT);
    r = layout_top(c, &area, 2 * layout_line(c, FONT_BODY));
    widget_text(c, r, _("Follow the instructions on the card terminal."), FONT_BODY, COL_TEXT, ALIGN_LEFT);
    widget_text(c, area, prompt_words(v->prompt), FONT_TITLE, COL_ACCENT, ALIGN_LEFT);
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
