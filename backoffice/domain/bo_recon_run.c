/* Reconciliation's run (bo_recon_run.h). */
#include "backoffice/domain/bo_recon_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_phone.h"
#include "core/perm.h"

#define CN_OFFSET_MS (8 * 3600 * 1000LL) /* the providers' day: China time */
#define DAY_MS (86400 * 1000LL)

/* Appends e to the list (grown by doubling); b->oom when it cannot. */
static void push(bo_recon_bill_t *b, bo_recon_entry_t **list, size_t *n, size_t *cap, const bo_recon_entry_t *e)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        bo_recon_entry_t *g = realloc(*list, c * sizeof *g);
        if (!g) {
            b->oom = true;
            return;
        }
        *list = g, *cap = c;
    }
    (*list)[(*n)++] = *e;
}

static void on_row(void *arg, const bo_prov_bill_row_t *r)
{
    bo_recon_bill_t *b = arg;
    bo_recon_entry_t e = {.amount = r->amount < 0 ? -r->amount : r->amount};
    snprintf(e.out_trade_no, sizeof e.out_trade_no, "%s", r->out_trade_no);
    snprintf(e.trade_no, sizeof e.trade_no, "%s", r->trade_no);
    if (r->refund)
        push(b, &b->refunds, &b->n_refunds, &b->cap_refunds, &e);
    else
        push(b, &b->paid, &b->n_paid, &b->cap_paid, &e);
}

kerr_t bo_recon_fetch(const bo_provider_t *p, const char *day, bo_recon_bill_t *b, kmsg_t *msg)
{
    memset(b, 0, sizeof *b);
    kerr_t rc = p->ops->bill(p->ctx, day, on_row, b, msg);
    if (rc == K_OK && b->oom)
        rc = kmsg_set(msg, K_EIO, "out of memory reading the bill of %s", day);
    return rc;
}

void bo_recon_bill_free(bo_recon_bill_t *b)
{
    free(b->paid);
    free(b->refunds);
    memset(b, 0, sizeof *b);
}

/* The back office's side of a day, and what recording it needs. */
typedef struct run {
    bo_store_t *st;
    const bo_who_t *who;
    const char *provider, *day;
    bool kiosk_orders;    /* the provider takes the kiosks' orders: those that do not say whose they are are its */
    bo_recon_bill_t here; /* its paid orders and its refunds that succeeded */
    bo_recon_stats_t *stats;
    kerr_t rc;
    kmsg_t *msg;
} run_t;

static void on_paid(void *arg, const char *id, const char *ref, int64_t amount)
{
    run_t *r = arg;
    bo_recon_entry_t e = {.amount = amount};
    snprintf(e.out_trade_no, sizeof e.out_trade_no, "%s", id);
    snprintf(e.trade_no, sizeof e.trade_no, "%s", ref);
    push(&r->here, &r->here.paid, &r->here.n_paid, &r->here.cap_paid, &e);
}

static void on_refunded(void *arg, const char *id, const char *ref, int64_t amount)
{
    run_t *r = arg;
    bo_recon_entry_t e = {.amount = amount};
    snprintf(e.out_trade_no, sizeof e.out_trade_no, "%s", id);
    snprintf(e.trade_no, sizeof e.trade_no, "%s", ref);
    push(&r->here, &r->here.refunds, &r->here.n_refunds, &r->here.cap_refunds, &e);
}

/* A bill row's order paid here at another time with the same amount. */
static bool paid_elsewhere(void *arg, const char *id, int64_t amount)
{
    run_t *r = arg;
    bo_order_t o;
    bool found = false;
    kmsg_t m = {{0}};
    return r->st->ops->qr->order_get(r->st->ctx, id, &o, &found, &m) == K_OK && found &&
           (strcmp(o.state, "paid") == 0 || strcmp(o.state, "paid_late") == 0) && o.amount == amount;
}

