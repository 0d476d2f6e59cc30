/* The receipt on the screen, for when no printer can print: the receipt of
 * core/receipt.c (the lines, their order and their words are the
 * paper's) in the resident's language, with the reference as a QR code a
 * phone can keep. */
#include <stdio.h>
#include <string.h>

#include "screens/screen_int.h"

void screen_receipt_of(const session_view_t *v, receipt_t *r)
{
    static const txn_state_t states[] = {[OUT_NONE] = TXN_NONE, [OUT_DELIVERED] = TXN_DELIVERED,
                                         [OUT_PENDING] = TXN_DELIVERY_PENDING,
                                         [OUT_PARKED] = TXN_NEEDS_RECONCILIATION, [OUT_REFUSED] = TXN_NONE};
    const session_account_t *a = &v->account;
    receipt_facts_t f = {.at_ms = v->sale_at_ms, .meter = a->meter, .customer = a->customer,
                         .card = a->on_card ? a->card_serial : "", .on_card = a->on_card, .method = v->method,
                         .paid = v->paid, .zero_first = v->zero_first, .state = states[v->outcome], .txn = v->txn, .kind = a->kind,
                         .tariff = a->has_tariff ? &a->tariff : NULL};
    receipt_bills_t bills = {.account = v->bill.account, .known = true, .owed = v->bill.owed, .n = v->bill.n,
                             .bill = v->bill.bill};
    if (v->paying_bill) {
        f.bills = &bills;
        f.meter = f.customer = f.card = NULL;
        f.tariff = NULL;
    }
    receipt_build(&f, r);
}

static const char *in(receipt_words_t w, session_lang_t lang)
{
    return lang == LANG_EN ? w.en : w.zh;
}

/* The energy line: the quantity in the meter's unit, then the tariff: a
 * single rate's price per unit with the currency's sign, or the words of
 * a TOU or tiered tariff in lang, after its id. */
static void energy_value(const receipt_t *r, const receipt_line_t *l, session_lang_t lang, const currency_t *cur,
                         char *out, size_t len)
{
    char q[40], price[32];
    meter_quantity_format(r->kind, l->number, UNIT_SCREEN, q);
    if (l->price > 0) { /* the price, not the tariff's id: the id is the utility's, not the resident's */
        tariff_price_text(l->price, cur->exponent, price);
        snprintf(out, len, "%s (%s%s/%s)", q, cur->symbol, price, meter_unit(r->kind, UNIT_SCREEN));
    } else if (l->words.zh) {
        snprintf(out, len, "%s (%s)", q, in(l->words, lang));
    } else {
        snprintf(out, len, "%s", q);
    }
}

/* A value as the screen gives it: words in one language, money with the
 * currency's sign, quantities in the meter's unit, the local time, the
 * meter in groups of four, the short reference. */
static void value_of(const receipt_t *r, const receipt_line_t *l, session_lang_t lang, const currency_t *cur,
                     char *out, size_t len)
{
    char text[RECEIPT_TEXT_LEN];
    switch (l->fact) {
    case RECEIPT_ENERGY: energy_value(r, l, lang, cur, out, len); return;
    case RECEIPT_TIME: text_when(l->number, text); break;
    case RECEIPT_AMOUNT:
    case RECEIPT_OWED:
    case RECEIPT_REFUNDED: text_money_in(cur, l->number, text); break;
    case RECEIPT_METER: text_grouped(l->text, text); break;
    case RECEIPT_REFERENCE: text_reference(l->text, text); break;
    case RECEIPT_KIOSK:
    case RECEIPT_ACCOUNT:
    case RECEIPT_BILLS:
    case RECEIPT_CUSTOMER:
    case RECEIPT_CARD:
    case RECEIPT_METHOD:
    case RECEIPT_PAN:
    case RECEIPT_PURCHASES:
    case RECEIPT_STATUS:
    case RECEIPT_FACT_COUNT: snprintf(text, sizeof text, "%s", l->text); break;
    }
    if (l->words.zh)
        snprintf(out, len, "%s%s%s", in(l->words, lang), text[0] ? " " : "", text);
    else
        snprintf(out, len, "%s", text);
}

size_t screen_receipt_rows(const receipt_t *r, session_lang_t lang, const currency_t *cur,
                           screen_receipt_row_t rows[RECEIPT_MAX_LINES])
{
    for (size_t i = 0; i < r->n_lines; i++) {
        rows[i].fact = r->lines[i].fact;
        rows[i].label = in(r->lines[i].label, lang);
        value_of(r, &r->lines[i], lang, cur, rows[i].value, sizeof rows[i].value);
    }
    return r->n_lines;
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

/* The receipt's lines, one a line; returns the height used. */
static int lines(sctx_t *c, SDL_Rect box, const receipt_t *r)
{
    int top = box.y;
    screen_receipt_row_t rows[RECEIPT_MAX_LINES];
    size_t n = screen_receipt_rows(r, c->v->lang, c->info->currency, rows);
    for (size_t i = 0; i < n; i++) {
        int h = fact(c, box, rows[i].label, rows[i].value);
        box.y += h;
        box.h -= h;
    }
    return box.y - top;
}

void widget_receipt(sctx_t *c, SDL_Rect box)
{
    int pad = c->ui->pad / 2;
    receipt_t r;
    screen_receipt_of(c->v, &r);
    draw_round_frame(c, box, pad, 2, COL_EDGE, COL_PANEL);
    SDL_Rect area = {box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad};
    widget_flow(c, &area, _("Your receipt (take a photo to keep it)"), FONT_SMALL, COL_ACCENT, ALIGN_LEFT);
    int side = c->ui->target; /* enough for the id's code at 2 px a module */
    bool beside = area.h < (int)r.n_lines * layout_line(c, FONT_SMALL) * 3 / 2 + side + pad; /* a low screen (some lines wrap) */
    SDL_Rect text = area;
    if (beside)
        text.w -= side + pad;
    int used = lines(c, text, &r) + pad;
    if (beside) {
        widget_qr(c, (SDL_Rect){area.x + area.w - side, area.y, side, side}, c->v->txn);
        return;
    }
    area.y += used;
    area.h -= used;
    widget_qr(c, area, c->v->txn); /* centred under the lines */
}
