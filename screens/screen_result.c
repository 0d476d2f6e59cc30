/* Result: delivered with the new balance, or pending (what happens to the
 * money), or for the staff, always with the reference. */
#include <stdio.h>

#include "screens/screen_int.h"

static const char *title(session_outcome_t o)
{
    switch (o) {
    case OUT_DELIVERED: return _("Done");
    case OUT_PENDING: return _("Payment received");
    case OUT_PARKED: return _("Please contact the staff");
    case OUT_NONE:
    case OUT_REFUSED: break;
    }
    return _("Nothing was charged");
}

/* One paragraph at the top of area; area shrinks below it. */
static void say(sctx_t *c, SDL_Rect *area, const char *text, SDL_Color col)
{
    int h = widget_text(c, *area, text, FONT_BODY, col, ALIGN_LEFT);
    area->y += h + c->ui->pad / 2;
    area->h -= h + c->ui->pad / 2;
}

static void outcome(sctx_t *c, SDL_Rect *area)
{
    const session_view_t *v = c->v;
    char money[40], meter[40], balance[40], line[400];
    text_money(c, v->paid > 0 ? v->paid : v->amount, money); /* a card payment nobody confirmed: asked */
    text_grouped(v->account.meter, meter);
    switch (v->outcome) {
    case OUT_DELIVERED:
        snprintf(line, sizeof line, _("%s is on meter %s."), money, meter);
        say(c, area, line, COL_GOOD);
        if (v->has_balance) {
            text_money(c, v->balance, balance);
            snprintf(line, sizeof line, _("New balance: %s"), balance);
            say(c, area, line, COL_ACCENT);
        }
        break;
    case OUT_PENDING:
        snprintf(line, sizeof line, _("Your payment of %s is safe."), money);
        say(c, area, line, COL_ACCENT);
        say(c, area,
            _("The meter does not answer now. The kiosk sends the credit by itself as soon as it does; you need do "
              "nothing more."),
            COL_TEXT);
        break;
    case OUT_PARKED:
        snprintf(line, sizeof line,
                 _("Your payment of %s is recorded, but the top-up could not be finished. The staff will settle "
                   "it: keep the reference."),
                 money);
        say(c, area, line, COL_WARN);
        break;
    case OUT_NONE:
    case OUT_REFUSED: say(c, area, v->device_text, COL_TEXT); break;
    }
}

void screen__result(sctx_t *c)
{
    const session_view_t *v = c->v;
    widget_top_bar(c, title(v->outcome));
    SDL_Rect area = layout_content(c);
    SDL_Rect row = layout_bottom(c, &area, c->ui->target);
    widget_button(c, layout_col(c, row, 2, 1), "finish", _("Finish"), BTN_PRIMARY);
    outcome(c, &area);
    if (v->txn[0]) {
        char ref[16], line[80];
        text_reference(v->txn, ref);
        snprintf(line, sizeof line, _("Reference: %s"), ref);
        say(c, &area, line, COL_TEXT);
    }
}