/* What staff read about difference d. */
static void describe(run_t *r, const bo_recon_diff_t *d, char *out, size_t len)
{
    bo_order_t o;
    bool found = false;
    kmsg_t m = {{0}};
    switch (d->kind) {
    case BO_RECON_UNKNOWN_HERE:
        if (r->st->ops->qr->order_get(r->st->ctx, d->out_trade_no, &o, &found, &m) == K_OK && found)
            snprintf(out, len, "paid %lld at %s; the order here is %s (%lld)", (long long)d->bill, r->provider,
                     o.state, (long long)o.amount);
        else
            snprintf(out, len, "paid %lld at %s; no such order here", (long long)d->bill, r->provider);
        break;
    case BO_RECON_MISSING_FROM_BILL:
        snprintf(out, len, "paid %lld here; not in %s's bill", (long long)d->ours, r->provider);
        break;
    case BO_RECON_AMOUNT:
        snprintf(out, len, "paid %lld at %s, %lld here", (long long)d->bill, r->provider, (long long)d->ours);
        break;
    case BO_RECON_REFUND:
    case BO_RECON_KIND_N:
        snprintf(out, len, "refunded %lld at %s, %lld here", (long long)d->bill, r->provider, (long long)d->ours);
    }
}

static void on_diff(void *arg, const bo_recon_diff_t *d)
{
    run_t *r = arg;
    char detail[256], evidence[400];
    bool added = false;
    if (r->rc)
        return;
    describe(r, d, detail, sizeof detail);
    bo_recon_rec_t rec = {r->provider, r->day, bo_recon_kind_name(d->kind), d->out_trade_no, d->trade_no, detail,
                          d->bill, d->ours, r->who->now};
    r->rc = r->st->ops->recon->add(r->st->ctx, &rec, &added, r->msg);
    r->stats->found++;
    if (r->rc || !added)
        return;
    r->stats->added++;
    snprintf(evidence, sizeof evidence, "%s %s order %s: %s; see `backoffice qr differences --open`", r->day,
             rec.kind, d->out_trade_no, detail);
    r->rc = bo_alert_staff(r->st, r->who->now, "qr_difference", "", evidence, r->msg);
}

/* The day's first instant (UTC ms) in China time into *from; false if day is not a date. */
static bool day_start(const char *day, int64_t *from)
{
    int64_t d;
    if (!bo_bill_day_parse(day, &d))
        return false;
    *from = d * DAY_MS - CN_OFFSET_MS;
    return true;
}

static kerr_t compare(run_t *r, const bo_recon_bill_t *b, int64_t from)
{
    bo_recon_side_t bill = {b->paid, b->n_paid, b->refunds, b->n_refunds};
    size_t n = 0;
    kerr_t rc = K_OK;
    rc = r->st->ops->recon->paid_each(r->st->ctx, r->provider, r->kiosk_orders, from, from + DAY_MS, on_paid, r,
                                      r->msg);
    char tag = bo_phone_provider_tag(r->provider);
    if (rc == K_OK && tag)
        rc = r->st->ops->recon->phone_paid_each(r->st->ctx, tag, from, from + DAY_MS, on_paid, r, r->msg);
    if (rc == K_OK)
        rc = r->st->ops->recon->refunded_each(r->st->ctx, r->provider, r->kiosk_orders, from, from + DAY_MS,
                                              on_refunded, r, r->msg);
    if (rc == K_OK && r->here.oom)
        rc = kmsg_set(r->msg, K_EIO, "out of memory reading the orders paid on %s", r->day);
    bo_recon_side_t here = {r->here.paid, r->here.n_paid, r->here.refunds, r->here.n_refunds};
    if (rc == K_OK)
        rc = bo_recon_compare(&bill, &here, paid_elsewhere, r, on_diff, r, &n);
    if (rc == K_EIO && !r->rc && !r->msg->text[0])
        kmsg_set(r->msg, K_EIO, "out of memory comparing the bill of %s", r->day);
    return rc ? rc : r->rc;
}

