/* The forecast of days left (bo_forecast.h). */
#include "backoffice/domain/bo_forecast.h"

#include <stdbool.h>
#include <stddef.h>

#include "core/kmath.h"

/* balance * unit * n / (sum of the n spends), rounded down, with the
 * header's -1, 0 and INT64_MAX. */
static int64_t at_mean_rate(int64_t balance, const int64_t *spend, int n, int64_t unit)
{
    if (!spend || n < 1)
        return -1;
    int64_t sum = 0, q = 0;
    bool overflow = false;
    for (int i = 0; i < n && !overflow; i++)
        overflow = kmath_add(sum, spend[i], &sum) != K_OK;
    if (overflow || sum <= 0)
        return overflow ? 0 : -1; /* spent beyond int64 a day: nothing left */
    if (balance <= 0)
        return 0;
    return kmath_muldiv(balance, unit * n, sum, KROUND_DOWN, &q) == K_OK ? q : INT64_MAX;
}

int64_t bo_forecast_days_left_milli(int64_t balance_minor, const int64_t *daily_spend_minor, int n_days)
{
    return at_mean_rate(balance_minor, daily_spend_minor, n_days, 1000);
}

int64_t bo_forecast_ms_to_zero(int64_t balance_minor, const int64_t *daily_spend_minor, int n_days)
{
    return at_mean_rate(balance_minor, daily_spend_minor, n_days, BO_DAY_MS);
}
