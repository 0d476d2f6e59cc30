/* A meter's tariff over time (tariff_plan.h). */
#include "core/tariff_plan.h"

#include <stdio.h>
#include <string.h>

#include "core/kmath.h"

int tariff_version_at(const int64_t *from_ms, size_t n, int64_t at_ms)
{
    int best = -1;
    for (size_t i = 0; i < n; i++)
        if (from_ms[i] <= at_ms && (best < 0 || from_ms[i] >= from_ms[best]))
            best = (int)i;
    return best;
}

bool meter_tariff_estimate(const meter_tariff_t *t, int64_t minor, int64_t *milli)
{
    *milli = 0;
    return t && minor > 0 && tariff_energy_for_amount(&t->tariff, &t->ctx, minor, milli) == K_OK;
}

void tariff_price_text(int64_t price, unsigned exponent, char out[32])
{
    unsigned scale = exponent + 4; /* TARIFF_PRICE_SCALE is 10^4 */
    if (!kmath_format_fixed(price, scale, out, 32)) {
        snprintf(out, 32, "?");
        return;
    }
    size_t len = strlen(out), keep = len - 4; /* never fewer decimals than the currency has */
    while (len > keep && out[len - 1] == '0')
        out[--len] = '\0';
    if (len && out[len - 1] == '.')
        out[--len] = '\0';
}

void tariff_price_range(const tariff_t *t, int64_t *lo, int64_t *hi)
{
    *lo = *hi = t->price;
    if (t->kind == TARIFF_TOU) {
        *lo = INT64_MAX, *hi = 0;
        for (size_t i = 0; i < t->n_sw; i++) {
            int64_t p = t->band_price[t->sw[i].band];
            *lo = p < *lo ? p : *lo;
            *hi = p > *hi ? p : *hi;
        }
    } else if (t->kind == TARIFF_TIERED) {
        *lo = INT64_MAX, *hi = 0;
        for (size_t i = 0; i < t->n_tiers; i++) {
            int64_t p = t->tier[i].price;
            *lo = p < *lo ? p : *lo;
            *hi = p > *hi ? p : *hi;
        }
    }
    if (*lo > *hi)
        *lo = *hi = 0;
}
