/* How long a prepaid balance lasts at the recent rate of spending (docs/
 * billing.md, "The forecast"): pure integer arithmetic, shared by daily
 * billing and the notices. The rate is the mean of the daily spends given
 * (minor units a day); the result rounds down, so a forecast never promises
 * more time than the money buys. */
#ifndef BACKOFFICE_DOMAIN_BO_FORECAST_H
#define BACKOFFICE_DOMAIN_BO_FORECAST_H

#include <stdint.h>

#define BO_DAY_MS 86400000LL

/* Milli-days the balance lasts at the mean daily spend of the n_days
 * spends given, rounded down: balance * 1000 * n_days / sum. -1 when
 * nothing was spent (no spends, n_days < 1, or their sum 0 or less); 0
 * when the balance is 0 or below (or the spends' sum beyond int64);
 * INT64_MAX when the result does not fit.
 * Negative spends (refunds) count in the sum as they are. */
int64_t bo_forecast_days_left_milli(int64_t balance_minor, const int64_t *daily_spend_minor, int n_days);

/* Milliseconds until the balance reaches zero at the same rate, rounded
 * down: balance * 86,400,000 * n_days / sum; -1, 0 and INT64_MAX as
 * bo_forecast_days_left_milli. */
int64_t bo_forecast_ms_to_zero(int64_t balance_minor, const int64_t *daily_spend_minor, int n_days);

#endif
