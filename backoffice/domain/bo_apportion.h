/* Common-area apportionment (公共区域分摊, docs/billing.md,
 * "Apportionment"): a master meter and its sub-meters on a site. For a
 * month, the common use is the master's energy less the sub-meters' (or
 * the master's alone), never below 0 (below: 0 and a warning on the run);
 * priced at the group's price per kWh (m3), it is split between the
 * sub-meters' accounts by ratio, floor area or use, in whole minor units
 * by largest remainders (bo_split.h), and each share charged through the
 * charges (bo_charge_post: deducted or billed). One run per group and
 * month. */
#ifndef BACKOFFICE_DOMAIN_BO_APPORTION_H
#define BACKOFFICE_DOMAIN_BO_APPORTION_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/domain/bo_op.h"

#define BO_APPORTION_MAX 1024 /* sub-meters in a group */

/* A sub-meter and its weight (ratio split; 1 when not given). */
typedef struct bo_apportion_sub {
    const char *meter;
    int64_t weight;
} bo_apportion_sub_t;

/* What a run found and did. */
typedef struct bo_apportion_result {
    bool again; /* the group ran for the period before: nothing done */
    int64_t master, subs, common, amount;
    int parts; /* accounts charged */
    char warning[160];
} bo_apportion_result_t;

/* Adds group g with its sub-meters (the master and each sub-meter
 * registered on g's site; common residual or master; split ratio, area or
 * usage), audited apportion.add. */
kerr_t bo_apportion_add(bo_store_t *st, const bo_who_t *who, const bo_apportion_group_t *g,
                        const bo_apportion_sub_t *subs, int n, kmsg_t *msg);

/* Runs group for period "YYYY-MM" from the days billed (bill_day), in one
 * transaction, audited apportion.run. */
kerr_t bo_apportion_run(bo_store_t *st, const bo_who_t *who, const char *group, const char *period,
                        bo_apportion_result_t *res, kmsg_t *msg);

#endif
