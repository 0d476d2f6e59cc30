/* Daily billing (每日算费, docs/billing.md): each meter's local day billed
 * from its readings and freezes by its own tariff (bo_bill_calc.h), the
 * balance mirrored and the days left forecast (bo_forecast.h), stored one
 * row per meter and day (billing a day again replaces its rows). Days are
 * the back office's local days: its time zone (TZ), as the kiosks' daily
 * freezes are their local midnights. */
#ifndef BACKOFFICE_DOMAIN_BO_BILLING_H
#define BACKOFFICE_DOMAIN_BO_BILLING_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/store/bo_store.h"
#include "base/err.h"

/* What a run did. */
typedef struct bo_bill_stats {
    int64_t days;      /* meter-days looked at */
    int64_t rows;      /* rows stored */
    int64_t idle;      /* meter-days with no reading: nothing stored */
    int64_t no_tariff; /* meter-days of meters without a known tariff (or one that cannot price): skipped */
} bo_bill_stats_t;

/* The local day (days since 1970-01-01) of an instant (UTC ms). */
int64_t bo_billing_day_of(int64_t ms);

/* The local day's bounds in UTC ms: [*start, *end). */
void bo_billing_day_bounds(int64_t day, int64_t *start, int64_t *end);

/* Bills every meter of site ("" or NULL: every site) for the local day
 * `day` (bo_bill_day_parse), in one transaction, stamped now. */
kerr_t bo_billing_run_day(bo_store_t *st, const char *day, const char *site, int64_t now, bo_bill_stats_t *stats,
                          kmsg_t *msg);

/* Bills what changed: each day a reading or freeze stored since the last
 * run touches (and the meter's days billed after it, up to 30: their
 * month's tiers and forecasts follow), then yesterday's every meter if
 * `yesterday` or if no run has billed it yet. One transaction. */
kerr_t bo_billing_run_pending(bo_store_t *st, const char *site, int64_t now, bool yesterday, bo_bill_stats_t *stats,
                              kmsg_t *msg);

/* Whose days a report is about: exactly one of account, site and meter
 * given (non-NULL) sets *by and *id; false otherwise. */
bool bo_billing_by(const char *account, const char *site, const char *meter, bo_bill_by_t *by, const char **id);

/* The report rows of a meter's, an account's or a site's days from `from`
 * to `to` (dates, inclusive), then a total (bo_store_bill.h). K_EINVAL
 * naming a bad date. */
kerr_t bo_billing_report(bo_store_t *st, bo_bill_by_t by, const char *id, const char *from, const char *to,
                         bo_rows_t *out, kmsg_t *msg);

#endif
