/* Daily billing's runs and reports (bo_billing.h); one meter's day is
 * bo_billing_meter.c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_billing_int.h"
#include "backoffice/domain/bo_forecast.h"

#define FOLLOW_DAYS 30   /* a re-billed day's later days billed again */
#define SPAN_DAYS 400    /* the most days one meter's new readings re-bill at once */
#define MARK_READING "reading"
#define MARK_FROZEN "frozen"
#define MARK_SCHEDULED "scheduled_day"

int64_t bo_billing_day_of(int64_t ms)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    return (int64_t)timegm(&tm) / (BO_DAY_MS / 1000);
}

/* Local midnight starting day, in UTC ms. */
static int64_t midnight(int64_t day)
{
    time_t t = (time_t)(day * (BO_DAY_MS / 1000));
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

void bo_billing_day_bounds(int64_t day, int64_t *start, int64_t *end)
{
    *start = midnight(day);
    *end = midnight(day + 1);
}

static bool run_open(bo_bill_run_t *run, bo_store_t *st, const char *site, int64_t now, bo_bill_stats_t *stats,
                     kmsg_t *msg)
{
    memset(run, 0, sizeof *run);
    memset(stats, 0, sizeof *stats);
    *run = (bo_bill_run_t){.st = st, .now = now, .site = site ? site : "", .stats = stats, .msg = msg};
    run->r = malloc(BO_BILL_MAX_READINGS * sizeof *run->r);
    return run->r != NULL;
}

/* Begins the run's transaction and reads the tariff versions in it. */
static kerr_t run_begin(bo_bill_run_t *run)
{
    kerr_t rc = run->st->ops->begin(run->st->ctx, run->msg);
    return rc ? rc : bo__bill_versions_load(run);
}

/* Commits the run's transaction if it went well, else rolls it back. */
static kerr_t run_close(bo_bill_run_t *run, kerr_t rc)
{
    free(run->r);
    bo__bill_versions_free(run);
    if (rc == K_OK)
        rc = run->st->ops->commit(run->st->ctx, run->msg);
    if (rc)
        run->st->ops->rollback(run->st->ctx);
    return rc;
}

typedef struct day_arg {
    bo_bill_run_t *run;
    int64_t day;
} day_arg_t;

static void bill_each(void *arg, const bo_bill_meter_t *m)
{
    day_arg_t *d = arg;
    if (d->run->rc == K_OK)
        d->run->rc = bo__bill_meter_day(d->run, m, d->day);
}

/* Every meter of the run's site for day, inside the run's transaction. */
static kerr_t bill_all(bo_bill_run_t *run, int64_t day)
{
    day_arg_t d = {run, day};
    kerr_t rc = run->st->ops->bill->meters_each(run->st->ctx, run->site, bill_each, &d, run->msg);
    return rc ? rc : run->rc;
}

kerr_t bo_billing_run_day(bo_store_t *st, const char *day, const char *site, int64_t now, bo_bill_stats_t *stats,
                          kmsg_t *msg)
{
    int64_t d;
    bo_bill_run_t run;
    if (!bo_bill_day_parse(day, &d))
        return kmsg_set(msg, K_EINVAL, "not a date: %s (YYYY-MM-DD)", day ? day : "");
    if (!run_open(&run, st, site, now, stats, msg))
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = run_begin(&run);
    if (rc == K_OK)
        rc = bill_all(&run, d);
    return run_close(&run, rc);
}

/* A meter's days to bill again. */
typedef struct dirty {
    char meter[65];
    int64_t lo, hi;
} dirty_t;

typedef struct dirty_list {
    dirty_t *v;
    size_t n, cap;
    bool oom;
} dirty_list_t;

static void dirty_add(void *arg, const char *meter, int64_t lo, int64_t hi)
{
    dirty_list_t *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        dirty_t *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    dirty_t *d = &l->v[l->n++];
    strncpy(d->meter, meter, sizeof d->meter - 1);
    d->meter[sizeof d->meter - 1] = '\0';
    d->lo = bo_billing_day_of(lo);
    d->hi = bo_billing_day_of(hi);
}

typedef struct span_arg {
    bo_bill_run_t *run;
    const dirty_t *d;
} span_arg_t;

/* The meter's days lo..hi and its days billed after them (up to
 * FOLLOW_DAYS), when it is one of the run's site's. */
static void bill_span(void *arg, const bo_bill_meter_t *m)
{
    bo_bill_run_t *run = ((span_arg_t *)arg)->run;
    const dirty_t *d = ((span_arg_t *)arg)->d;
    char last[11];
    int64_t last_day, hi = d->hi, lo = d->lo > d->hi - SPAN_DAYS ? d->lo : d->hi - SPAN_DAYS;
    if (run->rc || (run->site[0] && strcmp(run->site, m->site) != 0))
        return;
    run->rc = run->st->ops->bill->last_day(run->st->ctx, m->id, last, run->msg);
    if (run->rc == K_OK && bo_bill_day_parse(last, &last_day) && last_day > hi)
        hi = last_day < d->hi + FOLLOW_DAYS ? last_day : d->hi + FOLLOW_DAYS;
    for (int64_t day = lo; run->rc == K_OK && day <= hi; day++)
        run->rc = bo__bill_meter_day(run, m, day);
}

/* Bills what the marks say changed, then moves them. */
static kerr_t bill_dirty(bo_bill_run_t *run)
{
    const bo_st_bill_t *b = run->st->ops->bill;
    void *ctx = run->st->ctx;
    int64_t rmark = 0, fmark = 0;
    dirty_list_t l = {0};
    kerr_t rc = b->mark_get(ctx, MARK_READING, &rmark, run->msg);
    if (rc == K_OK)
        rc = b->mark_get(ctx, MARK_FROZEN, &fmark, run->msg);
    if (rc == K_OK)
        rc = b->dirty_each(ctx, &rmark, &fmark, dirty_add, &l, run->msg);
    if (rc == K_OK && l.oom)
        rc = kmsg_set(run->msg, K_EIO, "out of memory");
    for (size_t i = 0; rc == K_OK && i < l.n; i++) {
        bool found = false;
        span_arg_t a = {run, &l.v[i]};
        rc = b->meter_get(ctx, l.v[i].meter, bill_span, &a, &found, run->msg);
        rc = rc ? rc : run->rc;
    }
    free(l.v);
    if (rc == K_OK)
        rc = b->mark_set(ctx, MARK_READING, rmark, run->msg);
    return rc ? rc : b->mark_set(ctx, MARK_FROZEN, fmark, run->msg);
}

kerr_t bo_billing_run_pending(bo_store_t *st, const char *site, int64_t now, bool yesterday, bo_bill_stats_t *stats,
                              kmsg_t *msg)
{
    bo_bill_run_t run;
    int64_t done = 0, day = bo_billing_day_of(now) - 1;
    if (!run_open(&run, st, site, now, stats, msg))
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = run_begin(&run);
    if (rc == K_OK)
        rc = bill_dirty(&run);
    if (rc == K_OK)
        rc = st->ops->bill->mark_get(st->ctx, MARK_SCHEDULED, &done, msg);
    if (rc == K_OK && (yesterday || done < day))
        rc = bill_all(&run, day);
    if (rc == K_OK && !run.site[0] && done < day)
        rc = st->ops->bill->mark_set(st->ctx, MARK_SCHEDULED, day, msg);
    return run_close(&run, rc);
}

bool bo_billing_by(const char *account, const char *site, const char *meter, bo_bill_by_t *by, const char **id)
{
    const char *given[] = {[BO_BILL_BY_METER] = meter, [BO_BILL_BY_ACCOUNT] = account, [BO_BILL_BY_SITE] = site};
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (given[i]) {
            *by = (bo_bill_by_t)i;
            *id = given[i];
            n++;
        }
    return n == 1;
}

kerr_t bo_billing_report(bo_store_t *st, bo_bill_by_t by, const char *id, const char *from, const char *to,
                         bo_rows_t *out, kmsg_t *msg)
{
    int64_t a, b;
    if (!bo_bill_day_parse(from, &a) || !bo_bill_day_parse(to, &b))
        return kmsg_set(msg, K_EINVAL, "not a date: %s (YYYY-MM-DD)", bo_bill_day_parse(from, &a) ? to : from);
    if (!id || !id[0])
        return kmsg_set(msg, K_EINVAL, "say whose days: an account, a site or a meter");
    return st->ops->bill->report(st->ctx, by, id, from, to, out, msg);
}
