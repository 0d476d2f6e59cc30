/* The scheduled charges and apportionments (bo_schedule.h). */
#include "backoffice/domain/bo_schedule.h"

#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_apportion.h"
#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_billing.h"
#include "backoffice/domain/bo_charge.h"

#define MAX_JOBS 1024 /* sites with charges, or groups, in one pass */

/* The ids a pass works through (read before any job opens its own
 * transaction). */
typedef struct ids {
    char id[MAX_JOBS][65];
    int n;
} ids_t;

static void id_add(void *arg, const char *id)
{
    ids_t *l = arg;
    if (l->n < MAX_JOBS)
        snprintf(l->id[l->n++], sizeof l->id[0], "%s", id);
}

/* One job's run for period, with what it made. */
typedef kerr_t (*job_fn)(bo_store_t *st, const bo_who_t *who, const char *id, const char *period, int64_t *made,
                         char *detail, size_t len, kmsg_t *msg);

static kerr_t charges_job(bo_store_t *st, const bo_who_t *who, const char *site, const char *period, int64_t *made,
                          char *detail, size_t len, kmsg_t *msg)
{
    bo_charge_stats_t s;
    kerr_t rc = bo_charge_apply(st, who, site, period, &s, msg);
    *made = rc == K_OK ? s.applied : 0;
    snprintf(detail, len, "applied %lld charges (%lld minor units); %lld applied before", (long long)s.applied,
             (long long)s.amount, (long long)s.again);
    return rc;
}

static kerr_t apportion_job(bo_store_t *st, const bo_who_t *who, const char *group, const char *period,
                            int64_t *made, char *detail, size_t len, kmsg_t *msg)
{
    bo_apportion_result_t res;
    kerr_t rc = bo_apportion_run(st, who, group, period, &res, msg);
    *made = rc == K_OK ? res.parts : 0;
    snprintf(detail, len, "%s: common %lld, amount %lld to %d accounts%s%s", res.again ? "ran before" : "ran",
             (long long)res.common, (long long)res.amount, res.parts, res.warning[0] ? "; " : "", res.warning);
    return rc;
}

/* Runs kind's job for each id not yet run for period. */
static kerr_t jobs(bo_store_t *st, const bo_who_t *who, const char *kind, const ids_t *l, const char *period,
                   job_fn fn, bo_sched_stats_t *stats, kmsg_t *msg)
{
    kerr_t first = K_OK;
    for (int i = 0; i < l->n; i++) {
        char job[80], detail[300];
        bool done = false, added = false;
        int64_t made = 0;
        kmsg_t m = {{0}};
        snprintf(job, sizeof job, "%s:%s", kind, l->id[i]);
        kerr_t rc = st->ops->sched->done(st->ctx, job, period, &done, &m);
        if (rc == K_OK && done)
            continue;
        if (rc == K_OK)
            rc = fn(st, who, l->id[i], period, &made, detail, sizeof detail, &m);
        if (rc == K_OK)
            rc = st->ops->sched->record(st->ctx, job, period, who->now, detail, &added, &m);
        stats->jobs += rc == K_OK;
        stats->charges += made;
        if (rc && !stats->failed++) {
            first = rc;
            kmsg_set(msg, rc, "%s for %s: %s", job, period, m.text);
        }
    }
    return first;
}

kerr_t bo_schedule_run(bo_store_t *st, int64_t now, bo_sched_stats_t *stats, kmsg_t *msg)
{
    static ids_t sites, groups; /* the server's lock holds them for one pass at a time */
    char today[11], month[8], last[11], last_month[8];
    int64_t day = bo_billing_day_of(now);
    bo_bill_day_text(day, today);
    bo_bill_day_text(bo_bill_month_first(day) - 1, last);
    snprintf(month, sizeof month, "%.7s", today);
    snprintf(last_month, sizeof last_month, "%.7s", last);
    memset(stats, 0, sizeof *stats);
    sites.n = groups.n = 0;
    bo_who_t who = {"backoffice:schedule", now};
    kerr_t rc = st->ops->sched->charge_sites_each(st->ctx, id_add, &sites, msg);
    if (rc == K_OK)
        rc = st->ops->sched->groups_each(st->ctx, id_add, &groups, msg);
    if (rc)
        return rc;
    kerr_t a = jobs(st, &who, "charges", &sites, month, charges_job, stats, msg);
    kerr_t b = jobs(st, &who, "apportion", &groups, last_month, apportion_job, stats, a ? &(kmsg_t){{0}} : msg);
    return a ? a : b;
}
