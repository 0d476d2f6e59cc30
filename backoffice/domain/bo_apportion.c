/* Common-area apportionment (bo_apportion.h). */
#include "backoffice/domain/bo_apportion.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_charge.h"
#include "backoffice/domain/bo_postpaid.h"
#include "backoffice/domain/bo_split.h"
#include "core/kmath.h"

static bool one_of(const char *v, const char *a, const char *b, const char *c)
{
    return v && (strcmp(v, a) == 0 || strcmp(v, b) == 0 || (c && strcmp(v, c) == 0));
}

typedef struct meter_site {
    char site[65];
} meter_site_t;

static void on_meter(void *arg, const bo_bill_meter_t *m)
{
    snprintf(((meter_site_t *)arg)->site, sizeof((meter_site_t *)arg)->site, "%s", m->site);
}

/* The meter is registered on site. */
static kerr_t on_site(bo_store_t *st, const char *meter, const char *site, kmsg_t *msg)
{
    meter_site_t m = {""};
    bool found = false;
    kerr_t rc = st->ops->bill->meter_get(st->ctx, meter, on_meter, &m, &found, msg);
    if (rc == K_OK && (!found || strcmp(m.site, site) != 0))
        rc = kmsg_set(msg, K_ENOTFOUND, "meter %s is not registered on site %s", meter, site);
    return rc;
}

kerr_t bo_apportion_add(bo_store_t *st, const bo_who_t *who, const bo_apportion_group_t *g,
                        const bo_apportion_sub_t *subs, int n, kmsg_t *msg)
{
    if (!g->id[0] || !one_of(g->common, "residual", "master", NULL) || !one_of(g->split, "ratio", "area", "usage") ||
        g->price < 0 || n < 1 || n > BO_APPORTION_MAX)
        return kmsg_set(msg, K_EINVAL, "a group is an id, --site, --master M, one or more --sub M[:WEIGHT], "
                                       "--common residual|master, --split ratio|area|usage, --price AMOUNT per kWh");
    bo_op_t op;
    char detail[200];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = on_site(st, g->master, g->site, msg);
    if (rc == K_OK)
        rc = st->ops->charge->group_add(st->ctx, g, who->now, msg);
    for (int i = 0; rc == K_OK && i < n; i++) {
        rc = strcmp(subs[i].meter, g->master) == 0
                 ? kmsg_set(msg, K_EINVAL, "the master meter %s cannot be its own sub-meter", g->master)
                 : on_site(st, subs[i].meter, g->site, msg);
        if (rc == K_OK)
            rc = st->ops->charge->member_add(st->ctx, g->id, subs[i].meter, subs[i].weight, msg);
    }
    snprintf(detail, sizeof detail, "site %s master %s %d sub-meters common %s split %s price %lld", g->site, g->master,
             n, g->common, g->split, (long long)g->price);
    return bo_op_end(&op, rc, "apportion.add", g->id, "", detail, NULL, NULL);
}

/* The accounts sharing, by id, with their weights. */
typedef struct share {
    char account[65];
    int64_t weight, area, use;
} share_t;

typedef struct run {
    bo_store_t *st;
    const char *from, *to;
    share_t shares[BO_APPORTION_MAX];
    int n;
    int64_t subs;
    int unbound;
    kerr_t rc;
    kmsg_t *msg;
} run_t;

static share_t *share_of(run_t *r, const char *account, int64_t area)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->shares[i].account, account) == 0)
            return &r->shares[i];
    share_t *s = &r->shares[r->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->account, sizeof s->account, "%s", account);
    s->area = area;
    return s;
}

/* A member: its use counts in the sub-meters; its account (if it is on
 * one) shares with the member's weight and use. */
static void on_member(void *arg, const char *meter, int64_t weight, const char *account, int64_t area)
{
    run_t *r = arg;
    int64_t use = 0;
    if (r->rc == K_OK)
        r->rc = r->st->ops->charge->meter_energy(r->st->ctx, meter, r->from, r->to, &use, r->msg);
    r->subs += use;
    if (!account[0]) {
        r->unbound++;
        return;
    }
    share_t *s = share_of(r, account, area);
    s->weight += weight;
    s->use += use;
}

static int by_account(const void *a, const void *b)
{
    return strcmp(((const share_t *)a)->account, ((const share_t *)b)->account);
}

/* The common use and its price; a warning when the sub-meters used more
 * than the master. */
