/* Delivering: the credit on its way to the meter (or onto the card). */
#include <stdio.h>

#include "screens/screen_int.h"

/* A bill payment: recorded in the ledger with its report to the office. */
static void bill(sctx_t *c)
{
    widget_top_bar(c, _("Recording your payment"));
    SDL_Rect area = layout_content(c);
    char money[40], line[200];
    text_money(c, c->v->paid, money);
    snprintf(line, sizeof line, _("Recording %s for account %s"), money, c->v->bill.account);
    widget_question(c, &area, line);
    SDL_Rect bar = layout_top(c, &area, c->ui->target / 2);
    bar.x += bar.w / 6;
    bar.w -= bar.w / 3;
    widget_progress(c, bar, -1);
    widget_text(c, area, _("This takes a moment. Your payment is safe."), FONT_BODY, COL_TEXT, ALIGN_CENTER);
}

void screen__delivering(sctx_t *c)
{
    if (c->v->paying_bill) {
        bill(c);
        return;
    }
    widget_top_bar(c, _("Sending your credit"));
    SDL_Rect area = layout_content(c);
    char money[40], meter[40], line[200];
    text_money(c, c->v->paid, money);
    text_grouped(c->v->account.meter, meter);
    bool water = c->v->account.kind == METER_WATER;
    if (c->v->account.on_card)
        snprintf(line, sizeof line, water ? _("Writing %s onto your water card") : _("Writing %s onto your card"), money);
    else if (water)
        snprintf(line, sizeof line, _("Sending %s to water meter %s"), money, meter);
    else
        snprintf(line, sizeof line, _("Sending %s to meter %s"), money, meter);
    widget_question(c, &area, line);
    SDL_Rect pic = layout_top(c, &area, area.h / 2);
    icon_draw(c, c->v->account.on_card ? ICON_METER_CARD : c->v->account.kind == METER_WATER ? ICON_WATER : ICON_METER,
              pic, COL_ACCENT, COL_BG);
    SDL_Rect bar = layout_top(c, &area, c->ui->target / 2);
    bar.x += bar.w / 6;
    bar.w -= bar.w / 3;
    widget_progress(c, bar, -1);
    widget_text(c, area,
                c->v->account.on_card ? _("Keep the card in the reader. This takes a few seconds.")
                                      : _("This takes a few seconds. Your payment is safe."),
                FONT_BODY, COL_TEXT, ALIGN_CENTER);
}
