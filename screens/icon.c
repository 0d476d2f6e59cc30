/* Line icons and the two pictures (a note into the slot, a card into the
 * reader), drawn from shapes (draw.c) on a 100 x 100 grid scaled into the
 * box given: one stroke width, round ends, one colour plus the
 * background's. No picture files, no logos. */
#include "screens/screen_int.h"

typedef struct pen {
    const sctx_t *c;
    float x, y, s; /* the grid's origin and pixels per grid unit */
    SDL_Color col, bg;
} pen_t;

static SDL_FPoint at(const pen_t *p, float x, float y)
{
    return (SDL_FPoint){p->x + x * p->s, p->y + y * p->s};
}

static void line(const pen_t *p, float x0, float y0, float x1, float y1)
{
    draw_line(p->c, at(p, x0, y0), at(p, x1, y1), 6 * p->s, p->col);
}

static SDL_Rect rect(const pen_t *p, float x, float y, float w, float h)
{
    SDL_FPoint a = at(p, x, y);
    return (SDL_Rect){(int)a.x, (int)a.y, (int)(w * p->s), (int)(h * p->s)};
}

/* A rounded outline of the stroke's width, filled with `inside`. */
static void frame(const pen_t *p, float x, float y, float w, float h, float radius, SDL_Color inside)
{
    draw_round_frame(p->c, rect(p, x, y, w, h), (int)(radius * p->s), (int)(6 * p->s), p->col, inside);
}

static void ring(const pen_t *p, float x, float y, float r)
{
    SDL_FPoint m = at(p, x, y);
    draw_arc(p->c, m.x, m.y, r * p->s, 6 * p->s, 0, 2 * (float)M_PI, p->col);
}

static void dot(const pen_t *p, float x, float y, float r)
{
    SDL_FPoint m = at(p, x, y);
    draw_disc(p->c, m.x, m.y, r * p->s, p->col);
}

/* A bank note w wide with its left edge at x and its top at y. */
static void note(const pen_t *p, float x, float y, float w)
{
    frame(p, x, y, w, 46, 6, p->bg);
    ring(p, x + w / 2, y + 23, 11);
    dot(p, x + 12, y + 12, 3);
    dot(p, x + w - 12, y + 34, 3);
}

static void bank_card(const pen_t *p, float x, float y)
{
    frame(p, x, y, 76, 50, 7, p->bg);
    line(p, x + 3, y + 15, x + 73, y + 15);
    frame(p, x + 10, y + 26, 16, 12, 2, p->bg);
}

static void phone(const pen_t *p)
{
    frame(p, 28, 6, 44, 88, 8, p->bg);
    for (int i = 0; i < 3; i++) /* the code's three corner squares */
        frame(p, i == 1 ? 56 : 38, i == 2 ? 52 : 30, 8, 8, 1, p->col);
    line(p, 58, 54, 62, 58);
    line(p, 44, 80, 56, 80);
}

static void meter(const pen_t *p)
{
    frame(p, 16, 8, 68, 84, 8, p->bg);
    frame(p, 26, 20, 48, 20, 3, p->bg);
    ring(p, 50, 66, 13);
    line(p, 50, 66, 57, 59);
}

static void tick(const pen_t *p, bool ringed)
{
    if (ringed)
        ring(p, 50, 50, 42);
    line(p, 30, 52, 44, 66);
    line(p, 44, 66, 71, 36);
}

static void clock(const pen_t *p)
{
    ring(p, 50, 50, 42);
    line(p, 50, 50, 50, 24);
    line(p, 50, 50, 68, 60);
}

static void warn(const pen_t *p)
{
    line(p, 50, 10, 92, 86);
    line(p, 92, 86, 8, 86);
    line(p, 8, 86, 50, 10);
    line(p, 50, 38, 50, 60);
    dot(p, 50, 73, 4.5f);
}

