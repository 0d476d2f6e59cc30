/* Delivering: the credit on its way to the meter (or onto the card). */
#include <stdio.h>

#include "screens/screen_int.h"

void screen__delivering(sctx_t *c)
{
    widget_top_bar(c, _("Sending your credit"));
    SDL_Rect area = layout_content(c);
    char money[40], line[160];
    text_money(c, c->v->paid, money);
    snprintf(line, sizeof line, _("Paid: %s"), money);
    SDL_Rect r = layout_top(c, &area, layout_line(c, FONT_TITLE));
    widget_text(c, r, line, FONT_TITLE, COL_ACCENT, ALIGN_LEFT);
    r = layout_top(c, &area, 3 * layout_line(c, FONT_BODY));
    widget_text(c, r,
                c->v->account.on_card ? _("Writing the credit onto your card. Keep the card in the reader.")
                                      : _("Sending the credit to your meter. This takes a few seconds."),
                FONT_BODY, COL_TEXT, ALIGN_LEFT);
    widget_progress(c, layout_top(c, &area, c->ui->target / 2), -1);
}
