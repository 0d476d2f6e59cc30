/* Account: whose meter, its balance, the last top-up, the tariff, warnings. */
#include <stdio.h>
#include <string.h>

#include "screens/screen_int.h"

/* The meter's tariff: a single rate's price per unit, or a TOU or tiered
 * tariff's lowest and highest price and its kind. */
static void tariff_text(const sctx_t *c, char *out, size_t len)
{
    const session_account_t *a = &c->v->account;
    const char *sym = c->info->currency->symbol, *unit = meter_unit(a->kind, UNIT_SCREEN);
    char lo[32], hi[32];
    int64_t plo, phi;
    if (!a->has_tariff) {
        snprintf(out, len, "-");
        return;
    }
    tariff_price_range(&a->tariff.tariff, &plo, &phi);
    tariff_price_text(plo, c->info->currency->exponent, lo);
    tariff_price_text(phi, c->info->currency->exponent, hi);
    if (a->tariff.tariff.kind == TARIFF_SINGLE)
        snprintf(out, len, "%s%s / %s", sym, lo, unit);
    else
        snprintf(out, len, "%s%s-%s / %s (%s)", sym, lo, hi, unit,
                 a->tariff.tariff.kind == TARIFF_TOU ? _("time of use") : _("tiered"));
}

static int warnings(sctx_t *c, SDL_Rect box)
{
    const session_account_t *a = &c->v->account;
    const char *w[4];
    int n = 0, used = 0;
    if (a->offline)
        w[n++] = a->kind == METER_WATER ? _("The water meter does not answer now. A top-up is sent as soon as it does.")
                                        : _("The meter does not answer now. A top-up is sent as soon as it does.");
    bool owes = !a->balance_known || a->balance <= 0; /* a cut a top-up lifts; else staff switched it off */
    if (a->relay_open && a->kind == METER_WATER)
        w[n++] = owes ? _("Valve closed until a top-up.") : _("The valve is closed, not for the balance: ask the site's staff.");
    else if (a->relay_open)
        w[n++] = owes ? _("The supply is cut off. A top-up switches it back on.")
                      : _("The supply is switched off, not for the balance: ask the site's staff.");
    else if (a->low_balance)
        w[n++] = _("The balance is low.");
    if (a->on_card)
        w[n++] = _("Keep your card in the reader.");
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {box.x, box.y + used, box.w, box.h - used};
        SDL_Rect left = r;
        widget_banner(c, &left, i == n - 1 && a->on_card ? ICON_METER_CARD : ICON_WARN, w[i], COL_WARN);
        used += left.y - r.y;
    }
    return used;
}

/* The last 30 days beside the account (landscape) or below it. */
static void chart(sctx_t *c, SDL_Rect *area)
{
    const session_account_t *a = &c->v->account;
    SDL_Rect box = *area;
    if (c->ui->portrait) {
        box.h = area->h * 2 / 5;
        box.y = area->y + area->h - box.h;
        area->h -= box.h + c->ui->pad;
    } else {
        box.w = area->w * 2 / 5;
        box.x = area->x + area->w - box.w;
        area->w -= box.w + c->ui->pad;
    }
    int64_t total = 0;
    for (int i = 0; i < SESSION_USAGE_DAYS; i++)
        total += a->daily_milli[i];
    char energy[40], title[120];
    text_energy(c, total, energy);
    if (a->has_usage)
        snprintf(title, sizeof title, _("Last 30 days: %s"), energy);
    else
        snprintf(title, sizeof title, "%s", _("Last 30 days"));
    int used = warnings(c, box); /* above the chart: what the resident must know first */
    box.y += used;
    box.h -= used;
    widget_chart(c, widget_card(c, box), title, a->daily_milli, SESSION_USAGE_DAYS, a->has_usage);
}

/* The balance, large, with what it means in words (never the colour alone). */
static void balance_line(sctx_t *c, SDL_Rect *area, const char *balance)
{
    const session_account_t *a = &c->v->account;
    bool low = a->balance_known && (a->low_balance || a->balance <= 0);
    SDL_Rect r = layout_top(c, area, layout_line(c, FONT_TITLE));
    widget_text_fit(c, layout_col(c, r, 2, 0), _("Balance"), FONT_BODY, COL_DIM, ALIGN_LEFT);
    widget_text_fit(c, layout_col(c, r, 2, 1), balance, a->balance_known ? FONT_TITLE : FONT_BODY,
                    low ? COL_WARN : COL_ACCENT, ALIGN_RIGHT);
}

void screen__account(sctx_t *c)
{
    const session_account_t *a = &c->v->account;
    widget_top_bar(c, _("Your account"));
    SDL_Rect area = layout_content(c);
    widget_action_t back = {"back", _("Back"), true}, go = {"ok", _("Top up"), true};
    widget_action_bar(c, &area, &back, &go);
    chart(c, &area);
    char masked[16], meter[40], balance[40], last[96], tariff[160], money[40], when[40];
    bool water = a->kind == METER_WATER;
    session_mask(a->customer, masked);
    text_grouped(a->meter, meter);
    if (a->balance_known)
        text_money(c, a->balance, balance);
    else /* a card meter's balance is on the meter, not something gone wrong */
        snprintf(balance, sizeof balance, "%s",
                 !a->on_card ? _("not known now") : water ? _("shown on your water meter") : _("shown on your meter"));
    if (a->has_last) {
        text_money(c, a->last_amount, money);
        text_when(a->last_at_ms, when);
        when[10] = '\0'; /* the day is enough here */
        snprintf(last, sizeof last, "%s  %s", money, when);
    } else {
        snprintf(last, sizeof last, "%s", _("none here yet"));
    }
    tariff_text(c, tariff, sizeof tariff);
    SDL_Rect in = widget_card(c, area);
    balance_line(c, &in, balance);
    const char *labels[] = {water ? _("Water meter") : _("Meter"), _("Customer"), _("Last top-up"),
                            water ? _("Water tariff") : _("Tariff")};
    const char *values[] = {meter, masked[0] ? masked : "-", last, tariff};
    for (int i = 0; i < 4; i++) {
        int h = widget_pair(c, in, labels[i], values[i], COL_TEXT);
        in.y += h + c->ui->pad / 4;
        in.h -= h + c->ui->pad / 4;
    }
}
