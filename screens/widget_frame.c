/* What frames every resident's screen: the header (where the resident is
 * in the four steps, or the screen's title; large text; the language),
 * the question in the middle, cards, and the one action bar at the bottom
 * (back left, the way forward right) with the idle countdown beside it. */
#include <stdio.h>

#include "screens/screen_int.h"

/* The step a screen belongs to (1..4), 0 for one outside the four. */
static int step_of(session_screen_t s)
{
    static const int steps[SCR_COUNT] = {[SCR_IDENTIFY] = 1, [SCR_ACCOUNT] = 1, [SCR_AMOUNT] = 2, [SCR_METHOD] = 3,
                                         [SCR_PAYMENT] = 3,  [SCR_DELIVERING] = 4, [SCR_RESULT] = 4,
                                         [SCR_BILL_ACCOUNT] = 1, [SCR_BILL] = 2};
    return s < SCR_COUNT ? steps[s] : 0;
}

/* The four steps' names: a top-up's, or a bill payment's. */
static const char *const *step_names(const sctx_t *c)
{
    static const char *const top_up[] = {N_("Meter"), N_("Amount"), N_("Payment"), N_("Done")};
    static const char *const bill[] = {N_("Account"), N_("Bill"), N_("Payment"), N_("Paid")};
    return c->v->paying_bill ? bill : top_up;
}

/* One step: a disc with its number (a tick once done), and its name when
 * there is room or it is the current one. Returns the width used. */
static int step(sctx_t *c, int x, int cy, int n, int now, bool named)
{
    const char *const *names = step_names(c);
    int d = layout_line(c, FONT_SMALL) * 5 / 4, gap = c->ui->pad / 2;
    bool done = n < now || (n == 4 && c->v->screen == SCR_RESULT && c->v->outcome == OUT_DELIVERED);
    SDL_Color disc = done ? COL_GOOD : n == now ? COL_ACCENT : COL_PANEL;
    draw_disc(c, (float)x + (float)d / 2, (float)cy, (float)d / 2, n <= now || done ? disc : COL_EDGE);
    SDL_Rect in = {x, cy - d / 2, d, d};
    if (done) {
        icon_draw(c, ICON_TICK_BARE, in, COL_ON_ACCENT, disc);
    } else {
        char num[4];
        snprintf(num, sizeof num, "%d", n);
        widget_text(c, (SDL_Rect){x, cy - layout_line(c, FONT_SMALL) / 2, d, layout_line(c, FONT_SMALL)}, num,
                    FONT_SMALL, n == now ? COL_ON_ACCENT : COL_TEXT, ALIGN_CENTER);
    }
    if (!named)
        return d + gap;
    const char *name = _(names[n - 1]);
    int w = widget_text_width(c, FONT_SMALL, name);
    widget_text(c, (SDL_Rect){x + d + gap / 2, cy - layout_line(c, FONT_SMALL) / 2, w, layout_line(c, FONT_SMALL)},
                name, FONT_SMALL, n == now ? COL_ACCENT : COL_TEXT, ALIGN_LEFT);
    return d + gap + w + gap * 2;
}

/* The four steps across box; every name shown if they all fit, else only
 * the current one's. */
static void steps(sctx_t *c, SDL_Rect box, int now)
{
    const char *const *names = step_names(c);
    int d = layout_line(c, FONT_SMALL) * 5 / 4, gap = c->ui->pad / 2, all = 0;
    for (int i = 0; i < 4; i++)
        all += d + 3 * gap + widget_text_width(c, FONT_SMALL, _(names[i]));
    bool every = all <= box.w;
    int x = box.x, cy = box.y + box.h / 2;
    for (int n = 1; n <= 4; n++)
        x += step(c, x, cy, n, now, every || n == now);
}

/* "Offline" with its icon, right-aligned before x; returns its left edge. */
static int offline_sign(sctx_t *c, int x, int bar_h)
{
    const char *word = _("Offline");
    int line = layout_line(c, FONT_SMALL), w = widget_text_width(c, FONT_SMALL, word), pad = c->ui->pad;
    int left = x - pad - w - line - pad / 2;
    icon_draw(c, ICON_OFFLINE, (SDL_Rect){left, (bar_h - line) / 2, line, line}, COL_WARN, COL_PANEL);
    widget_text(c, (SDL_Rect){left + line + pad / 2, (bar_h - line) / 2, w, line}, word, FONT_SMALL, COL_WARN,
                ALIGN_LEFT);
    return left;
}