kerr_t bo_recon_apply(bo_store_t *st, const bo_who_t *who, const char *provider, bool kiosk_orders, const char *day,
                      const bo_recon_bill_t *b, bo_recon_stats_t *stats, kmsg_t *msg)
{
    int64_t from;
    bo_op_t op;
    memset(stats, 0, sizeof *stats);
    if (!day_start(day, &from))
        return kmsg_set(msg, K_EINVAL, "'%s' is not a day (YYYY-MM-DD)", day ? day : "");
    stats->rows = b->n_paid + b->n_refunds;
    run_t r = {st, who, provider, day, kiosk_orders, {0}, stats, K_OK, msg};
    char job[64], detail[160];
    bool added;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = compare(&r, b, from);
    snprintf(job, sizeof job, "qr_reconcile:%s", provider);
    snprintf(detail, sizeof detail, "%zu bill rows, %zu differences, %zu new", stats->rows, stats->found,
             stats->added);
    if (rc == K_OK)
        rc = st->ops->sched->record(st->ctx, job, day, who->now, detail, &added, msg);
    bo_recon_bill_free(&r.here);
    return bo_op_end(&op, rc, "qr.reconcile", day, NULL, detail, NULL, NULL);
}

kerr_t bo_recon_day(bo_store_t *st, const bo_who_t *who, const bo_provider_t *p, bool kiosk_orders, const char *day,
                    bo_recon_stats_t *stats, kmsg_t *msg)
{
    bo_recon_bill_t b;
    int64_t from;
    memset(stats, 0, sizeof *stats);
    if (!day_start(day, &from))
        return kmsg_set(msg, K_EINVAL, "'%s' is not a day (YYYY-MM-DD)", day ? day : "");
    kerr_t rc = bo_recon_fetch(p, day, &b, msg);
    if (rc == K_OK)
        rc = bo_recon_apply(st, who, p->ops->name, kiosk_orders, day, &b, stats, msg);
    bo_recon_bill_free(&b);
    return rc;
}

kerr_t bo_recon_due(bo_store_t *st, const char *provider, int64_t now, int ready_hour, char day[11], bool *due,
                    kmsg_t *msg)
{
    int64_t local = now + CN_OFFSET_MS;
    char job[64];
    bo_bill_day_text(local / DAY_MS - 1, day);
    *due = false;
    if (local % DAY_MS < ready_hour * 3600 * 1000LL)
        return K_OK;
    bool done = false;
    snprintf(job, sizeof job, "qr_reconcile:%s", provider);
    kerr_t rc = st->ops->sched->done(st->ctx, job, day, &done, msg);
    *due = rc == K_OK && !done;
    return rc;
}

kerr_t bo_recon_resolve(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, int64_t id, const char *reason,
                        kmsg_t *msg)
{
    bo_op_t op;
    bool found = false, resolved = false, changed = false;
    char target[32], detail[128];
    if (!reason || !reason[0])
        return kmsg_set(msg, K_EINVAL, "a difference is resolved with --reason: say what was done about it");
    kerr_t rc = bo_signer_check(st, sig, PERM_ACCOUNTS, msg);
    if (rc == K_OK)
        rc = bo_op_begin(&op, st, who, msg);
    if (rc)
        return rc;
    rc = st->ops->recon->state(st->ctx, id, &found, &resolved, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "difference %lld is not known; see `backoffice qr differences`", (long long)id);
    if (rc == K_OK && resolved)
        rc = kmsg_set(msg, K_ESTATE, "difference %lld is resolved already", (long long)id);
    if (rc == K_OK)
        rc = st->ops->recon->resolve(st->ctx, id, sig->operator_name, reason, who->now, &changed, msg);
    snprintf(target, sizeof target, "difference %lld", (long long)id);
    snprintf(detail, sizeof detail, "operator %s", sig->operator_name ? sig->operator_name : "");
    return bo_op_end(&op, rc, "qr.difference.resolve", target, reason, detail, NULL, NULL);
}
