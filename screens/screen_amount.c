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
static void amount_note(sctx_t *c, SDL_Rect box, font_size_t f)
{
    char energy[40], line[160];
    if (zero_chosen(c->v)) {
        widget_text_fit(c, box, _("Opens your account: nothing to pay"), f, COL_TEXT, ALIGN_CENTER);
        return;
    }
    if (!c->v->has_estimate)
        return;
    text_energy(c, c->v->estimate_milli, energy);
    if (c->v->account.kind == METER_WATER)
        snprintf(line, sizeof line, _("About %s of water"), energy);
    else
        snprintf(line, sizeof line, _("About %s of electricity"), energy);
    widget_text_fit(c, box, line, f, COL_TEXT, ALIGN_CENTER);
}

/* The question in what is left over once everything else has its room:
 * on a low screen smaller, or left out (the step indicator says where
 * the resident is). */
static void question(sctx_t *c, SDL_Rect *main, int left)
{
    const char *q = _("How much would you like to top up?");
    SDL_Rect box = {main->x, main->y, main->w, left - c->ui->pad / 2};
    if (box.h > 2 * layout_line(c, FONT_TITLE))
        box.h = 2 * layout_line(c, FONT_TITLE);
    font_size_t f = widget_font_fit(c, box, q, FONT_TITLE);
    if (box.h > 0 && widget_text_fits(c, box, q, f))
        widget_flow(c, main, q, f, COL_TEXT, ALIGN_CENTER);
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
    const char *msg = text_message(c->v);
    bool zero = zero_offered(c->v);
    int pad = c->ui->pad, row = c->ui->target + pad / 2, small = layout_line(c, FONT_SMALL) + pad / 2;
    int fixed = row * (zero ? 2 : 1) + small + (msg[0] ? 2 * layout_line(c, FONT_BODY) + pad : 0);
    /* the amount large, and what it buys, as far as the screen allows */
    font_size_t amt = FONT_BIG, sub = FONT_BODY;
    int card = layout_line(c, amt) + layout_line(c, sub) + 2 * pad + pad / 2;
    if (main.h < fixed + card) {
        amt = FONT_TITLE, sub = FONT_SMALL;
        card = layout_line(c, amt) + layout_line(c, sub) + 2 * pad + pad / 2;
    }
    question(c, &main, main.h - fixed - card);
    widget_presets(c, layout_top(c, &main, c->ui->target));
    if (zero)
        widget_zero_choice(c, layout_top(c, &main, c->ui->target));
    char money[40], line[160], lo[40], hi[40];
    text_money(c, c->v->amount, money);
    SDL_Rect in = widget_card(c, layout_top(c, &main, card - pad / 2));
    widget_text(c, (SDL_Rect){in.x, in.y, in.w, layout_line(c, amt)}, money, amt, COL_ACCENT, ALIGN_CENTER);
    amount_note(c, (SDL_Rect){in.x, in.y + layout_line(c, amt), in.w, layout_line(c, sub)}, sub);
    text_money(c, c->info->min_purchase, lo);
    text_money(c, c->info->max_purchase, hi);
    snprintf(line, sizeof line, _("From %s to %s"), lo, hi);
    if (main.h >= layout_line(c, FONT_SMALL)) /* a low screen with the 0 row: the keypad says the limit as typed */
        widget_text(c, layout_top(c, &main, layout_line(c, FONT_SMALL)), line, FONT_SMALL, COL_DIM, ALIGN_CENTER);
    if (msg[0])
        widget_banner(c, &main, ICON_WARN, msg, COL_WARN);
}
