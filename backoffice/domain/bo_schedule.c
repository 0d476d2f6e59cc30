/* The scheduled charges and apportionments (bo_schedule.h). */
#include "backoffice/domain/bo_schedule.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backoffice/domain/bo_apportion.h"
#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_billing.h"
#include "backoffice/domain/bo_charge.h"
#include "backoffice/domain/bo_op.h"

#define MAX_JOBS 1024 /* sites with charges, or groups, in one pass */

/* The jobs of one kind a pass works through, with when each was created
 * (read before any job opens its own transaction). */
typedef struct ids {
    char id[MAX_JOBS][65];
    int64_t since[MAX_JOBS];
    int n;
} ids_t;

static void id_add(void *arg, const char *id, int64_t since)
{
    ids_t *l = arg;
    if (l->n < MAX_JOBS) {
        l->since[l->n] = since;
        snprintf(l->id[l->n++], sizeof l->id[0], "%s", id);
    }
}

/* Months as one number, year * 12 + month - 1, local time. */
static int month_of(int64_t ms)
{
    char d[11];
    int y = 1970, m = 1;
    bo_bill_day_text(bo_billing_day_of(ms), d);
    sscanf(d, "%4d-%2d", &y, &m);
    return y * 12 + m - 1;
}

static void month_text(int month, char out[8])
{
    snprintf(out, 8, "%04d-%02d", month / 12 % 10000, month % 12 + 1);
}

/* Local midnight starting month's first day, in UTC ms. */
static int64_t month_start(int month)
{
    struct tm tm = {.tm_year = month / 12 - 1900, .tm_mon = month % 12, .tm_mday = 1, .tm_isdst = -1};
    return (int64_t)mktime(&tm) * 1000;
}

/* One job's run for period (items created before until only), with what
 * it made. */
typedef kerr_t (*job_fn)(bo_store_t *st, const bo_who_t *who, const char *id, const char *period, int64_t until,
                         int64_t *made, char *detail, size_t len, kmsg_t *msg);

static kerr_t charges_job(bo_store_t *st, const bo_who_t *who, const char *site, const char *period, int64_t until,
                          int64_t *made, char *detail, size_t len, kmsg_t *msg)
{
    bo_charge_stats_t s;
    kerr_t rc = bo_charge_apply_made(st, who, site, period, until, &s, msg);
    *made = rc == K_OK ? s.applied : 0;
    snprintf(detail, len, "applied %lld charges (%lld minor units); %lld applied before", (long long)s.applied,
             (long long)s.amount, (long long)s.again);
    return rc;
}

static kerr_t apportion_job(bo_store_t *st, const bo_who_t *who, const char *group, const char *period, int64_t until,
                            int64_t *made, char *detail, size_t len, kmsg_t *msg)
{
    (void)until; /* a group's run is for the period whenever the group was made */
    bo_apportion_result_t res;
    kerr_t rc = bo_apportion_run(st, who, group, period, &res, msg);
    *made = rc == K_OK ? res.parts : 0;
    snprintf(detail, len, "%s: common %lld, amount %lld to %d accounts%s%s", res.again ? "ran before" : "ran",
             (long long)res.common, (long long)res.amount, res.parts, res.warning[0] ? "; " : "", res.warning);
    return rc;
}

/* A kind of job. */
typedef struct kind {
    const char *name; /* the job's prefix: "charges:SITE" */
    int lag;          /* months from a period to the month it falls due in */
    job_fn fn;
} kind_t;

static const kind_t CHARGES = {"charges", 0, charges_job};
static const kind_t APPORTION = {"apportion", 1, apportion_job};

/* The periods a job ran for, from first on. */
typedef struct ran {
    int first;
    bool ran[BO_SCHED_LOOKBACK];
} ran_t;

static void on_run(void *arg, const char *period, int64_t at)
{
    (void)at;
    ran_t *r = arg;
    int y = 0, m = 0;
    if (sscanf(period, "%4d-%2d", &y, &m) == 2 && m >= 1 && m <= 12) {
        int i = y * 12 + m - 1 - r->first;
        if (i >= 0 && i < BO_SCHED_LOOKBACK)
            r->ran[i] = true;
    }
}

