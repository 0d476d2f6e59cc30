/* A bar chart of daily consumption: one bar a day, oldest left, today
 * right, scaled to the largest day, with the largest day and the days
 * named under it; an empty state when there is nothing to draw. */
#include <stdio.h>

#include "screens/screen_int.h"

static int64_t largest(const int64_t *v, int n)
{
    int64_t m = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

static void bars(sctx_t *c, SDL_Rect box, const int64_t *milli, int n, int64_t top)
{
    widget_fill(c, box, COL_PANEL);
    int gap = box.w / n / 4;
    for (int i = 0; i < n; i++) {
        int x0 = box.x + (int)((int64_t)box.w * i / n), x1 = box.x + (int)((int64_t)box.w * (i + 1) / n);
        int h = top > 0 ? (int)((int64_t)(box.h - 2) * milli[i] / top) : 0;
        if (milli[i] > 0 && h < 2)
            h = 2; /* a day with any use shows */
        SDL_Rect bar = {x0 + gap / 2, box.y + box.h - h, x1 - x0 - gap, h};
        widget_fill(c, bar, i == n - 1 ? COL_ACCENT : COL_GOOD);
    }
    widget_fill(c, (SDL_Rect){box.x, box.y + box.h - 2, box.w, 2}, COL_DIM);
}

void widget_chart(sctx_t *c, SDL_Rect box, const char *title, const int64_t *milli, int n, bool has_data)
{
    int line = layout_line(c, FONT_SMALL);
    SDL_Rect head = layout_top(c, &box, line);
    widget_text(c, head, title, FONT_SMALL, COL_DIM, ALIGN_LEFT);
    if (!has_data || box.h < 3 * line) {
        widget_text(c, box,
                    c->v->account.kind == METER_WATER ? _("Not enough readings of this water meter yet for a chart.")
                                                      : _("Not enough readings of this meter yet for a chart."),
                    FONT_SMALL, COL_DIM, ALIGN_LEFT);
        return;
    }
    SDL_Rect foot = layout_bottom(c, &box, line);
    char most[40], text[80];
    text_energy(c, largest(milli, n), most);
    snprintf(text, sizeof text, _("Most in a day: %s"), most);
    widget_text(c, (SDL_Rect){box.x, box.y, box.w, line}, text, FONT_SMALL, COL_TEXT, ALIGN_RIGHT);
    box.y += line;
    box.h -= line;
    bars(c, box, milli, n, largest(milli, n));
    widget_text(c, layout_col(c, foot, 2, 0), _("30 days ago"), FONT_SMALL, COL_DIM, ALIGN_LEFT);
    widget_text(c, layout_col(c, foot, 2, 1), _("Today"), FONT_SMALL, COL_DIM, ALIGN_RIGHT);
}
