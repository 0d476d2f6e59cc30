/* Identify: the meter number on the keypad, or the meter card. */
#include "screens/screen_int.h"

void screen__identify(sctx_t *c)
{
    widget_top_bar(c, _("Your meter"));
    SDL_Rect main, side;
    layout_split(c, layout_content(c), &main, &side);
    widget_keypad(c, side);
    widget_nav(c, &main, _("Back"), _("Continue"), strlen(c->v->entry) == SESSION_METER_DIGITS);
    SDL_Rect head = layout_top(c, &main, 2 * layout_line(c, FONT_BODY));
    widget_text(c, head, _("Type the 12-digit number on your meter"), FONT_BODY, COL_TEXT, ALIGN_LEFT);
    SDL_Rect entry = layout_top(c, &main, layout_line(c, FONT_BIG) + c->ui->pad);
    widget_fill(c, entry, COL_PANEL);
    char grouped[40];
    text_grouped(c->v->entry, grouped);
    SDL_Rect digits = {entry.x + c->ui->pad / 2, entry.y + c->ui->pad / 2, entry.w - c->ui->pad, entry.h - c->ui->pad};
    widget_text(c, digits, grouped[0] ? grouped : "____ ____ ____", FONT_BIG, grouped[0] ? COL_TEXT : COL_DIM,
                ALIGN_LEFT);
    const char *msg = text_message(c->v);
    if (c->v->busy)
        widget_text(c, main, _("One moment, looking for your account..."), FONT_BODY, COL_TEXT, ALIGN_LEFT);
    else if (msg[0])
        widget_text(c, main, msg, FONT_BODY, COL_WARN, ALIGN_LEFT);
    else
        widget_text(c, main, _("Or insert your meter card."), FONT_BODY, COL_DIM, ALIGN_LEFT);
}
