/* The widgets: filled boxes, wrapped labels, buttons, the top bar, label
 * and value pairs, progress. Every text is measured against its box. */
#include <math.h>
#include <string.h>

#include "screens/screen_int.h"

/* One brand colour for the way forward (yellow), green only for success,
 * amber for what needs attention, red for a failure the resident must act
 * on; every text at least 7:1 against what is under it (the layout test
 * measures it: screen_ui_check_contrast). */
const SDL_Color COL_BG = {0x0B, 0x1A, 0x2E, 0xFF};
const SDL_Color COL_PANEL = {0x16, 0x2C, 0x48, 0xFF};
const SDL_Color COL_EDGE = {0x3A, 0x55, 0x80, 0xFF};
const SDL_Color COL_BAD = {0xFF, 0x9E, 0x96, 0xFF};
const SDL_Color COL_TEXT = {0xFF, 0xFF, 0xFF, 0xFF};
const SDL_Color COL_DIM = {0xC8, 0xD4, 0xE3, 0xFF};
const SDL_Color COL_ACCENT = {0xFF, 0xD4, 0x00, 0xFF};
const SDL_Color COL_ON_ACCENT = {0x00, 0x00, 0x00, 0xFF};
const SDL_Color COL_WARN = {0xFF, 0xA9, 0x4D, 0xFF};
const SDL_Color COL_GOOD = {0x7C, 0xF2, 0x9C, 0xFF};

void widget_fill(const sctx_t *c, SDL_Rect r, SDL_Color col)
{
    SDL_SetRenderDrawColor(c->r, col.r, col.g, col.b, col.a);
    SDL_RenderFillRect(c->r, &r);
}

int widget_text_width(const sctx_t *c, font_size_t f, const char *s)
{
    int w = 0, h = 0;
    TTF_SizeUTF8(c->ui->fonts[f], s, &w, &h);
    return w;
}

#define text_width widget_text_width

