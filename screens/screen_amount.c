/* Amount: presets or the keypad, what it buys, the limits; for a new
 * account's card, 0 to open the account. */
#include <stdio.h>

#include "screens/screen_int.h"

static bool zero_offered(const session_view_t *v)
{
    return v->account.on_card && v->account.zero_first_ok;
}

static bool zero_chosen(const session_view_t *v)
{
    return zero_offered(v) && v->zero_first && v->amount == 0;
}

/* The line under the amount: what it buys, or that 0 opens the account. */
static void amount_note(sctx_t *c, SDL_Rect box)
{
    char energy[40], line[160];
    if (zero_chosen(c->v)) {
        widget_text_fit(c, box, _("Opens your account: nothing to pay"), FONT_BODY, COL_TEXT, ALIGN_CENTER);
        return;
    }
    if (!c->v->has_estimate)
        return;
    text_energy(c, c->v->estimate_milli, energy);
    if (c->v->account.kind == METER_WATER)
        snprintf(line, sizeof line, _("About %s of water"), energy);
    else
        snprintf(line, sizeof line, _("About %s of electricity"), energy);
    widget_text(c, box, line, FONT_BODY, COL_TEXT, ALIGN_CENTER);
}

void screen__amount(sctx_t *c)
{
    widget_top_bar(c, _("Amount"));
    SDL_Rect main, side;
    widget_action_t back = {"back", _("Back"), true},
                    go = {"ok", _("Continue"),
                          zero_chosen(c->v) ||
                              (c->v->amount >= c->info->min_purchase && c->v->amount <= c->info->max_purchase)};
    layout_keypad_screen(c, &back, &go, &main, &side);
    widget_keypad(c, side);
    int big = layout_line(c, FONT_BIG), body = layout_line(c, FONT_BODY), small = layout_line(c, FONT_SMALL);
    int row = c->ui->target + c->ui->pad / 2, card = big + body + 2 * c->ui->pad;
    bool zero = zero_offered(c->v);
    /* the choice of 0 takes a row: on a low screen the question (the step
     * indicator says where the resident is) and then the note give way */
    if (!zero || main.h >= 2 * layout_line(c, FONT_TITLE) + 2 * row + card + small)
        widget_question(c, &main, _("How much would you like to top up?"));
    widget_presets(c, layout_top(c, &main, c->ui->target));
    if (zero)
        widget_zero_choice(c, layout_top(c, &main, c->ui->target));
    bool note = !zero || main.h >= card + small;
    char money[40], line[160], lo[40], hi[40];
    text_money(c, c->v->amount, money);
    SDL_Rect in = widget_card(c, layout_top(c, &main, note ? card : big + 2 * c->ui->pad));
    widget_text(c, (SDL_Rect){in.x, in.y, in.w, big}, money, FONT_BIG, COL_ACCENT, ALIGN_CENTER);
    if (note)
        amount_note(c, (SDL_Rect){in.x, in.y + big, in.w, body});
    text_money(c, c->info->min_purchase, lo);
    text_money(c, c->info->max_purchase, hi);
    snprintf(line, sizeof line, _("From %s to %s"), lo, hi);
    if (!zero || main.h >= small)
        widget_text(c, layout_top(c, &main, small), line, FONT_SMALL, COL_DIM, ALIGN_CENTER);
    const char *msg = text_message(c->v);
    if (msg[0])
        widget_banner(c, &main, ICON_WARN, msg, COL_WARN);
}
