/* Identify: the meter number on the keypad, or the meter card. */
#include "screens/screen_int.h"

void screen__identify(sctx_t *c)
{
    widget_top_bar(c, _("Your meter"));
    widget_action_t back = {"back", _("Back"), true},
                    go = {"ok", _("Continue"), strlen(c->v->entry) == SESSION_METER_DIGITS};
    char grouped[40];
    text_grouped(c->v->entry, grouped);
    SDL_Rect main = widget_keypad_entry(c, &back, &go, _("Type your meter number"), grouped, "____ ____ ____");
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