/* Records job's run for period; a late one with its audit row, in one
 * transaction. */
static kerr_t record(bo_store_t *st, const bo_who_t *who, const char *job, const char *period, int64_t due, bool late,
                     const char *detail, kmsg_t *msg)
{
    bool added = false;
    if (!late)
        return st->ops->sched->record(st->ctx, job, period, who->now, detail, &added, msg);
    char on[11], at[11], text[400];
    bo_bill_day_text(bo_billing_day_of(due), on);
    bo_bill_day_text(bo_billing_day_of(who->now), at);
    snprintf(text, sizeof text, "late: period %s due %s ran %s; %s", period, on, at, detail);
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->sched->record(st->ctx, job, period, who->now, text, &added, msg);
    return bo_op_end(&op, rc, "schedule.late", job, "", text, NULL, NULL);
}

/* Runs the periods job has not run for, oldest first, from the one due
 * when it was created (at most BO_SCHED_LOOKBACK back) to the one due in
 * month now; stops at a failure. */
static kerr_t job_run(bo_store_t *st, const bo_who_t *who, const kind_t *k, const char *id, int64_t since, int now,
                      bo_sched_stats_t *stats, kmsg_t *msg)
{
    char job[80], period[8], detail[300];
    int last = now - k->lag, first = month_of(since) - k->lag;
    ran_t r = {first < last - BO_SCHED_LOOKBACK + 1 ? last - BO_SCHED_LOOKBACK + 1 : first, {0}};
    snprintf(job, sizeof job, "%s:%s", k->name, id);
    month_text(r.first, period);
    kerr_t rc = r.first > last ? K_OK : st->ops->sched->runs_each(st->ctx, job, period, on_run, &r, msg);
    for (int m = r.first; rc == K_OK && m <= last; m++) {
        bool late = m < last;
        if (r.ran[m - r.first])
            continue;
        if (late && stats->late >= BO_SCHED_LATE_MAX) {
            stats->waiting++;
            break;
        }
        int64_t made = 0;
        month_text(m, period);
        rc = k->fn(st, who, id, period, month_start(m + 1), &made, detail, sizeof detail, msg);
        if (rc == K_OK)
            rc = record(st, who, job, period, month_start(m + k->lag), late, detail, msg);
        stats->jobs += rc == K_OK;
        stats->late += rc == K_OK && late;
        stats->charges += made;
        if (rc)
            kmsg_prefix(msg, "%s for %s: ", job, period);
    }
    return rc;
}

/* Runs kind's jobs; the first failure in msg. */
static kerr_t jobs(bo_store_t *st, const bo_who_t *who, const kind_t *k, const ids_t *l, int now,
                   bo_sched_stats_t *stats, kmsg_t *msg)
{
    kerr_t first = K_OK;
    for (int i = 0; i < l->n; i++) {
        kmsg_t m = {{0}};
        kerr_t rc = job_run(st, who, k, l->id[i], l->since[i], now, stats, &m);
        if (rc && !stats->failed++) {
            first = rc;
            kmsg_set(msg, rc, "%s", m.text);
        }
    }
    return first;
}

kerr_t bo_schedule_run(bo_store_t *st, int64_t now, bo_sched_stats_t *stats, kmsg_t *msg)
{
    static ids_t sites, groups; /* the server's lock holds them for one pass at a time */
    memset(stats, 0, sizeof *stats);
    sites.n = groups.n = 0;
    bo_who_t who = {"backoffice:schedule", now};
    kerr_t rc = st->ops->sched->charge_sites_each(st->ctx, id_add, &sites, msg);
    if (rc == K_OK)
        rc = st->ops->sched->groups_each(st->ctx, id_add, &groups, msg);
    if (rc)
        return rc;
    int month = month_of(now);
    kerr_t a = jobs(st, &who, &CHARGES, &sites, month, stats, msg);
    kerr_t b = jobs(st, &who, &APPORTION, &groups, month, stats, a ? &(kmsg_t){{0}} : msg);
    return a ? a : b;
}
