/* One meter's day of billing, read from the store, computed
 * (bo_bill_calc.h), forecast (bo_forecast.h) and stored. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_billing_int.h"
#include "backoffice/domain/bo_forecast.h"

#define HISTORY 30 /* days of the longer forecast, the day itself included */
#define SHORT 7

/* The days billed before `day` (up to HISTORY - 1 of them) and the month's
 * use before it. */
static kerr_t history(bo_bill_run_t *run, const char *meter, int64_t day, bo_bill_past_t *past, size_t *n,
                      int64_t *month_used)
{
    char from[11], to[11], first[11];
    bo_bill_day_text(day - (HISTORY - 1), from);
    bo_bill_day_text(day, to);
    bo_bill_day_text(bo_bill_month_first(day), first);
    kerr_t rc = run->st->ops->bill->past(run->st->ctx, meter, from, to, past, HISTORY - 1, n, run->msg);
    *month_used = 0;
    for (size_t i = 0; rc == K_OK && i < *n; i++)
        if (strcmp(past[i].day, first) >= 0)
            *month_used += past[i].energy;
    return rc;
}

/* The days left at the mean spend of the days billed within `span` days
 * up to and including `day` (-1 without a balance). */
static int64_t days_left(const bo_bill_past_t *past, size_t n, int64_t day, int64_t money, int64_t span,
                         const bo_bill_out_t *out)
{
    int64_t spend[HISTORY];
    int k = 0;
    char from[11];
    bo_bill_day_text(day - (span - 1), from);
    for (size_t i = 0; i < n; i++)
        if (strcmp(past[i].day, from) >= 0)
            spend[k++] = past[i].money;
    spend[k++] = money;
    return out->has_balance ? bo_forecast_days_left_milli(out->balance, spend, k) : -1;
}

kerr_t bo__bill_meter_day(bo_bill_run_t *run, const bo_bill_meter_t *m, int64_t day)
{
    const bo_st_bill_t *b = run->st->ops->bill;
    void *ctx = run->st->ctx;
    bo_bill_in_t in = {.r = run->r};
    const char *currency;
    bo_billing_day_bounds(day, &in.start, &in.end);
    in.tariff = bo__bill_tariff_at(run, m, in.start, &currency);
    run->stats->days++;
    if (!in.tariff) {
        run->stats->no_tariff++;
        return K_OK;
    }
    kerr_t rc = b->readings(ctx, m->id, in.start, in.end, run->r, BO_BILL_MAX_READINGS, &in.n, run->msg);
    if (rc == K_OK)
        rc = b->freeze(ctx, m->id, in.start, &in.f0, run->msg);
    if (rc == K_OK)
        rc = b->freeze(ctx, m->id, in.end, &in.f1, run->msg);
    bo_bill_past_t past[HISTORY];
    size_t n = 0;
    if (rc == K_OK)
        rc = history(run, m->id, day, past, &n, &in.month_used);
    bo_bill_out_t out;
    if (rc == K_OK)
        rc = bo_bill_day(&in, &out, run->msg);
    if (rc)
        return rc;
    if (out.method == BO_BILL_NONE && !out.has_balance) {
        run->stats->idle++;
        return K_OK;
    }
    char text[11];
    bo_bill_day_text(day, text);
    bo_bill_row_t row = {.meter = m->id, .day = text, .site = m->site, .tariff = m->tariff, .currency = currency,
                         .method = bo_bill_method_name(out.method), .energy = out.energy, .money = out.money,
                         .balance = out.balance, .billed_at = run->now, .bands = in.tariff->kind == TARIFF_TOU,
                         .has_balance = out.has_balance, .complete = out.complete,
                         .left7 = days_left(past, n, day, out.money, SHORT, &out),
                         .left30 = days_left(past, n, day, out.money, HISTORY, &out)};
    memcpy(row.band, out.band, sizeof row.band);
    rc = b->put(ctx, &row, run->msg);
    if (rc == K_OK)
        run->stats->rows++;
    return rc;
}
