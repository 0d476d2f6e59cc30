/* Payment by QR code: the code to scan (drawn from the order's URL) beside
 * the steps that name the apps that pay it, the amount, the seconds left
 * to pay and Cancel. The provider decides how it
 * ends; this screen only shows it. */
#include <stdio.h>

#include "screens/screen_int.h"

/* "1:59" */
static void clock_text(int64_t seconds, char out[16])
{
    snprintf(out, 16, "%lld:%02lld", (long long)(seconds / 60), (long long)(seconds % 60));
}

static void countdown(sctx_t *c, SDL_Rect *area)
{
    const session_view_t *v = c->v;
    char left[16], line[80];
    clock_text(v->qr_left_s, left);
    snprintf(line, sizeof line, _("Time left: %s"), left);
    SDL_Rect r = layout_top(c, area, layout_line(c, FONT_TITLE));
    if (v->qr_left_s > 0)
        widget_text(c, r, line, FONT_TITLE, COL_ACCENT, ALIGN_LEFT);
    else
        widget_text(c, r, _("The time to pay is over."), FONT_BODY, COL_WARN, ALIGN_LEFT);
}

void screen__payment_qr(sctx_t *c, SDL_Rect area)
{
    const session_view_t *v = c->v;
    bool shown = v->txn[0] && !v->closing && v->qr_url[0];
    SDL_Rect main, side;
    layout_split(c, area, &main, &side);
    if (v->txn[0] && !v->closing) {
        SDL_Rect row = layout_bottom(c, &main, c->ui->target);
        widget_button(c, layout_col(c, row, 2, 0), "cancel", _("Cancel"), BTN_SECONDARY);
    }
    char due[40];
    text_money(c, v->amount, due);
    SDL_Rect r = layout_top(c, &main, layout_line(c, FONT_BODY));
    widget_pair(c, r, _("To pay"), due, COL_ACCENT);
    if (!shown) {
        widget_text(c, main, _("One moment, please..."), FONT_TITLE, COL_ACCENT, ALIGN_LEFT);
        return;
    }
    const char *steps[] = {_("1. Open WeChat or Alipay on your phone."), _("2. Scan the code beside."),
                           _("3. Pay on your phone: the kiosk sees it at once.")};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) { /* each as many lines as it needs */
        int h = widget_text(c, main, steps[i], FONT_BODY, COL_TEXT, ALIGN_LEFT);
        main.y += h;
        main.h -= h;
    }
    countdown(c, &main);
    widget_qr(c, side, v->qr_url);
}