static kerr_t common_of(const bo_apportion_group_t *g, run_t *r, bo_apportion_result_t *res, kmsg_t *msg)
{
    res->subs = r->subs;
    res->common = strcmp(g->common, "master") == 0 ? res->master : res->master - r->subs;
    if (res->common < 0) {
        snprintf(res->warning, sizeof res->warning, "master %s used %lld, less than its sub-meters' %lld: nothing shared",
                 g->master, (long long)res->master, (long long)r->subs);
        res->common = 0;
    } else if (r->unbound > 0) {
        snprintf(res->warning, sizeof res->warning, "%d sub-meters on no open account: not sharing", r->unbound);
    }
    if (kmath_muldiv(res->common, g->price, 1000, KROUND_HALF_UP, &res->amount) != K_OK)
        return kmsg_set(msg, K_EOVERFLOW, "group %s's common use is too large to price", g->id);
    return K_OK;
}

/* Splits the amount and charges each account its part. */
static kerr_t charge_parts(bo_store_t *st, const bo_who_t *who, const bo_apportion_group_t *g, run_t *r,
                           const char *period, bo_apportion_result_t *res, kmsg_t *msg)
{
    int64_t w[BO_APPORTION_MAX], part[BO_APPORTION_MAX];
    char item[48], name[64], detail[160];
    if (res->amount == 0 || r->n == 0)
        return K_OK;
    qsort(r->shares, (size_t)r->n, sizeof r->shares[0], by_account);
    for (int i = 0; i < r->n; i++)
        w[i] = strcmp(g->split, "area") == 0 ? r->shares[i].area
               : strcmp(g->split, "usage") == 0 ? r->shares[i].use : r->shares[i].weight;
    kerr_t rc = bo_split(res->amount, w, (size_t)r->n, part, msg);
    snprintf(item, sizeof item, "apportion:%s", g->id);
    snprintf(name, sizeof name, "common area %s", g->id);
    for (int i = 0; rc == K_OK && i < r->n; i++) {
        bo_post_account_t a;
        bool found = false, added = false;
        if (part[i] == 0)
            continue;
        rc = st->ops->post->account_get(st->ctx, r->shares[i].account, &a, &found, msg);
        snprintf(detail, sizeof detail, "%s of common %lld (%lld by %s, weight %lld of the group's)", period,
                 (long long)res->amount, (long long)res->common, g->split, (long long)w[i]);
        if (rc == K_OK && found)
            rc = bo_charge_post(st, who, &a, item, name, period, part[i], detail, &added, msg);
        res->parts += added;
    }
    return rc;
}

kerr_t bo_apportion_run(bo_store_t *st, const bo_who_t *who, const char *group, const char *period,
                        bo_apportion_result_t *res, kmsg_t *msg)
{
    char from[11], to[11], detail[300];
    memset(res, 0, sizeof *res);
    if (!group || !bo_period_month(period, from, to))
        return kmsg_set(msg, K_EINVAL, "an apportionment runs for a group and a month: --group G --period YYYY-MM");
    static run_t r; /* the command line's one thread and the server's lock hold it alone */
    memset(&r, 0, sizeof r);
    r.st = st, r.from = from, r.to = to, r.msg = msg;
    bo_apportion_group_t g;
    bo_op_t op;
    bool found = false, added = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->charge->group_get(st->ctx, group, &g, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "apportionment group %s is not known", group);
    if (rc == K_OK)
        rc = st->ops->charge->meter_energy(st->ctx, g.master, from, to, &res->master, msg);
    if (rc == K_OK)
        rc = st->ops->charge->members_each(st->ctx, group, on_member, &r, msg);
    if (rc == K_OK)
        rc = r.rc ? r.rc : common_of(&g, &r, res, msg);
    bo_apportion_run_t row = {group, period, res->warning, res->master, res->subs, res->common, res->amount, who->now};
    if (rc == K_OK)
        rc = st->ops->charge->run_add(st->ctx, &row, &added, msg);
    res->again = rc == K_OK && !added;
    if (rc == K_OK && added && strncmp(res->warning, "master", 6) == 0)
        rc = bo_alert_staff(st, who->now, "apportion_negative", g.master, res->warning, msg);
    if (rc == K_OK && added)
        rc = charge_parts(st, who, &g, &r, period, res, msg);
    if (rc == K_OK && res->again)
        return bo_op_commit(&op, rc);
    snprintf(detail, sizeof detail, "%s master %lld subs %lld common %lld amount %lld to %d accounts%s%s", period,
             (long long)res->master, (long long)res->subs, (long long)res->common, (long long)res->amount, res->parts,
             res->warning[0] ? "; " : "", res->warning);
    return bo_op_end(&op, rc, "apportion.run", group, "", detail, NULL, NULL);
}