static void speaker(const pen_t *p, bool on)
{
    draw_triangle(p->c, at(p, 14, 38), at(p, 46, 14), at(p, 46, 86), p->col);
    draw_triangle(p->c, at(p, 14, 38), at(p, 46, 86), at(p, 14, 62), p->col);
    if (on) {
        SDL_FPoint m = at(p, 50, 50);
        draw_arc(p->c, m.x, m.y, 16 * p->s, 6 * p->s, 0.7f, 2.45f, p->col);
        draw_arc(p->c, m.x, m.y, 32 * p->s, 6 * p->s, 0.7f, 2.45f, p->col);
    } else {
        line(p, 62, 36, 86, 64);
        line(p, 86, 36, 62, 64);
    }
}

static void keypad(const pen_t *p)
{
    for (int i = 0; i < 12; i++)
        frame(p, 18 + (float)(i % 3) * 23, 6 + (float)(i / 3) * 23, 18, 18, 3, i == 10 ? p->col : p->bg);
}

static void ic_card(const pen_t *p)
{
    frame(p, 20, 8, 60, 84, 8, p->bg);
    frame(p, 34, 26, 32, 24, 4, p->bg);
    line(p, 34, 38, 66, 38);
    line(p, 50, 26, 50, 50);
}

static void drop(const pen_t *p)
{
    line(p, 50, 10, 24, 56);
    line(p, 50, 10, 76, 56);
    SDL_FPoint m = at(p, 50, 62);
    draw_arc(p->c, m.x, m.y, 27 * p->s, 6 * p->s, 2.05f, 4.23f, p->col);
}

static void offline(const pen_t *p)
{
    ring(p, 50, 50, 42);
    line(p, 30, 46, 50, 30);
    line(p, 50, 30, 70, 46);
    line(p, 20, 80, 80, 20);
}

/* A slot, and something sliding into it from above: moved by the time
 * shown so it goes in again every two seconds. */
static float slide(const sctx_t *c)
{
    int64_t t = c->anim_ms % 2000;
    return c->anim_ms ? (float)(t < 1500 ? t : 1500) / 1500.0f * 14 : 7;
}

/* The slot: an outlined bar with its dark opening. */
static void slot(const pen_t *p)
{
    frame(p, 4, 72, 92, 20, 5, p->bg);
    line(p, 16, 82, 84, 82);
}

static void note_in(const pen_t *p)
{
    note(p, 8, 8 + slide(p->c), 66);
    slot(p);
    line(p, 88, 14, 88, 44);
    line(p, 88, 44, 81, 37);
    line(p, 88, 44, 95, 37);
}

static void card_in(const pen_t *p)
{
    bank_card(p, 12, 8 + slide(p->c));
    slot(p);
}

void icon_draw(const sctx_t *c, icon_t icon, SDL_Rect box, SDL_Color col, SDL_Color bg)
{
    int side = box.w < box.h ? box.w : box.h;
    pen_t p = {c, (float)box.x + (float)(box.w - side) / 2, (float)box.y + (float)(box.h - side) / 2,
               (float)side / 100, col, bg};
    switch (icon) {
    case ICON_NOTE: note(&p, 10, 22, 80); break;
    case ICON_CARD: bank_card(&p, 12, 25); break;
    case ICON_PHONE: phone(&p); break;
    case ICON_METER: meter(&p); break;
    case ICON_TICK: tick(&p, true); break;
    case ICON_TICK_BARE: tick(&p, false); break;
    case ICON_CLOCK: clock(&p); break;
    case ICON_WARN: warn(&p); break;
    case ICON_SOUND: speaker(&p, true); break;
    case ICON_MUTED: speaker(&p, false); break;
    case ICON_KEYPAD: keypad(&p); break;
    case ICON_METER_CARD: ic_card(&p); break;
    case ICON_WATER: drop(&p); break;
    case ICON_OFFLINE: offline(&p); break;
    case ICON_NOTE_IN: note_in(&p); break;
    case ICON_CARD_IN: card_in(&p); break;
    case ICON_COUNT: break;
    }
    if (icon == ICON_NOTE_IN || icon == ICON_CARD_IN)
        c->f->animating |= c->anim_ms != 0;
}
