/* Shapes for icons and cards: filled triangles through SDL_RenderGeometry
 * (thick lines, discs, rings, rounded boxes). Coordinates are pixels;
 * nothing here measures or records anything. */
#include <math.h>

#include "screens/screen_int.h"

#define ARC_STEPS 48 /* segments of a full circle */

static SDL_Vertex vertex(float x, float y, SDL_Color col)
{
    return (SDL_Vertex){.position = {x, y}, .color = col};
}

static void quad(const sctx_t *c, const float p[8], SDL_Color col)
{
    SDL_Vertex v[4] = {vertex(p[0], p[1], col), vertex(p[2], p[3], col), vertex(p[4], p[5], col),
                       vertex(p[6], p[7], col)};
    static const int idx[6] = {0, 1, 2, 0, 2, 3};
    SDL_RenderGeometry(c->r, NULL, v, 4, idx, 6);
}

void draw_triangle(const sctx_t *c, SDL_FPoint a, SDL_FPoint b, SDL_FPoint d, SDL_Color col)
{
    SDL_Vertex v[3] = {vertex(a.x, a.y, col), vertex(b.x, b.y, col), vertex(d.x, d.y, col)};
    SDL_RenderGeometry(c->r, NULL, v, 3, NULL, 0);
}

/* A ring sector between radii r0 < r1 from angle a0 to a1 (radians, 0 up,
 * clockwise); r0 = 0 fills the sector. */
static void sector(const sctx_t *c, float cx, float cy, float r0, float r1, float a0, float a1, SDL_Color col)
{
    int steps = (int)(ARC_STEPS * fabsf(a1 - a0) / (2 * (float)M_PI)) + 1;
    for (int i = 0; i < steps; i++) {
        float s = a0 + (a1 - a0) * (float)i / (float)steps, e = a0 + (a1 - a0) * (float)(i + 1) / (float)steps;
        SDL_FPoint so = {cx + r1 * sinf(s), cy - r1 * cosf(s)}, eo = {cx + r1 * sinf(e), cy - r1 * cosf(e)};
        if (r0 <= 0) { /* one triangle: a quad with two corners at the centre confuses SDL's software renderer */
            draw_triangle(c, (SDL_FPoint){cx, cy}, so, eo, col);
            continue;
        }
        float p[8] = {cx + r0 * sinf(s), cy - r0 * cosf(s), so.x, so.y, eo.x, eo.y, cx + r0 * sinf(e), cy - r0 * cosf(e)};
        quad(c, p, col);
    }
}

void draw_disc(const sctx_t *c, float cx, float cy, float r, SDL_Color col)
{
    sector(c, cx, cy, 0, r, 0, 2 * (float)M_PI, col);
}

void draw_arc(const sctx_t *c, float cx, float cy, float r, float width, float a0, float a1, SDL_Color col)
{
    sector(c, cx, cy, r - width / 2, r + width / 2, a0, a1, col);
}

void draw_line(const sctx_t *c, SDL_FPoint a, SDL_FPoint b, float width, SDL_Color col)
{
    float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0)
        return;
    float nx = -dy / len * width / 2, ny = dx / len * width / 2;
    float p[8] = {a.x + nx, a.y + ny, b.x + nx, b.y + ny, b.x - nx, b.y - ny, a.x - nx, a.y - ny};
    quad(c, p, col);
    draw_disc(c, a.x, a.y, width / 2, col); /* round ends and joints */
    draw_disc(c, b.x, b.y, width / 2, col);
}

void draw_round_box(const sctx_t *c, SDL_Rect r, int radius, SDL_Color col)
{
    if (radius * 2 > r.h)
        radius = r.h / 2;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    widget_fill(c, (SDL_Rect){r.x + radius, r.y, r.w - 2 * radius, r.h}, col);
    widget_fill(c, (SDL_Rect){r.x, r.y + radius, radius, r.h - 2 * radius}, col);
    widget_fill(c, (SDL_Rect){r.x + r.w - radius, r.y + radius, radius, r.h - 2 * radius}, col);
    float q = (float)M_PI / 2, rad = (float)radius;
    sector(c, (float)(r.x + radius), (float)(r.y + radius), 0, rad, 3 * q, 4 * q, col);
    sector(c, (float)(r.x + r.w - radius), (float)(r.y + radius), 0, rad, 0, q, col);
    sector(c, (float)(r.x + r.w - radius), (float)(r.y + r.h - radius), 0, rad, q, 2 * q, col);
    sector(c, (float)(r.x + radius), (float)(r.y + r.h - radius), 0, rad, 2 * q, 3 * q, col);
}

void draw_round_frame(const sctx_t *c, SDL_Rect r, int radius, int width, SDL_Color line, SDL_Color inside)
{
    draw_round_box(c, r, radius, line);
    SDL_Rect in = {r.x + width, r.y + width, r.w - 2 * width, r.h - 2 * width};
    draw_round_box(c, in, radius > width ? radius - width : 0, inside);
}
