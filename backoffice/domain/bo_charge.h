/* Other charges (自定义收费, docs/billing.md, "Other charges"): charge
 * items per site (a fixed amount or a rate per m2 of floor area, monthly
 * or once) applied to the site's open accounts for a period: deducted from
 * a prepaid account's carried balance or left for a post-paid account's
 * next bill. Applying is idempotent: one charge per item, account and
 * period (a one-off item's period is "once"). Each charge applied is a
 * row of its own and an audit row. */
#ifndef BACKOFFICE_DOMAIN_BO_CHARGE_H
#define BACKOFFICE_DOMAIN_BO_CHARGE_H

#include <stdint.h>

#include "backoffice/domain/bo_op.h"

/* What an apply did. */
typedef struct bo_charge_stats {
    int64_t applied, deducted, billed; /* charges recorded now; of them deducted, billed */
    int64_t again;                     /* applied before: left as they were */
    int64_t zero;                      /* came to 0 (an area charge on an account without an area): none made */
    int64_t amount;                    /* minor units of the charges recorded now */
} bo_charge_stats_t;

/* Adds charge item c (basis fixed or area, every month or once; rate:
 * minor units, per m2 for area), audited charge.add. */
kerr_t bo_charge_add(bo_store_t *st, const bo_who_t *who, const bo_charge_item_t *c, kmsg_t *msg);

/* Applies every item of site to each open account with a live meter on
 * the site for period "YYYY-MM", in one transaction. */
kerr_t bo_charge_apply(bo_store_t *st, const bo_who_t *who, const char *site, const char *period,
                       bo_charge_stats_t *stats, kmsg_t *msg);

/* bo_charge_apply with only the items created and the accounts opened
 * before made_before (ms): a scheduled run late for a past month charges
 * no item made, and no account opened, after that month ended
 * (bo_schedule.h). */
kerr_t bo_charge_apply_made(bo_store_t *st, const bo_who_t *who, const char *site, const char *period,
                            int64_t made_before, bo_charge_stats_t *stats, kmsg_t *msg);

/* One charge of amount on account a for (item, period), inside the
 * caller's transaction: deducted from a prepaid account's carried balance
 * (which may go below 0: the account then owes it) or recorded for a
 * post-paid account's next bill, and audited charge.deduct or
 * charge.bill; *added false (nothing written) if it was applied before.
 * Shared by the charges and apportionment. */
kerr_t bo_charge_post(bo_store_t *st, const bo_who_t *who, const bo_post_account_t *a, const char *item,
                      const char *name, const char *period, int64_t amount, const char *detail, bool *added,
                      kmsg_t *msg);

#endif
