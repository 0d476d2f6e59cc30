/* The receipt on the screen, for when no printer can print: the facts a
 * paper receipt gives (when, meter, customer, how paid, amount, what
 * happened) and the reference, as text and as a QR code a phone can keep. */
#include <stdio.h>
#include <string.h>

#include "screens/screen_int.h"

static const char *status_text(const session_view_t *v)
{
    switch (v->outcome) {
    case OUT_DELIVERED: return v->account.on_card ? _("On the card") : _("Credited");
    case OUT_PENDING: return _("Pending");
    case OUT_PARKED: return _("Staff will settle");
    case OUT_NONE:
    case OUT_REFUSED: break;
    }
    return "-";
}

/* One "label value" line in the small font; returns the height used. */
static int fact(sctx_t *c, SDL_Rect box, const char *label, const char *value)
{
    SDL_Rect l = box, v = box;
    l.w = box.w * 2 / 5;
    v.x = box.x + l.w + c->ui->pad / 2;
    v.w = box.w - l.w - c->ui->pad / 2;
    int a = widget_text(c, l, label, FONT_SMALL, COL_DIM, ALIGN_LEFT);
    int b = widget_text(c, v, value, FONT_SMALL, COL_TEXT, ALIGN_LEFT);
    return a > b ? a : b;
}

/* The facts, one a line; returns the height used. */
static int facts(sctx_t *c, SDL_Rect box)
{
    int top = box.y;
    const session_view_t *v = c->v;
    char when[40], meter[40], masked[16], money[40], ref[16];
    if (v->sale_at_ms)
        text_when(v->sale_at_ms, when);
    else
        snprintf(when, sizeof when, "-");
    text_grouped(v->account.meter, meter);
    session_mask(v->account.customer, masked);
    text_money(c, v->paid, money);
    text_reference(v->txn, ref);
    bool cash = v->method == METHOD_CASH, qr = v->method == METHOD_QR;
    const char *labels[] = {_("Time"), _("Meter"), _("Customer"), _("Paid by"), _("Amount"), _("Status"),
                            _("Reference")};
    const char *values[] = {when, meter, masked[0] ? masked : "-", cash ? _("Bank notes") : qr ? _("QR code") : _("Bank card"), money,
                            status_text(v), ref};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        int h = fact(c, box, labels[i], values[i]);
        box.y += h;
        box.h -= h;
    }
    return box.y - top;
}

void widget_receipt(sctx_t *c, SDL_Rect box)
{
    int pad = c->ui->pad / 2;
    widget_fill(c, box, COL_PANEL);
    SDL_Rect in = {box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad};
    SDL_Rect head = layout_top(c, &in, layout_line(c, FONT_SMALL));
    widget_text(c, head, _("Your receipt"), FONT_SMALL, COL_ACCENT, ALIGN_LEFT);
    int used = facts(c, in) + pad;
    in.y += used;
    in.h -= used;
    widget_qr(c, in, c->v->txn);
}
