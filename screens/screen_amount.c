/* Amount: presets or the keypad, what it buys, the limits. */
#include <stdio.h>

#include "screens/screen_int.h"

void screen__amount(sctx_t *c)
{
    widget_top_bar(c, _("Amount"));
    SDL_Rect main, side;
    widget_action_t back = {"back", _("Back"), true},
                    go = {"ok", _("Continue"),
                          c->v->amount >= c->info->min_purchase && c->v->amount <= c->info->max_purchase};
    layout_keypad_screen(c, &back, &go, &main, &side);
    widget_keypad(c, side);
    widget_question(c, &main, _("How much would you like to top up?"));
    widget_presets(c, layout_top(c, &main, c->ui->target));
    char money[40], energy[40], line[160], lo[40], hi[40];
    text_money(c, c->v->amount, money);
    int big = layout_line(c, FONT_BIG), body = layout_line(c, FONT_BODY);
    SDL_Rect in = widget_card(c, layout_top(c, &main, big + body + 2 * c->ui->pad));
    widget_text(c, (SDL_Rect){in.x, in.y, in.w, big}, money, FONT_BIG, COL_ACCENT, ALIGN_CENTER);
    if (c->v->has_estimate) {
        text_energy(c, c->v->estimate_milli, energy);
        if (c->v->account.kind == METER_WATER)
            snprintf(line, sizeof line, _("About %s of water"), energy);
        else
            snprintf(line, sizeof line, _("About %s of electricity"), energy);
        widget_text(c, (SDL_Rect){in.x, in.y + big, in.w, body}, line, FONT_BODY, COL_TEXT, ALIGN_CENTER);
    }
    text_money(c, c->info->min_purchase, lo);
    text_money(c, c->info->max_purchase, hi);
    snprintf(line, sizeof line, _("From %s to %s"), lo, hi);
    widget_text(c, layout_top(c, &main, layout_line(c, FONT_SMALL)), line, FONT_SMALL, COL_DIM, ALIGN_CENTER);
    const char *msg = text_message(c->v);
    if (msg[0])
        widget_banner(c, &main, ICON_WARN, msg, COL_WARN);
}