/* WCAG's relative luminance of an sRGB colour, and the contrast of two. */
static double luminance(SDL_Color col)
{
    const Uint8 ch[3] = {col.r, col.g, col.b};
    double lin[3];
    for (int i = 0; i < 3; i++) {
        double v = ch[i] / 255.0;
        lin[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

static double contrast(SDL_Color a, SDL_Color b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* Text s in col about to be drawn at (x, y): what is under it there
 * (the line's top-left corner, above the glyphs) must give 7:1. */
static void check_contrast(sctx_t *c, const char *s, SDL_Color col, int x, int y)
{
    Uint32 px = 0;
    SDL_Rect at = {x > 0 ? x - 1 : 0, y, 1, 1};
    if (SDL_RenderReadPixels(c->r, &at, SDL_PIXELFORMAT_RGBA8888, &px, 4) != 0)
        return;
    SDL_Color under = {(Uint8)(px >> 24), (Uint8)(px >> 16), (Uint8)(px >> 8), 0xFF};
    double ratio = contrast(col, under);
    if (ratio < 7.0)
        text_problem(c, "text '%s': contrast %.1f:1 against #%02X%02X%02X, below 7:1", s, ratio, under.r,
                     under.g, under.b);
}

/* Draws s; a greyed (waiting) label is not measured, as WCAG exempts controls that cannot be used. */
static void blit_text(sctx_t *c, const char *s, font_size_t f, SDL_Color col, int x, int y, bool measured)
{
    if (!s[0])
        return;
    if (measured && c->ui->check_contrast)
        check_contrast(c, s, col, x, y);
    SDL_Surface *surf = TTF_RenderUTF8_Blended(c->ui->fonts[f], s, col);
    if (!surf)
        return;
    SDL_Texture *t = SDL_CreateTextureFromSurface(c->r, surf);
    SDL_Rect dst = {x, y, surf->w, surf->h};
    if (t)
        SDL_RenderCopy(c->r, t, NULL, &dst);
    SDL_DestroyTexture(t);
    SDL_FreeSurface(surf);
}

/* Whether p starts a CJK mark that may not begin a line (。，、；：！？）」』). */
static bool closing_mark(const unsigned char *p)
{
    if (p[0] == 0xE3 && p[1] == 0x80)
        return p[2] == 0x81 || p[2] == 0x82 || p[2] == 0x8D || p[2] == 0x8F;
    if (p[0] == 0xEF && p[1] == 0xBC)
        return p[2] == 0x8C || p[2] == 0x9B || p[2] == 0x9A || p[2] == 0x81 || p[2] == 0x9F || p[2] == 0x89;
    return false;
}

/* The length of the next unit a line may break after: a word with its
 * spaces, or one CJK character (U+2E80 and up) with any spaces after it;
 * either with the closing marks that follow it, which never start a line. */
static size_t unit_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    if (p[0] >= 0xE2 && !(p[0] == 0xE2 && p[1] < 0xBA)) { /* a 3- or 4-byte character: CJK and beyond */
        n = p[0] >= 0xF0 ? 4 : 3;
    } else {
        while (p[n] && p[n] != ' ' && p[n] != '\n' && !(p[n] >= 0xE2 && !(p[n] == 0xE2 && p[n + 1] < 0xBA)))
            n++;
    }
    while (p[n] && closing_mark(p + n))
        n += 3;
    while (p[n] == ' ')
        n++;
    return n ? n : 1;
}

static void trim_right(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
}

typedef struct lines {
    char text[8][256];
    int n;
    int widest_unit; /* a unit wider than the box: cannot fit at all */
} lines_t;

static void wrap(const sctx_t *c, const char *text, font_size_t f, int width, lines_t *out)
{
    memset(out, 0, sizeof *out);
    char line[256] = "";
    for (const char *p = text; *p && out->n < 8;) {
        if (*p == '\n') {
            snprintf(out->text[out->n++], sizeof out->text[0], "%s", line);
            line[0] = '\0';
            p++;
            continue;
        }
        size_t n = unit_len(p);
        char cand[256];
        snprintf(cand, sizeof cand, "%s%.*s", line, (int)n, p);
        trim_right(cand);
        int w = text_width(c, f, cand);
        if (w <= width || !line[0]) {
            if (w > width && w > out->widest_unit)
                out->widest_unit = w;
            size_t len = strlen(line);
            if (len + n < sizeof line) {
                memcpy(line + len, p, n);
                line[len + n] = '\0';
            }
            p += n;
            continue;
        }
        trim_right(line);
        snprintf(out->text[out->n++], sizeof out->text[0], "%s", line);
        line[0] = '\0';
    }
    trim_right(line);
    if (line[0] && out->n < 8)
        snprintf(out->text[out->n++], sizeof out->text[0], "%s", line);
}

int widget_text(sctx_t *c, SDL_Rect box, const char *text, font_size_t f, SDL_Color col, align_t a)
{
    lines_t l;
    wrap(c, text, f, box.w, &l);
    int skip = layout_line(c, f);
    c->f->n_texts++;
    text_shown(c, text);
    if (l.widest_unit)
        text_problem(c, "text '%s' needs %d px, its box is %d px wide", text, l.widest_unit, box.w);
    if (l.n * skip > box.h)
        text_problem(c, "text '%s' needs %d lines (%d px), its box is %d px high", text, l.n, l.n * skip, box.h);
    for (int i = 0; i < l.n; i++) {
        if (i > 0 && closing_mark((const unsigned char *)l.text[i]))
            text_problem(c, "text '%s': line %d starts with a closing mark", text, i + 1);
        int w = text_width(c, f, l.text[i]);
        int x = a == ALIGN_LEFT ? box.x : a == ALIGN_CENTER ? box.x + (box.w - w) / 2 : box.x + box.w - w;
        blit_text(c, l.text[i], f, col, x, box.y + i * skip, true);
    }
    return l.n * skip;
}

bool widget_text_fits(sctx_t *c, SDL_Rect box, const char *text, font_size_t f)
{
    lines_t l;
    wrap(c, text, f, box.w, &l);
    return !l.widest_unit && l.n * layout_line(c, f) <= box.h;
}

font_size_t widget_font_fit(sctx_t *c, SDL_Rect box, const char *text, font_size_t f)
{
    for (; f > FONT_SMALL; f--) {
        lines_t l;
        wrap(c, text, f, box.w, &l);
        if (!l.widest_unit && l.n * layout_line(c, f) <= box.h)
            break;
    }
    return f;
}

int widget_text_fit(sctx_t *c, SDL_Rect box, const char *text, font_size_t f, SDL_Color col, align_t a)
{
    return widget_text(c, box, text, widget_font_fit(c, box, text, f), col, a);
}

void widget_flow(sctx_t *c, SDL_Rect *area, const char *text, font_size_t f, SDL_Color col, align_t a)
{
    lines_t l;
    wrap(c, text, f, area->w, &l);
    SDL_Rect r = *area;
    r.h = l.n * layout_line(c, f);
    if (r.h > area->h)
        r.h = area->h; /* widget_text says it does not fit */
    widget_text(c, r, text, f, col, a);
    area->y += r.h + c->ui->pad / 2;
    area->h -= r.h + c->ui->pad / 2;
}

static void add_hit(sctx_t *c, const char *id, SDL_Rect box)
{
    if (c->f->n_hits >= SCREEN_MAX_HITS) {
        text_problem(c, "more than %d controls", SCREEN_MAX_HITS);
        return;
    }
    screen_hit_t *h = &c->f->hits[c->f->n_hits++];
    snprintf(h->id, sizeof h->id, "%s", id);
    h->r = box;
}

void widget_hidden(sctx_t *c, SDL_Rect box, const char *id)
{
    add_hit(c, id, box);
}

static SDL_Color button_face(button_style_t s)
{
    return s == BTN_PRIMARY ? COL_ACCENT : s == BTN_WAITING ? COL_BG : COL_PANEL;
}

static SDL_Color button_edge(button_style_t s)
{
    return s == BTN_PRIMARY || s == BTN_CHOSEN ? COL_ACCENT : s == BTN_WAITING ? COL_EDGE : COL_DIM;
}

void widget_button(sctx_t *c, SDL_Rect box, const char *id, const char *label, button_style_t s)
{
    font_size_t f = s == BTN_KEY ? FONT_TITLE : FONT_BODY;
    if (box.w < c->ui->target || box.h < c->ui->target)
        text_problem(c, "control '%s' is %dx%d px, smaller than a finger (%d px)", id, box.w, box.h, c->ui->target);
    int edge = s == BTN_CHOSEN ? 4 : 2;
    draw_round_frame(c, box, c->ui->pad * 3 / 4, edge, button_edge(s), button_face(s));
    int w = text_width(c, f, label);
    for (; w > box.w - c->ui->pad && f > FONT_SMALL; w = text_width(c, f, label))
        f--; /* a long label in a smaller font rather than cut */
    c->f->n_texts++;
    text_shown(c, label);
    if (w > box.w - c->ui->pad)
        text_problem(c, "label '%s' of '%s' needs %d px, the button has %d px", label, id, w, box.w - c->ui->pad);
    int y = box.y + (box.h - layout_line(c, f)) / 2;
    blit_text(c, label, f, s == BTN_PRIMARY ? COL_ON_ACCENT : s == BTN_WAITING ? COL_DIM : COL_TEXT,
              box.x + (box.w - w) / 2, y, s != BTN_WAITING);
    add_hit(c, id, box);
}

void widget_tile(sctx_t *c, SDL_Rect box, const char *id, icon_t icon, const char *label, const char *note)
{
    widget_button(c, box, id, "", BTN_TILE);
    int line = layout_line(c, FONT_TITLE), small = note ? layout_line(c, FONT_SMALL) : 0;
    int pic = box.h - line - small - 2 * c->ui->pad;
    if (pic > box.w / 2)
        pic = box.w / 2;
    int y = box.y + (box.h - pic - line - small) / 2;
    icon_draw(c, icon, (SDL_Rect){box.x, y, box.w, pic}, COL_ACCENT, COL_PANEL);
    widget_text_fit(c, (SDL_Rect){box.x + c->ui->pad / 2, y + pic, box.w - c->ui->pad, line}, label, FONT_TITLE,
                    COL_TEXT, ALIGN_CENTER);
    if (note)
        widget_text(c, (SDL_Rect){box.x + c->ui->pad / 2, y + pic + line, box.w - c->ui->pad, small}, note,
                    FONT_SMALL, COL_DIM, ALIGN_CENTER);
}

int widget_pair(sctx_t *c, SDL_Rect box, const char *label, const char *value, SDL_Color value_col)
{
    SDL_Rect l = box, v = box;
    l.w = box.w * 2 / 5;
    v.x = box.x + l.w + c->ui->pad;
    v.w = box.w - l.w - c->ui->pad;
    int a = widget_text(c, l, label, FONT_BODY, COL_DIM, ALIGN_LEFT);
    int b = widget_text(c, v, value, FONT_BODY, value_col, ALIGN_LEFT);
    return a > b ? a : b;
}

void widget_progress(sctx_t *c, SDL_Rect box, int permille)
{
    draw_round_frame(c, box, box.h / 2, 2, COL_DIM, COL_PANEL);
    SDL_Rect in = {box.x + box.h / 4, box.y + box.h / 4, box.w - box.h / 2, box.h / 2};
    if (permille >= 0) {
        in.w = (int)((int64_t)in.w * (permille > 1000 ? 1000 : permille) / 1000);
    } else { /* a block a third as wide, sliding across every 1.5 s */
        int span = in.w - in.w / 3;
        int phase = (int)(c->anim_ms % 1500);
        in.x += (int)((int64_t)span * (phase < 750 ? phase : 1500 - phase) / 750);
        in.w /= 3;
        c->f->animating = true;
    }
    draw_round_box(c, in, in.h / 2, COL_ACCENT);
}
