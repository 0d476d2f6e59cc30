/* Method: only the ways to pay whose devices are healthy, as tiles. */
#include <stdio.h>

#include "screens/screen_int.h"

void screen__method(sctx_t *c)
{
    widget_top_bar(c, _("Payment"));
    SDL_Rect area = layout_content(c);
    widget_action_t back = {"back", _("Back"), true},
                    note = {NULL,
                            c->v->health & HEALTH_PRINTER ? _("A paper receipt is printed.")
                                                          : _("No paper receipt now: the receipt is shown on the screen."),
                            false};
    widget_action_bar(c, &area, &back, &note);
    char money[40], line[160];
    text_money(c, c->v->amount, money);
    snprintf(line, sizeof line, _("How would you like to pay %s?"), money);
    widget_question(c, &area, line);
    const char *msg = text_message(c->v), *why = text_reason(c->v->reason);
    char both[400];
    if (c->v->message == MSG_SALE_FAILED && why[0]) {
        msg = why; /* nothing was taken; the reason says what to do */
    } else if (msg[0] && why[0]) {
        /* what happened, then why: joined as the language joins sentences */
        snprintf(both, sizeof both, _("%s %s"), msg, why);
        msg = both;
    }
    if (msg[0])
        widget_banner(c, &area, ICON_WARN, msg, COL_WARN);
    bool cash = c->v->health & HEALTH_CASH, card = c->v->health & HEALTH_TERMINAL, qr = (c->v->health & HEALTH_QR) && !c->v->paying_bill;
    int n = cash + card + qr;
    if (!n) {
        widget_banner(c, &area, ICON_WARN, _("No way to pay is available now."), COL_WARN);
        return;
    }
    SDL_Rect row = area;
    int most = c->ui->target * 4; /* a tile no wider than this, centred */
    if (row.w > n * most) {
        row.x += (row.w - n * most) / 2;
        row.w = n * most;
    }
    if (row.h > c->ui->target * 3)
        row.h = c->ui->target * 3;
    int i = 0;
    if (cash)
        widget_tile(c, layout_col(c, row, n, i++), "cash", ICON_NOTE, _("Bank notes"), _("No change given"));
    if (card)
        widget_tile(c, layout_col(c, row, n, i++), "card", ICON_CARD, _("Bank card"), _("Chip or contactless"));
    if (qr)
        widget_tile(c, layout_col(c, row, n, i), "qr", ICON_PHONE, _("QR code"), _("WeChat Pay or Alipay"));
}
