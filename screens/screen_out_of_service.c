/* Out of service: no way to pay is healthy. */
#include "screens/screen_int.h"

void screen__out_of_service(sctx_t *c)
{
    widget_top_bar(c, _("Out of service"));
    SDL_Rect area = layout_content(c);
    SDL_Rect head = layout_top(c, &area, 2 * layout_line(c, FONT_BIG));
    widget_text(c, head, _("This kiosk cannot take payments now."), FONT_TITLE, COL_WARN, ALIGN_CENTER);
    widget_text(c, area, _("Please use another kiosk or come back later."), FONT_BODY, COL_TEXT, ALIGN_CENTER);
}
