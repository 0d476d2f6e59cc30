/* Amount: presets or the keypad, what it buys, the limits. */
#include <stdio.h>

#include "screens/screen_int.h"

void screen__amount(sctx_t *c)
{
    widget_top_bar(c, _("Amount"));
    SDL_Rect main, side;
    layout_split(c, layout_content(c), &main, &side);
    widget_keypad(c, side);
    widget_nav(c, &main, _("Back"), _("Continue"),
               c->v->amount >= c->info->min_purchase && c->v->amount <= c->info->max_purchase);
    widget_presets(c, layout_bottom(c, &main, c->ui->target));
    char money[40], energy[40], line[160], lo[40], hi[40];
    text_money(c, c->v->amount, money);
    SDL_Rect big = layout_top(c, &main, layout_line(c, FONT_BIG));
    widget_text(c, big, money, FONT_BIG, COL_ACCENT, ALIGN_LEFT);
    if (c->v->has_estimate) {
        text_energy(c, c->v->estimate_milli, energy);
        if (c->v->account.kind == METER_WATER)
            snprintf(line, sizeof line, _("About %s of water"), energy);
        else
            snprintf(line, sizeof line, _("About %s of electricity"), energy);
        SDL_Rect r = layout_top(c, &main, layout_line(c, FONT_BODY));
        widget_text(c, r, line, FONT_BODY, COL_TEXT, ALIGN_LEFT);
    }
    text_money(c, c->info->min_purchase, lo);
    text_money(c, c->info->max_purchase, hi);
    snprintf(line, sizeof line, _("From %s to %s"), lo, hi);
    SDL_Rect r = layout_top(c, &main, layout_line(c, FONT_SMALL));
    widget_text(c, r, line, FONT_SMALL, COL_DIM, ALIGN_LEFT);
    widget_text(c, main, text_message(c->v), FONT_BODY, COL_WARN, ALIGN_LEFT);
}
