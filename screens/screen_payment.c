/* Payment: notes with a running total and Done, the card terminal's
 * prompts, or a QR code (screen_payment_qr.c); cancel only while no money
 * is in. */
#include <stdio.h>

#include "screens/screen_int.h"

static void cash(sctx_t *c, SDL_Rect area)
{
    const session_view_t *v = c->v;
    if (!v->closing && v->txn[0]) {
        SDL_Rect row = layout_bottom(c, &area, c->ui->target);
        if (v->paid > 0)
            widget_button(c, row, "done", _("Done: send the credit"), BTN_PRIMARY);
        else
            widget_button(c, layout_col(c, row, 2, 0), "cancel", _("Cancel"), BTN_SECONDARY);
    }
    char due[40], paid[40];
    text_money(c, v->amount, due);
    text_money(c, v->paid, paid);
    SDL_Rect r = layout_top(c, &area, layout_line(c, FONT_BODY));
    widget_pair(c, r, _("To pay"), due, COL_TEXT);
    r = layout_top(c, &area, layout_line(c, FONT_BIG));
    widget_text(c, r, paid, FONT_BIG, COL_ACCENT, ALIGN_LEFT);
    const char *say = v->closing || !v->txn[0] ? _("One moment, please...")
                      : v->paid > 0 ? _("Inserted. Add more notes, or tap Done.")
                                    : _("Insert your notes one at a time.");
    r = layout_top(c, &area, 2 * layout_line(c, FONT_BODY));
    widget_text(c, r, say, FONT_BODY, COL_TEXT, ALIGN_LEFT);
    widget_text(c, area, v->device_text, FONT_SMALL, COL_DIM, ALIGN_LEFT);
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
    const char *prompt = v->device_text[0] ? v->device_text : _("One moment, please...");
    widget_text(c, area, prompt, FONT_TITLE, COL_ACCENT, ALIGN_LEFT);
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
