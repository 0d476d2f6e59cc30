/* The storage interface (bo_store.h), its scheduled runs part (docs/
 * billing.md, "Scheduled runs"): what serve runs on its own each period
 * (a site's charges, an apportionment group's run) and the record that a
 * job ran for a period, one row per job and period. */
#ifndef BACKOFFICE_STORE_BO_STORE_SCHED_H
#define BACKOFFICE_STORE_BO_STORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* An id with a time (ms): a job's and when it was created, or a period
 * and when it ran. */
typedef void (*bo_sched_id_cb)(void *arg, const char *id, int64_t at);

typedef struct bo_st_sched {
    /* Calls fn for each site that has charge items, by id, with when its
     * first item was created. */
    kerr_t (*charge_sites_each)(void *ctx, bo_sched_id_cb fn, void *arg, kmsg_t *msg);
    /* Calls fn for each apportionment group, by id, with when it was
     * created. */
    kerr_t (*groups_each)(void *ctx, bo_sched_id_cb fn, void *arg, kmsg_t *msg);
    /* Calls fn for each period from `from` on that job ran for, oldest
     * first, with when it ran. */
    kerr_t (*runs_each)(void *ctx, const char *job, const char *from, bo_sched_id_cb fn, void *arg, kmsg_t *msg);
    /* Whether job ran for period. */
    kerr_t (*done)(void *ctx, const char *job, const char *period, bool *found, kmsg_t *msg);
    /* Records that job ran for period; *added false if it was recorded
     * before (the row left as it was). */
    kerr_t (*record)(void *ctx, const char *job, const char *period, int64_t at, const char *detail, bool *added,
                     kmsg_t *msg);
} bo_st_sched_t;

#endif
