/* The widgets: filled boxes, wrapped labels, buttons, the top bar, label
 * and value pairs, progress. Every text is measured against its box. */
#include <string.h>

#include "screens/screen_int.h"

const SDL_Color COL_BG = {0x0B, 0x1A, 0x2E, 0xFF};
const SDL_Color COL_PANEL = {0x16, 0x2C, 0x48, 0xFF};
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

static void outline(const sctx_t *c, SDL_Rect r, SDL_Color col, int width)
{
    for (int i = 0; i < width; i++) {
        SDL_Rect e = {r.x + i, r.y + i, r.w - 2 * i, r.h - 2 * i};
        SDL_SetRenderDrawColor(c->r, col.r, col.g, col.b, col.a);
        SDL_RenderDrawRect(c->r, &e);
    }
}

static int text_width(const sctx_t *c, font_size_t f, const char *s)
{
    int w = 0, h = 0;
    TTF_SizeUTF8(c->ui->font[f], s, &w, &h);
    return w;
}

static void blit(const sctx_t *c, const char *s, font_size_t f, SDL_Color col, int x, int y)
{
    if (!s[0])
        return;
    SDL_Surface *surf = TTF_RenderUTF8_Blended(c->ui->font[f], s, col);
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
        blit(c, l.text[i], f, col, x, box.y + i * skip);
    }
    return l.n * skip;
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

void widget_button(sctx_t *c, SDL_Rect box, const char *id, const char *label, button_style_t s)
{
    font_size_t f = s == BTN_KEY ? FONT_TITLE : FONT_BODY;
    if (box.w < c->ui->target || box.h < c->ui->target)
        text_problem(c, "control '%s' is %dx%d px, smaller than a finger (%d px)", id, box.w, box.h, c->ui->target);
    if (s == BTN_PRIMARY)
        widget_fill(c, box, COL_ACCENT);
    else
        widget_fill(c, box, COL_PANEL);
    if (s == BTN_SECONDARY || s == BTN_KEY)
        outline(c, box, COL_DIM, 2);
    int w = text_width(c, f, label);
    c->f->n_texts++;
    text_shown(c, label);
    if (w > box.w - c->ui->pad)
        text_problem(c, "label '%s' of '%s' needs %d px, the button has %d px", label, id, w, box.w - c->ui->pad);
    int y = box.y + (box.h - layout_line(c, f)) / 2;
    blit(c, label, f, s == BTN_PRIMARY ? COL_ON_ACCENT : s == BTN_WAITING ? COL_DIM : COL_TEXT, box.x + (box.w - w) / 2,
         y);
    add_hit(c, id, box);
}

void widget_top_bar(sctx_t *c, const char *title)
{
    int t = c->ui->target, pad = c->ui->pad;
    widget_fill(c, (SDL_Rect){0, 0, c->ui->w, t + pad / 2}, COL_PANEL);
    /* the switch names the other language, in that language */
    const char *other = c->v->lang == LANG_ZH ? "English" : "中文";
    int bw = t * 2;
    widget_button(c, (SDL_Rect){c->ui->w - bw - pad / 2, pad / 4, bw, t}, "lang", other, BTN_SECONDARY);
    bw += t + pad / 2; /* the mute button, left of the switch */
    widget_voice(c, (SDL_Rect){c->ui->w - bw - pad / 2, pad / 4, t, t});
    SDL_Rect box = {pad, (t + pad / 2 - layout_line(c, FONT_TITLE)) / 2, c->ui->w - bw - 3 * pad,
                    layout_line(c, FONT_TITLE)};
    widget_text(c, box, title, FONT_TITLE, COL_TEXT, ALIGN_LEFT);
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
    widget_fill(c, box, COL_PANEL);
    outline(c, box, COL_DIM, 2);
    SDL_Rect in = {box.x + 4, box.y + 4, box.w - 8, box.h - 8};
    if (permille >= 0) {
        in.w = (int)((int64_t)in.w * (permille > 1000 ? 1000 : permille) / 1000);
    } else { /* a block a third as wide, sliding across every 1.5 s */
        int span = in.w - in.w / 3;
        int phase = (int)(c->anim_ms % 1500);
        in.x += (int)((int64_t)span * (phase < 750 ? phase : 1500 - phase) / 750);
        in.w /= 3;
        c->f->animating = true;
    }
    widget_fill(c, in, COL_ACCENT);
}

void widget_nav(sctx_t *c, SDL_Rect *area, const char *back, const char *ok, bool ready)
{
    SDL_Rect row = layout_bottom(c, area, c->ui->target);
    if (back)
        widget_button(c, layout_col(c, row, 2, 0), "back", back, BTN_SECONDARY);
    if (ok)
        widget_button(c, layout_col(c, row, 2, 1), "ok", ok, ready ? BTN_PRIMARY : BTN_WAITING);
}
