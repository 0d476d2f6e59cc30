/* Layout: the content area, keypad beside (landscape) or below (portrait),
 * strips and columns. Sizes come from the screen's dpi (screen.c). */
#include "screens/screen_int.h"

int layout_line(const sctx_t *c, font_size_t f)
{
    return TTF_FontLineSkip(c->ui->fonts[f]);
}

SDL_Rect layout_content(const sctx_t *c)
{
    int top = c->ui->target + c->ui->pad;
    return (SDL_Rect){c->ui->pad, top, c->ui->w - 2 * c->ui->pad, c->ui->h - top - c->ui->pad};
}

/* A keypad: three keys across and four down (screen.c sizes them). */
static SDL_Point keypad_size(const sctx_t *c)
{
    return (SDL_Point){3 * c->ui->key_w + 2 * c->ui->key_gap, 4 * c->ui->key_h + 3 * c->ui->key_gap};
}

void layout_split(const sctx_t *c, SDL_Rect area, SDL_Rect *main, SDL_Rect *side)
{
    SDL_Point k = keypad_size(c);
    *main = *side = area;
    if (c->ui->portrait) {
        side->h = k.y;
        side->y = area.y + area.h - k.y;
        side->w = k.x * 3 / 2 < area.w ? k.x * 3 / 2 : area.w;
        side->x = area.x + (area.w - side->w) / 2;
        main->h = area.h - k.y - 2 * c->ui->pad;
    } else {
        side->w = k.x;
        side->x = area.x + area.w - k.x;
        main->w = area.w - k.x - 2 * c->ui->pad;
    }
}

/* A strip taller than what is left would draw over what is below it. */
static void room(const sctx_t *c, const SDL_Rect *area, int h)
{
    if (h > area->h)
        text_problem(c, "a strip of %d px takes more than the %d px left: it overlaps what is below", h, area->h);
}

SDL_Rect layout_top(const sctx_t *c, SDL_Rect *area, int h)
{
    room(c, area, h);
    SDL_Rect r = {area->x, area->y, area->w, h};
    area->y += h + c->ui->pad / 2;
    area->h -= h + c->ui->pad / 2;
    return r;
}

SDL_Rect layout_bottom(const sctx_t *c, SDL_Rect *area, int h)
{
    room(c, area, h);
    SDL_Rect r = {area->x, area->y + area->h - h, area->w, h};
    area->h -= h + c->ui->pad;
    return r;
}

SDL_Rect layout_col(const sctx_t *c, SDL_Rect area, int n, int i)
{
    int gap = c->ui->pad;
    int w = (area.w - (n - 1) * gap) / n;
    return (SDL_Rect){area.x + i * (w + gap), area.y, w, area.h};
}

void layout_keypad_screen(sctx_t *c, const widget_action_t *back, const widget_action_t *go, SDL_Rect *main,
                          SDL_Rect *side)
{
    SDL_Rect area = layout_content(c);
    bool across = c->ui->portrait || area.h - c->ui->bar - c->ui->pad >= keypad_size(c).y;
    if (across)
        widget_action_bar(c, &area, back, go);
    layout_split(c, area, main, side);
    if (!across)
        widget_action_bar(c, main, back, go);
}
