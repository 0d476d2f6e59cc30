/* Attract: what the kiosk is for, and Start (or insert a meter card). */
#include "screens/screen_int.h"

void screen__attract(sctx_t *c)
{
    widget_top_bar(c, _("Prepaid electricity and water"));
    SDL_Rect a = layout_content(c);
    SDL_Rect start = layout_bottom(c, &a, c->ui->target * 3 / 2);
    start.x += start.w / 6;
    start.w -= start.w / 3;
    widget_button(c, start, "start", _("Start"), BTN_PRIMARY);
    SDL_Rect head = layout_top(c, &a, 2 * layout_line(c, FONT_BIG));
    widget_text(c, head, _("Top up your meter"), FONT_BIG, COL_ACCENT, ALIGN_CENTER);
    widget_text(c, a, _("Tap Start and type your meter number, or insert your meter card."), FONT_BODY, COL_TEXT,
                ALIGN_CENTER);
}
