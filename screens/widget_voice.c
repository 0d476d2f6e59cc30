/* The mute button of the top bar: a loudspeaker with sound waves while
 * the voice speaks, crossed out while it is muted. */
#include "screens/screen_int.h"

void widget_voice(sctx_t *c, SDL_Rect box)
{
    widget_button(c, box, "voice", "", c->v->muted ? BTN_SECONDARY : BTN_CHOSEN);
    int in = box.w / 5;
    icon_draw(c, c->v->muted ? ICON_MUTED : ICON_SOUND, (SDL_Rect){box.x + in, box.y + in, box.w - 2 * in, box.h - 2 * in},
              c->v->muted ? COL_WARN : COL_TEXT, COL_PANEL);
}