void widget_top_bar(sctx_t *c, const char *title)
{
    int t = c->ui->target, pad = c->ui->pad, h = t + pad / 2;
    widget_fill(c, (SDL_Rect){0, 0, c->ui->w, h}, COL_PANEL);
    widget_fill(c, (SDL_Rect){0, h - 2, c->ui->w, 2}, COL_EDGE);
    /* the switch names the other language, in that language */
    const char *other = c->v->lang == LANG_ZH ? "English" : "中文";
    int bw = t * 2, x = c->ui->w - bw - pad / 2;
    widget_button(c, (SDL_Rect){x, pad / 4, bw, t}, "lang", other, BTN_SECONDARY);
    if (!c->sv) { /* the resident's screens: the spoken guidance on and off */
        x -= t + pad / 2;
        widget_voice(c, (SDL_Rect){x, pad / 4, t, t});
    }
    if (!c->sv && c->ui->large_offered) { /* the resident's screens: large text on and off */
        x -= t + pad / 2;
        widget_button(c, (SDL_Rect){x, pad / 4, t, t}, "large", c->v->large_text ? "A-" : "A+",
                      c->v->large_text ? BTN_CHOSEN : BTN_SECONDARY);
    }
    if (!c->sv && (c->v->health & HEALTH_OFFLINE)) /* the sign while the kiosk sells offline */
        x = offline_sign(c, x, h);
    SDL_Rect box = {pad, 0, x - 2 * pad, h};
    int now = c->sv ? 0 : step_of(c->v->screen);
    if (now) {
        steps(c, box, now);
        return;
    }
    box.y = (h - layout_line(c, FONT_TITLE)) / 2;
    box.h = layout_line(c, FONT_TITLE);
    widget_text_fit(c, box, title, FONT_TITLE, COL_TEXT, ALIGN_LEFT);
}

SDL_Rect widget_question(sctx_t *c, SDL_Rect *area, const char *question)
{
    SDL_Rect two = {area->x, area->y, area->w, 2 * layout_line(c, FONT_TITLE)};
    font_size_t f = widget_font_fit(c, two, question, FONT_TITLE);
    SDL_Rect r = *area;
    widget_flow(c, area, question, f, COL_TEXT, ALIGN_CENTER);
    r.h = area->y - r.y;
    return r;
}

SDL_Rect widget_card(sctx_t *c, SDL_Rect box)
{
    draw_round_frame(c, box, c->ui->pad, 2, COL_EDGE, COL_PANEL);
    int in = c->ui->pad;
    return (SDL_Rect){box.x + in, box.y + in, box.w - 2 * in, box.h - 2 * in};
}

/* The idle countdown: a ring that empties, the seconds inside. */
static void countdown(sctx_t *c, SDL_Rect box)
{
    int64_t left = c->v->idle_left_s, total = c->info->idle_s > 0 ? c->info->idle_s : left;
    if (left <= 0 || c->sv)
        return;
    int d = box.h < box.w ? box.h : box.w;
    float cx = (float)box.x + (float)box.w / 2, cy = (float)box.y + (float)box.h / 2, r = (float)d * 0.4f;
    draw_arc(c, cx, cy, r, (float)d / 12, 0, 2 * (float)M_PI, COL_EDGE);
    float part = total > 0 ? (float)(left > total ? total : left) / (float)total : 1;
    draw_arc(c, cx, cy, r, (float)d / 12, 0, 2 * (float)M_PI * part, COL_DIM);
    char secs[16];
    snprintf(secs, sizeof secs, "%lld", (long long)left);
    int line = layout_line(c, FONT_SMALL);
    widget_text(c, (SDL_Rect){box.x, box.y + (box.h - line) / 2, box.w, line}, secs, FONT_SMALL, COL_TEXT,
                ALIGN_CENTER);
}

/* One end of the action bar: a button, or words in its place. */
static void action(sctx_t *c, SDL_Rect box, const widget_action_t *a, button_style_t style, align_t align)
{
    if (!a)
        return;
    if (a->id) {
        widget_button(c, box, a->id, a->label, a->ready ? style : BTN_WAITING);
        return;
    }
    int two = 2 * layout_line(c, FONT_SMALL);
    widget_text(c, (SDL_Rect){box.x, box.y + (box.h - two) / 2, box.w, two}, a->label, FONT_SMALL, COL_DIM, align);
}

void widget_action_bar(sctx_t *c, SDL_Rect *area, const widget_action_t *back, const widget_action_t *go)
{
    SDL_Rect row = layout_bottom(c, area, c->ui->bar);
    int pad = c->ui->pad, ring = c->ui->bar;
    int bw = row.w / 3 - pad, mw = row.w - bw - ring - 2 * pad;
    action(c, (SDL_Rect){row.x, row.y, bw, row.h}, back, BTN_SECONDARY, ALIGN_LEFT);
    action(c, (SDL_Rect){row.x + row.w - mw, row.y, mw, row.h}, go, BTN_PRIMARY, ALIGN_RIGHT);
    countdown(c, (SDL_Rect){row.x + bw + pad, row.y, ring, row.h});
}

void widget_banner(sctx_t *c, SDL_Rect *area, icon_t icon, const char *text, SDL_Color col)
{
    int h = layout_line(c, FONT_BODY) + c->ui->pad / 2;
    SDL_Rect words = {area->x + h + c->ui->pad / 2, area->y + c->ui->pad / 4, area->w - h - c->ui->pad / 2,
                      area->h - c->ui->pad / 4};
    SDL_Rect two = {words.x, words.y, words.w, 2 * layout_line(c, FONT_BODY)};
    if (two.h > words.h)
        two.h = words.h;
    icon_draw(c, icon, (SDL_Rect){area->x, area->y, h, h}, col, COL_BG);
    widget_flow(c, &words, text, widget_font_fit(c, two, text, FONT_BODY), col, ALIGN_LEFT);
    int used = words.y - area->y;
    area->y += used;
    area->h -= used;
}
