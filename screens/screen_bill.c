/* Paying a bill: the account number on the keypad (the back office is
 * asked what it owes before any money is taken), then its open bills with
 * their periods and the total to pay. */
#include <stdio.h>
#include <string.h>

#include "screens/screen_int.h"

void screen__bill_account(sctx_t *c)
{
    widget_top_bar(c, _("Pay a bill"));
    widget_action_t back = {"back", _("Back"), true}, go = {"ok", _("Continue"), c->v->entry[0] != '\0'};
    SDL_Rect main = widget_keypad_entry(c, &back, &go, _("Type your account number"), c->v->entry, "_______________");
    if (main.h >= 4 * layout_line(c, FONT_BODY))
        widget_flow(c, &main, _("The account number is printed on your bill."), FONT_SMALL, COL_DIM, ALIGN_CENTER);
    const char *msg = text_message(c->v);
    if (c->v->busy)
        widget_banner(c, &main, ICON_CLOCK, _("One moment, asking the office what is due..."), COL_TEXT);
    else if (msg[0])
        widget_banner(c, &main, ICON_WARN, msg, COL_WARN);
}

/* One bill: its period and what it still asks. */
static int bill_row(sctx_t *c, SDL_Rect box, const receipt_bill_t *b)
{
    char period[24], due[40];
    receipt_period(b, period);
    text_money(c, b->due, due);
    return widget_pair(c, box, period, due, COL_TEXT);
}

void screen__bill(sctx_t *c)
{
    const session_view_t *v = c->v;
    char total[40], go_label[80], line[160];
    text_money(c, v->bill.owed, total);
    snprintf(go_label, sizeof go_label, _("Pay %s"), total);
    widget_top_bar(c, _("Your bill"));
    SDL_Rect area = layout_content(c);
    widget_action_t back = {"back", _("Back"), true}, go = {"ok", go_label, true};
    widget_action_bar(c, &area, &back, &go);
    snprintf(line, sizeof line, _("Account %s owes %s"), v->bill.account, total);
    widget_question(c, &area, line);
    SDL_Rect in = widget_card(c, area);
    int row = layout_line(c, FONT_BODY);
    widget_pair(c, layout_bottom(c, &in, row), _("Total to pay"), total, COL_ACCENT);
    widget_pair(c, layout_top(c, &in, row), _("Bill period"), _("Due"), COL_DIM);
    int shown = 0;
    for (; shown < v->bill.n && in.h >= 2 * row; shown++) { /* the last line may say how many more */
        int h = bill_row(c, (SDL_Rect){in.x, in.y, in.w, row}, &v->bill.bill[shown]);
        in.y += h;
        in.h -= h;
    }
    int64_t more = v->bill.more + (v->bill.n - shown);
    if (more > 0 && in.h >= row) {
        snprintf(line, sizeof line, _("and %lld more bills"), (long long)more);
        widget_text(c, (SDL_Rect){in.x, in.y, in.w, row}, line, FONT_SMALL, COL_DIM, ALIGN_LEFT);
    }
}
