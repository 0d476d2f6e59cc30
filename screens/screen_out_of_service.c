/* Out of service: no way to pay is healthy; where to get help. */
#include <stdio.h>

#include "screens/screen_int.h"

void screen__out_of_service(sctx_t *c)
{
    widget_top_bar(c, _("Out of service"));
    SDL_Rect area = layout_content(c);
    SDL_Rect pic = layout_top(c, &area, area.h / 3);
    icon_draw(c, ICON_WARN, pic, COL_WARN, COL_BG);
    widget_question(c, &area, _("This kiosk cannot take payments now."));
    SDL_Rect r = layout_top(c, &area, 2 * layout_line(c, FONT_BODY));
    widget_text(c, r, _("Please use another kiosk or come back later."), FONT_BODY, COL_TEXT, ALIGN_CENTER);
    if (c->info->site_contact && c->info->site_contact[0]) {
        char line[200];
        snprintf(line, sizeof line, _("The site's staff: %s"), c->info->site_contact);
        widget_text(c, area, line, FONT_BODY, COL_TEXT, ALIGN_CENTER);
    }
}
