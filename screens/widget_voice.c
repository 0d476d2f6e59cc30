/* The mute button of the top bar: a loudspeaker drawn with lines, with
 * sound waves while the voice speaks, crossed out while it is muted. */
#include "screens/screen_int.h"

static int isqrt(int n)
{
    int r = 0;
    while ((r + 1) * (r + 1) <= n)
        r++;
    return r;
}

/* The loudspeaker: a box and a cone widening to the right. */
static void speaker(const sctx_t *c, int x, int y, int s)
{
    SDL_Rect body = {x, y + s * 3 / 10, s / 5, s * 2 / 5};
    SDL_RenderFillRect(c->r, &body);
    int cone = s * 3 / 10;
    for (int i = 0; i < cone; i++) {
        int half = s / 5 + (s * 3 / 10 - s / 5) * i / cone + i * 2 / 3;
        half = half > s / 2 ? s / 2 : half;
        SDL_RenderDrawLine(c->r, x + s / 5 + i, y + s / 2 - half, x + s / 5 + i, y + s / 2 + half);
    }
}

/* An arc of radius rad right of (cx, cy), three pixels thick. */
static void wave(const sctx_t *c, int cx, int cy, int rad)
{
    for (int t = 0; t < 3; t++)
        for (int dy = -rad * 7 / 10; dy <= rad * 7 / 10; dy++)
            SDL_RenderDrawPoint(c->r, cx + isqrt((rad + t) * (rad + t) - dy * dy), cy + dy);
}

void widget_voice(sctx_t *c, SDL_Rect box)
{
    widget_button(c, box, "voice", "", BTN_SECONDARY);
    int s = box.w * 3 / 5, x = box.x + (box.w - s) / 2 - s / 6, y = box.y + (box.h - s) / 2;
    SDL_SetRenderDrawColor(c->r, COL_TEXT.r, COL_TEXT.g, COL_TEXT.b, COL_TEXT.a);
    speaker(c, x, y, s);
    int cx = x + s * 2 / 5, cy = y + s / 2;
    if (!c->v->muted) {
        wave(c, cx, cy, s * 3 / 10);
        wave(c, cx, cy, s / 2);
        return;
    }
    SDL_SetRenderDrawColor(c->r, COL_WARN.r, COL_WARN.g, COL_WARN.b, COL_WARN.a);
    int a = x + s * 7 / 10, b = x + s * 21 / 20, top = y + s * 3 / 10, bottom = y + s * 7 / 10;
    for (int t = -1; t <= 1; t++) {
        SDL_RenderDrawLine(c->r, a + t, top, b + t, bottom);
        SDL_RenderDrawLine(c->r, a + t, bottom, b + t, top);
    }
}
