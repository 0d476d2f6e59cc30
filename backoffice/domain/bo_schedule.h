/* The periodic charges and apportionments serve runs on its own (docs/
 * billing.md, "Scheduled runs"), after its daily billing: once a local
 * month has begun, each site's charge items applied for it; once it has
 * ended, each apportionment group run for it. A job (charges:SITE,
 * apportion:GROUP) runs once per period: its run is recorded, and the
 * charges themselves are unique per item, account and period, so a
 * second pass, a restart or a run lost before its record never charges
 * twice. A period missed (serve down, or no instance leading, when it fell
 * due) is run late, oldest first: every period from the one due when the
 * job was created (its site's first charge item, its group), at most
 * BO_SCHED_LOOKBACK back, up to the one due now. */
#ifndef BACKOFFICE_DOMAIN_BO_SCHEDULE_H
#define BACKOFFICE_DOMAIN_BO_SCHEDULE_H

#include <stdint.h>

#include "backoffice/store/bo_store.h"
#include "base/err.h"

#define BO_SCHED_LOOKBACK 12 /* months a job's missed periods are caught up over */
#define BO_SCHED_LATE_MAX 48 /* late runs in one pass; the rest at the next */

/* What a pass did. */
typedef struct bo_sched_stats {
    int jobs;        /* job runs now, one per job and period (late ones too) */
    int late;        /* those for a period before the one due now */
    int waiting;     /* jobs with late periods left for the next pass */
    int failed;      /* job runs that failed: left for the next pass */
    int64_t charges; /* charges recorded now by those runs */
} bo_sched_stats_t;

/* Runs, for every job, each period due by now (UTC ms) and not yet run,
 * oldest first, each in its own transaction, audited as the command
 * line's are with the actor "backoffice:schedule"; a late one also has an
 * audit row "schedule.late" (the job; the period, when it fell due, when
 * it ran) in the transaction that records it, and charges no item created
 * and no account opened after its month. A failed run stops its job's later periods until the
 * next pass, not the other jobs; the first failure is returned with its
 * message. */
kerr_t bo_schedule_run(bo_store_t *st, int64_t now, bo_sched_stats_t *stats, kmsg_t *msg);

#endif
