/* Method: only the ways to pay whose devices are healthy. */
#include <stdio.h>

#include "screens/screen_int.h"

void screen__method(sctx_t *c)
{
    widget_top_bar(c, _("Payment"));
    SDL_Rect area = layout_content(c);
    SDL_Rect nav = layout_bottom(c, &area, c->ui->target);
    widget_button(c, layout_col(c, nav, 2, 0), "back", _("Back"), BTN_SECONDARY);
    widget_text(c, layout_col(c, nav, 2, 1),
                c->v->health & HEALTH_PRINTER ? _("A paper receipt is printed.")
                                              : _("No paper receipt now: the receipt is shown on the screen."),
                FONT_SMALL, COL_DIM, ALIGN_LEFT);
    char money[40], line[160];
    text_money(c, c->v->amount, money);
    snprintf(line, sizeof line, _("How would you like to pay %s?"), money);
    SDL_Rect head = layout_top(c, &area, 2 * layout_line(c, FONT_TITLE));
    widget_text(c, head, line, FONT_TITLE, COL_TEXT, ALIGN_LEFT);
    bool cash = c->v->health & HEALTH_CASH, card = c->v->health & HEALTH_TERMINAL, qr = c->v->health & HEALTH_QR;
    int n = cash + card + qr;
    const char *msg = text_message(c->v), *why = text_reason(c->v->reason);
    SDL_Rect row = layout_top(c, &area, msg[0] ? c->ui->target : c->ui->target * 2); /* room to say why */
    if (cash)
        widget_button(c, layout_col(c, row, n, 0), "cash", _("Bank notes"), BTN_PRIMARY);
    if (card)
        widget_button(c, layout_col(c, row, n, cash), "card", _("Bank card"), BTN_PRIMARY);
    if (qr)
        widget_button(c, layout_col(c, row, n, n - 1), "qr", _("QR code"), BTN_PRIMARY);
    if (!n)
        widget_text(c, row, _("No way to pay is available now."), FONT_BODY, COL_WARN, ALIGN_LEFT);

    char both[400];
    if (c->v->message == MSG_SALE_FAILED && why[0]) {
        msg = why; /* nothing was taken; the reason says what to do */
    } else if (msg[0] && why[0]) {
        /* what happened, then why: joined as the language joins sentences */
        snprintf(both, sizeof both, _("%s %s"), msg, why);
        msg = both;
    }
    widget_text(c, area, msg, FONT_BODY, COL_WARN, ALIGN_LEFT);
}
