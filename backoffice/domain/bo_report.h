/* Listings and reports (bo_store.h, bo_listing_t): sales by day, site or
 * method from the transactions' latest states; energy by meter and month
 * from the meters' readings; rows rejected; alerts; quarantine; the
 * fleet's audit trail; and every list staff read. The command line and the
 * admin API present the same rows. */
#ifndef BACKOFFICE_DOMAIN_BO_REPORT_H
#define BACKOFFICE_DOMAIN_BO_REPORT_H

#include <stdbool.h>

#include "backoffice/base/bo_rows.h"
#include "backoffice/store/bo_store.h"

/* The report named what (sales, energy, rejected, alerts, quarantine; by:
 * day, site or method for sales, NULL: day); false if there is none
 * (the audit report takes other arguments: BO_REPORT_AUDIT). */
bool bo_report_find(const char *what, const char *by, bo_listing_t *out);

/* A meter's energy report by `by` (day, month or year; NULL: month);
 * false for another period. */
bool bo_report_meter_energy(const char *by, bo_listing_t *out);

/* The rows of listing what into out (bo_rows_free them). */
kerr_t bo_report_rows(bo_store_t *st, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg);

#endif
