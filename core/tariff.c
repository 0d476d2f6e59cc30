#include "core/tariff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;

/* cost (1/10^7 minor units) = milli * price */
#define COST_DIVISOR ((int64_t)TARIFF_MILLI * TARIFF_PRICE_SCALE)
#define MAX_PRICE ((int64_t)1000000000000) /* 10^8 minor units per unit */
#define MAX_WEIGHT 1000000u

static const char *const band_names[BAND_COUNT] = {"sharp", "peak", "flat", "valley"};

const char *tariff_band_name(tou_band_t band)
{
    return band < BAND_COUNT ? band_names[band] : "?";
}

static kerr_t check_price(int64_t p, const char *what, kmsg_t *msg)
{
    if (p < 0 || p > MAX_PRICE)
        return kmsg_set(msg, K_EINVAL, "%s price is out of range", what);
    return K_OK;
}

static kerr_t validate_tou(const tariff_t *t, kmsg_t *msg)
{
    if (t->n_sw == 0 || t->n_sw > TARIFF_MAX_SWITCHES)
        return kmsg_set(msg, K_EINVAL, "time-of-use tariff needs 1..%d periods", TARIFF_MAX_SWITCHES);
    bool any_paid = false;
    for (size_t i = 0; i < t->n_sw; i++) {
        if (t->sw[i].minute >= 1440 || t->sw[i].band >= BAND_COUNT)
            return kmsg_set(msg, K_EINVAL, "period %zu is outside the day or has no band", i + 1);
        if (i > 0 && t->sw[i].minute <= t->sw[i - 1].minute)
            return kmsg_set(msg, K_EINVAL, "periods must be in time order (period %zu)", i + 1);
        if (t->band_price[t->sw[i].band] > 0)
            any_paid = true;
    }
    for (int b = 0; b < BAND_COUNT; b++) {
        kerr_t rc = check_price(t->band_price[b], band_names[b], msg);
        if (rc)
            return rc;
    }
    if (!any_paid)
        return kmsg_set(msg, K_EINVAL, "time-of-use tariff has no band with a price above zero");
    return K_OK;
}

static kerr_t validate_tiers(const tariff_t *t, kmsg_t *msg)
{
    if (t->n_tiers == 0 || t->n_tiers > TARIFF_MAX_TIERS)
        return kmsg_set(msg, K_EINVAL, "tiered tariff needs 1..%d steps", TARIFF_MAX_TIERS);
    for (size_t i = 0; i < t->n_tiers; i++) {
        kerr_t rc = check_price(t->tier[i].price, "step", msg);
        if (rc)
            return rc;
        if (t->tier[i].upto <= (i ? t->tier[i - 1].upto : 0))
            return kmsg_set(msg, K_EINVAL, "step %zu must end above the step before it", i + 1);
    }
    const tariff_tier_t *last = &t->tier[t->n_tiers - 1];
    if (last->upto != TARIFF_UNBOUNDED)
        return kmsg_set(msg, K_EINVAL, "the last step must be unbounded");
    if (last->price == 0)
        return kmsg_set(msg, K_EINVAL, "the last step must have a price above zero");
    return K_OK;
}

kerr_t tariff_validate(const tariff_t *t, kmsg_t *msg)
{
    switch (t->kind) {
    case TARIFF_SINGLE:
        if (t->price <= 0 || t->price > MAX_PRICE)
            return kmsg_set(msg, K_EINVAL, "single-rate price must be above zero");
        return K_OK;
    case TARIFF_TOU: return validate_tou(t, msg);
    case TARIFF_TIERED: return validate_tiers(t, msg);
    }
    return kmsg_set(msg, K_EINVAL, "unknown tariff kind");
}

tou_band_t tariff_band_at(const tariff_t *t, unsigned minute_of_day)
{
    unsigned m = minute_of_day % 1440;
    if (t->n_sw == 0)
        return BAND_FLAT;
    tou_band_t band = t->sw[t->n_sw - 1].band; /* carried over from yesterday */
    for (size_t i = 0; i < t->n_sw && t->sw[i].minute <= m; i++)
        band = t->sw[i].band;
    return band;
}

static size_t tier_index(const tariff_t *t, int64_t used)
{
    size_t i = 0;
    while (i + 1 < t->n_tiers && used >= t->tier[i].upto)
        i++;
    return i;
}

int64_t tariff_price_at(const tariff_t *t, unsigned minute_of_day, int64_t month_used)
{
    switch (t->kind) {
    case TARIFF_SINGLE: return t->price;
    case TARIFF_TOU: return t->band_price[tariff_band_at(t, minute_of_day)];
    case TARIFF_TIERED: return t->tier[tier_index(t, month_used)].price;
    }
    return 0;
}

/* TOU weights: the caller's, or the minutes each band covers in a day. */
static void tou_weights(const tariff_t *t, const tariff_ctx_t *ctx, int64_t w[BAND_COUNT])
{
    bool given = false;
    for (int b = 0; b < BAND_COUNT; b++) {
        w[b] = ctx ? (ctx->weight[b] > MAX_WEIGHT ? MAX_WEIGHT : ctx->weight[b]) : 0;
        given = given || w[b] > 0;
    }
    if (given)
        return;
    for (size_t i = 0; i < t->n_sw; i++) {
        unsigned start = t->sw[i].minute;
        unsigned end = i + 1 < t->n_sw ? t->sw[i + 1].minute : 1440 + t->sw[0].minute;
        w[t->sw[i].band] += end - start;
    }
}

