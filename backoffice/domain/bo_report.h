/* Listings and reports (bo_store.h, bo_listing_t): sales by day, site or
 * method from the transactions' latest states; energy by meter and month
 * from the meters' readings; rows rejected; alerts; quarantine; the
 * fleet's audit trail; and every list staff read. The command line and the
 * admin API present the same rows. */
#ifndef BACKOFFICE_DOMAIN_BO_REPORT_H
#define BACKOFFICE_DOMAIN_BO_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "backoffice/store/bo_store.h"

/* The report named what (sales, energy, rejected, alerts, quarantine; by:
 * day, site or method for sales, NULL: day); false if there is none
 * (the audit report takes other arguments: BO_REPORT_AUDIT). */
bool bo_report_find(const char *what, const char *by, bo_listing_t *out);

/* A meter's energy report by `by` (day, month or year; NULL: month);
 * false for another period. */
bool bo_report_meter_energy(const char *by, bo_listing_t *out);

/* Whether listing what counts the sites' local days (the sales and income
 * reports, the money movements): its days, months and years are those of
 * UTC + args.utc_offset_ms, and a day given alone bounds it there
 * (bo_report_day_parse). */
bool bo_report_local(bo_listing_t what);

/* text as a report's bound into *ms (UTC ms): a date alone ("2026-11-01")
 * is the midnight starting that day on a clock utc_offset_ms ahead of UTC
 * (0: the UTC day), a full UTC time ("2026-11-01T08:00:00Z") is that
 * instant; false if it is neither. */
bool bo_report_day_parse(const char *text, int64_t utc_offset_ms, int64_t *ms);

/* The rows of listing what into out (bo_rows_free them). */
kerr_t bo_report_rows(bo_store_t *st, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg);

#endif
