/* The periodic charges and apportionments serve runs on its own (docs/
 * billing.md, "Scheduled runs"), after its daily billing: once a local
 * month has begun, each site's charge items applied for it; once it has
 * ended, each apportionment group run for it. A job (charges:SITE,
 * apportion:GROUP) runs once per period: its run is recorded, and the
 * charges themselves are unique per item, account and period, so a
 * second pass, a restart or a run lost before its record never charges
 * twice. */
#ifndef BACKOFFICE_DOMAIN_BO_SCHEDULE_H
#define BACKOFFICE_DOMAIN_BO_SCHEDULE_H

#include <stdint.h>

#include "backoffice/store/bo_store.h"
#include "base/err.h"

/* What a pass did. */
typedef struct bo_sched_stats {
    int jobs;        /* jobs run now (not those run before for the period) */
    int failed;      /* jobs that failed: left for the next pass */
    int64_t charges; /* charges recorded now by those jobs */
} bo_sched_stats_t;

/* Runs every job due at now (UTC ms) and not yet run for its period, each
 * in its own transaction, audited as the command line's are with the
 * actor "backoffice:schedule". A failed job does not stop the others; the
 * first failure is returned with its message. */
kerr_t bo_schedule_run(bo_store_t *st, int64_t now, bo_sched_stats_t *stats, kmsg_t *msg);

#endif