/* The blended TOU price as a fraction num/den per unit; both fit in 63
 * bits because weights and prices are capped (MAX_WEIGHT, MAX_PRICE). */
static kerr_t tou_blend(const tariff_t *t, const tariff_ctx_t *ctx, int64_t *num, int64_t *den)
{
    int64_t w[BAND_COUNT], s = 0, wsum = 0;
    tou_weights(t, ctx, w);
    for (int b = 0; b < BAND_COUNT; b++) {
        s += w[b] * t->band_price[b];
        wsum += w[b];
    }
    if (s <= 0 || wsum <= 0)
        return K_EINVAL;
    *num = s;
    *den = wsum;
    return K_OK;
}

static int64_t month_used(const tariff_ctx_t *ctx)
{
    return ctx && ctx->month_used > 0 ? ctx->month_used : 0;
}

/* Exact cost in 1/10^7 minor units of `milli` consumed from `used` on. */
static i128 tier_cost_exact(const tariff_t *t, int64_t used, int64_t milli)
{
    i128 cost = 0;
    for (size_t i = tier_index(t, used); milli > 0 && i < t->n_tiers; i++) {
        int64_t room = t->tier[i].upto == TARIFF_UNBOUNDED ? milli : t->tier[i].upto - used;
        int64_t take = room < milli ? room : milli;
        cost += (i128)take * t->tier[i].price;
        milli -= take;
        used += take;
    }
    return cost;
}

static kerr_t tier_energy(const tariff_t *t, int64_t used, int64_t minor, int64_t *milli)
{
    i128 budget = (i128)minor * COST_DIVISOR, energy = 0;
    /* Free steps are taken whole even with no money left. */
    for (size_t i = tier_index(t, used); i < t->n_tiers; i++) {
        const tariff_tier_t *s = &t->tier[i];
        if (s->upto == TARIFF_UNBOUNDED) {
            energy += budget / s->price;
            break;
        }
        i128 room = s->upto - used;
        if (room * s->price <= budget) {
            budget -= room * s->price;
            energy += room;
            used = s->upto;
        } else {
            energy += budget / s->price;
            break;
        }
    }
    if (energy > INT64_MAX)
        return K_EOVERFLOW;
    *milli = (int64_t)energy;
    return K_OK;
}

kerr_t tariff_energy_for_amount(const tariff_t *t, const tariff_ctx_t *ctx, int64_t minor, int64_t *milli)
{
    if (minor < 0 || tariff_validate(t, NULL) != K_OK)
        return K_EINVAL;
    switch (t->kind) {
    case TARIFF_SINGLE: return kmath_muldiv(minor, COST_DIVISOR, t->price, KROUND_DOWN, milli);
    case TARIFF_TOU: {
        int64_t num, den;
        if (tou_blend(t, ctx, &num, &den) != K_OK)
            return K_EINVAL;
        return kmath_muldiv(minor, den * COST_DIVISOR, num, KROUND_DOWN, milli);
    }
    case TARIFF_TIERED: return tier_energy(t, month_used(ctx), minor, milli);
    }
    return K_EINVAL;
}

static kerr_t round_cost(i128 exact, kround_t mode, int64_t *minor)
{
    i128 q = exact / COST_DIVISOR, r = exact % COST_DIVISOR;
    if (r != 0 && (mode == KROUND_UP || (mode == KROUND_HALF_UP && r * 2 >= COST_DIVISOR)))
        q++;
    if (q > INT64_MAX)
        return K_EOVERFLOW;
    *minor = (int64_t)q;
    return K_OK;
}

kerr_t tariff_amount_for_energy(const tariff_t *t, const tariff_ctx_t *ctx, int64_t milli, int64_t *minor)
{
    if (milli < 0 || tariff_validate(t, NULL) != K_OK)
        return K_EINVAL;
    switch (t->kind) {
    case TARIFF_SINGLE: return kmath_muldiv(milli, t->price, COST_DIVISOR, KROUND_UP, minor);
    case TARIFF_TOU: {
        int64_t num, den;
        if (tou_blend(t, ctx, &num, &den) != K_OK)
            return K_EINVAL;
        return kmath_muldiv(milli, num, den * COST_DIVISOR, KROUND_UP, minor);
    }
    case TARIFF_TIERED: return round_cost(tier_cost_exact(t, month_used(ctx), milli), KROUND_UP, minor);
    }
    return K_EINVAL;
}

kerr_t tariff_cost_bands(const tariff_t *t, const tariff_ctx_t *ctx, const int64_t milli[BAND_COUNT],
                         kround_t mode, int64_t *minor)
{
    if (tariff_validate(t, NULL) != K_OK)
        return K_EINVAL;
    i128 exact = 0;
    int64_t total = 0;
    for (int b = 0; b < BAND_COUNT; b++) {
        if (milli[b] < 0 || __builtin_add_overflow(total, milli[b], &total))
            return K_EINVAL;
        if (t->kind == TARIFF_TOU)
            exact += (i128)milli[b] * t->band_price[b];
    }
    if (t->kind == TARIFF_SINGLE)
        exact = (i128)total * t->price;
    else if (t->kind == TARIFF_TIERED)
        exact = tier_cost_exact(t, month_used(ctx), total);
    return round_cost(exact, mode, minor);
}
