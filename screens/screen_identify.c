/* Identify: the meter number on the keypad, or the meter card. */
#include "screens/screen_int.h"

void screen__identify(sctx_t *c)
{
    widget_top_bar(c, _("Your meter"));
    SDL_Rect main, side;
    widget_action_t back = {"back", _("Back"), true},
                    go = {"ok", _("Continue"), strlen(c->v->entry) == SESSION_METER_DIGITS};
    layout_keypad_screen(c, &back, &go, &main, &side);
    widget_keypad(c, side);
    widget_question(c, &main, _("Type your meter number"));
    font_size_t f = widget_font_fit(c, (SDL_Rect){0, 0, main.w - 2 * c->ui->pad, layout_line(c, FONT_BIG)},
                                    "0000 0000 0000", FONT_BIG);
    SDL_Rect entry = layout_top(c, &main, layout_line(c, f) + 2 * c->ui->pad);
    SDL_Rect digits = widget_card(c, entry);
    char grouped[40];
    text_grouped(c->v->entry, grouped);
    widget_text(c, (SDL_Rect){digits.x, digits.y + (digits.h - layout_line(c, f)) / 2, digits.w, layout_line(c, f)},
                grouped[0] ? grouped : "____ ____ ____", f, grouped[0] ? COL_TEXT : COL_DIM, ALIGN_CENTER);
    if (main.h >= 4 * layout_line(c, FONT_BODY)) /* a low screen: the banner below matters more */
        widget_flow(c, &main, _("The 12 digits are on the front of your meter and on your meter card."), FONT_SMALL,
                    COL_DIM, ALIGN_CENTER);
    const char *msg = text_message(c->v);
    if (c->v->busy)
        widget_banner(c, &main, ICON_CLOCK, _("One moment, looking for your account..."), COL_TEXT);
    else if (msg[0])
        widget_banner(c, &main, ICON_WARN, msg, COL_WARN);
    else if (c->v->health & HEALTH_READER)
        widget_banner(c, &main, ICON_METER_CARD, _("Or insert your meter card."), COL_DIM);
}
