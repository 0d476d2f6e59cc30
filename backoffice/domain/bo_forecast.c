/* The forecast of days left (bo_forecast.h). */
#include "backoffice/domain/bo_forecast.h"

#include <stddef.h>

/* balance * unit * n / (sum of the n spends), rounded down, with the
 * header's -1, 0 and INT64_MAX. */
static int64_t at_mean_rate(int64_t balance, const int64_t *spend, int n, int64_t unit)
{
    if (!spend || n < 1)
        return -1;
    __int128 sum = 0;
    for (int i = 0; i < n; i++)
        sum += spend[i];
    if (sum <= 0)
        return -1;
    if (balance <= 0)
        return 0;
    __int128 q = (__int128)balance * unit * n / sum;
    return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}

int64_t bo_forecast_days_left_milli(int64_t balance_minor, const int64_t *daily_spend_minor, int n_days)
{
    return at_mean_rate(balance_minor, daily_spend_minor, n_days, 1000);
}

int64_t bo_forecast_ms_to_zero(int64_t balance_minor, const int64_t *daily_spend_minor, int n_days)
{
    return at_mean_rate(balance_minor, daily_spend_minor, n_days, BO_DAY_MS);
}
