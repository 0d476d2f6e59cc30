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
    if (v->qr_left_s > 0)
        widget_banner(c, area, ICON_CLOCK, line, COL_ACCENT);
    else
        widget_banner(c, area, ICON_WARN, _("The time to pay is over."), COL_WARN);
}

void screen__payment_qr(sctx_t *c, SDL_Rect area)
{
    const session_view_t *v = c->v;
    bool shown = v->txn[0] && !v->closing && v->qr_url[0];
    widget_action_t cancel = {"cancel", _("Cancel"), true};
    widget_action_bar(c, &area, v->txn[0] && !v->closing ? &cancel : NULL, NULL);
    SDL_Rect code = area, main = area;
    if (c->ui->portrait) {
        code.h = area.w * 3 / 5;
        main.y += code.h + c->ui->pad;
        main.h -= code.h + c->ui->pad;
    } else {
        code.w = area.h < area.w / 2 ? area.h : area.w / 2;
        main.x += code.w + 2 * c->ui->pad;
        main.w -= code.w + 2 * c->ui->pad;
    }
    char due[40];
    text_money(c, v->amount, due);
    SDL_Rect r = layout_top(c, &main, layout_line(c, FONT_TITLE));
    widget_text(c, layout_col(c, r, 2, 0), _("To pay"), FONT_BODY, COL_DIM, ALIGN_LEFT);
    widget_text(c, layout_col(c, r, 2, 1), due, FONT_TITLE, COL_ACCENT, ALIGN_RIGHT);
    if (!shown) {
        widget_banner(c, &main, ICON_CLOCK, _("One moment, please..."), COL_TEXT);
        return;
    }
    char steps[400];
    snprintf(steps, sizeof steps, "%s\n%s\n%s", _("1. Open WeChat or Alipay on your phone."),
             _("2. Scan the code beside."), _("3. Pay on your phone: the kiosk sees it at once."));
    SDL_Rect words = main;
    words.h -= layout_line(c, FONT_BODY) + c->ui->pad; /* the countdown's line */
    main.y += widget_text_fit(c, words, steps, FONT_BODY, COL_TEXT, ALIGN_LEFT) + c->ui->pad / 2;
    countdown(c, &main);
    widget_qr(c, code, v->qr_url);
}
