/* One meter's day of billing (bo_bill_calc.h). */
#include "backoffice/domain/bo_bill_calc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backoffice/domain/bo_forecast.h"
#include "base/timefmt.h"
#include "core/kmath.h"

#define MINUTE_MS 60000LL

static const char *const method_names[] = {
    [BO_BILL_NONE] = "none",
    [BO_BILL_FROZEN] = "frozen",
    [BO_BILL_TIME] = "time",
};

const char *bo_bill_method_name(bo_bill_method_t m)
{
    return (unsigned)m < sizeof method_names / sizeof method_names[0] ? method_names[m] : "?";
}

/* The energy of an interval [a, b) of dE attributed to its first t - a
 * milliseconds, rounded down: the pieces of an interval then add up to dE
 * exactly, whatever the cuts. */
static int64_t share(int64_t dE, int64_t a, int64_t b, int64_t t)
{
    int64_t q = 0;
    kmath_muldiv(dE, t - a, b - a, KROUND_DOWN, &q); /* 0 <= t - a <= b - a: q <= dE fits */
    return q;
}

/* Adds interval [a, b) of energy dE to out, the part within the day, each
 * piece to the band in force (a TOU tariff) by minute of the local day. */
static void spread(const bo_bill_in_t *in, int64_t a, int64_t b, int64_t dE, bo_bill_out_t *out)
{
    int64_t lo = a > in->start ? a : in->start, hi = b < in->end ? b : in->end;
    if (lo >= hi)
        return;
    const tariff_t *t = in->tariff;
    if (t->kind != TARIFF_TOU) {
        out->energy += share(dE, a, b, hi) - share(dE, a, b, lo);
        return;
    }
    /* Cut at each switch of the day (and midnight) inside [lo, hi). */
    for (size_t i = 0; i <= t->n_sw; i++) {
        int64_t seg_lo = i == 0 ? in->start : in->start + (int64_t)t->sw[i - 1].minute * MINUTE_MS;
        int64_t seg_hi = i < t->n_sw ? in->start + (int64_t)t->sw[i].minute * MINUTE_MS : in->end;
        int64_t u = seg_lo > lo ? seg_lo : lo, v = seg_hi < hi ? seg_hi : hi;
        if (u >= v)
            continue;
        int64_t piece = share(dE, a, b, v) - share(dE, a, b, u);
        out->band[tariff_band_at(t, (unsigned)((u - in->start) / MINUTE_MS))] += piece;
        out->energy += piece;
    }
}

/* The readings' energy of the day, spread by time. */
static void by_time(const bo_bill_in_t *in, bo_bill_out_t *out)
{
    bool covered = false;
    for (size_t i = 0; i + 1 < in->n; i++) {
        int64_t a = in->r[i].at, b = in->r[i + 1].at;
        int64_t dE = in->r[i + 1].energy - in->r[i].energy;
        if (b <= a)
            continue;
        covered = covered || (a < in->end && b > in->start);
        spread(in, a, b, dE > 0 ? dE : 0, out);
    }
    out->method = covered ? BO_BILL_TIME : BO_BILL_NONE;
    out->complete = in->n > 0 && in->r[0].at <= in->start && in->r[in->n - 1].at >= in->end;
}

/* The freezes' difference, when both are there (with bands for TOU). */
static bool by_freezes(const bo_bill_in_t *in, bo_bill_out_t *out)
{
    bool tou = in->tariff->kind == TARIFF_TOU;
    if (!in->f0.have || !in->f1.have || (tou && (!in->f0.bands || !in->f1.bands)))
        return false;
    int64_t d = in->f1.energy - in->f0.energy;
    out->energy = d > 0 ? d : 0;
    if (tou) {
        out->energy = 0;
        for (int b = 0; b < BAND_COUNT; b++) {
            int64_t db = in->f1.band[b] - in->f0.band[b];
            out->band[b] = db > 0 ? db : 0;
            out->energy += out->band[b];
        }
    }
    out->method = BO_BILL_FROZEN;
    out->complete = true;
    return true;
}

kerr_t bo_bill_day(const bo_bill_in_t *in, bo_bill_out_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (!by_freezes(in, out))
        by_time(in, out);
    for (size_t i = 0; i < in->n; i++)
        if (in->r[i].at >= in->start && in->r[i].at < in->end) {
            out->has_balance = true;
            out->balance = in->r[i].balance;
        }
    int64_t milli[BAND_COUNT] = {0};
    if (in->tariff->kind == TARIFF_TOU)
        memcpy(milli, out->band, sizeof milli);
    else
        milli[BAND_FLAT] = out->energy;
    tariff_ctx_t ctx = {.month_used = in->month_used};
    kerr_t rc = tariff_cost_bands(in->tariff, &ctx, milli, KROUND_HALF_UP, &out->money);
    return rc ? kmsg_set(msg, rc, "the tariff cannot price %lld milli-units", (long long)out->energy) : K_OK;
}

bool bo_bill_day_parse(const char *text, int64_t *day)
{
    int64_t ms;
    char back[11];
    if (!text || strlen(text) != 10 || !ktime_parse(text, &ms) || ms < 0)
        return false;
    bo_bill_day_text(ms / BO_DAY_MS, back);
    if (strcmp(back, text) != 0) /* 2026-02-30 */
        return false;
    *day = ms / BO_DAY_MS;
    return true;
}

/* The UTC calendar fields of day's midnight. */
static struct tm fields(int64_t day)
{
    time_t t = (time_t)(day * (BO_DAY_MS / 1000));
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

void bo_bill_day_text(int64_t day, char out[11])
{
    struct tm tm = fields(day);
    snprintf(out, 11, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday);
}

int64_t bo_bill_month_first(int64_t day)
{
    return day - (fields(day).tm_mday - 1);
}
