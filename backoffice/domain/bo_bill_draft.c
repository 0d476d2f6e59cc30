/* Drafting a post-paid bill (bo_postpaid.h, bo_bill_draft): its lines
 * gathered from the store, its totals summed from them, all stored at once
 * so the bill reads later as it was drafted. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_postpaid.h"

#define MAX_LINES 256

/* A line with its texts kept (the store's are the statement's). */
typedef struct line {
    char kind[8], item[48], meter[65], name[65];
    int64_t charge; /* the charge row a charge line takes; 0 otherwise */
    bo_bill_line_t l;
} line_t;

typedef struct draft {
    line_t lines[MAX_LINES];
    int n;
    bool overflow;
    char currency[8];
} draft_t;

static line_t *next_line(draft_t *d, const char *kind)
{
    if (d->n == MAX_LINES) {
        d->overflow = true;
        return NULL;
    }
    line_t *x = &d->lines[d->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->kind, sizeof x->kind, "%s", kind);
    return x;
}

static void on_use(void *arg, const bo_post_use_t *u)
{
    draft_t *d = arg;
    line_t *x = next_line(d, "energy");
    if (!x)
        return;
    snprintf(x->meter, sizeof x->meter, "%s", u->meter);
    snprintf(x->item, sizeof x->item, "energy");
    x->l.energy = u->energy;
    x->l.bands = u->bands;
    memcpy(x->l.band, u->band, sizeof x->l.band);
    x->l.amount = u->money;
    if (!d->currency[0])
        snprintf(d->currency, sizeof d->currency, "%s", u->currency);
}

static void on_charge(void *arg, int64_t id, const char *item, const char *name, int64_t amount)
{
    line_t *x = next_line(arg, "charge");
    if (!x)
        return;
    snprintf(x->item, sizeof x->item, "%s", item);
    snprintf(x->name, sizeof x->name, "%s", name);
    x->charge = id;
    x->l.amount = amount;
}

/* The account may have a bill drafted: known, open, post-paid. */
static kerr_t billable(bo_store_t *st, const char *account, bo_post_account_t *a, kmsg_t *msg)
{
    bool found = false;
    kerr_t rc = st->ops->post->account_get(st->ctx, account, a, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "account %s is not known; see `account list`", account);
    if (rc == K_OK && strcmp(a->state, "open") != 0)
        return kmsg_set(msg, K_ESTATE, "account %s is %s: no bill is drafted for it", account, a->state);
    if (rc == K_OK && strcmp(a->payment, "postpaid") != 0)
        return kmsg_set(msg, K_ESTATE, "account %s is prepaid: only post-paid accounts get bills "
                        "(`account payment %s postpaid`)", account, account);
    return rc;
}

/* The header's figures, each the sum of its lines. */
static void totals(const draft_t *d, bo_bill_rec_t *b)
{
    for (int i = 0; i < d->n; i++) {
        const bo_bill_line_t *l = &d->lines[i].l;
        if (strcmp(d->lines[i].kind, "energy") == 0) {
            b->energy += l->energy;
            for (int k = 0; k < 4; k++)
                b->band[k] += l->band[k];
            b->amount += l->amount;
        } else if (strcmp(d->lines[i].kind, "charge") == 0) {
            b->charges += l->amount;
        } else {
            b->arrears += l->amount;
        }
    }
    b->own = b->amount + b->charges;
    b->total = b->own + b->arrears;
}

static kerr_t gather(bo_store_t *st, const char *account, const char *from, const char *to, draft_t *d, kmsg_t *msg)
{
    int64_t owed = 0;
    kerr_t rc = st->ops->post->use_each(st->ctx, account, from, to, on_use, d, msg);
    if (rc == K_OK)
        rc = st->ops->post->charges_due(st->ctx, account, on_charge, d, msg);
    if (rc == K_OK)
        rc = st->ops->post->unpaid(st->ctx, account, &owed, msg);
    line_t *x = rc == K_OK && owed != 0 ? next_line(d, "arrears") : NULL;
    if (x) {
        snprintf(x->item, sizeof x->item, "arrears");
        x->l.amount = owed;
    }
    if (rc == K_OK && d->overflow)
        rc = kmsg_set(msg, K_EOVERFLOW, "a bill holds at most %d lines", MAX_LINES);
    return rc;
}

static kerr_t store_lines(bo_store_t *st, int64_t bill, draft_t *d, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    for (int i = 0; rc == K_OK && i < d->n; i++) {
        line_t *x = &d->lines[i];
        x->l.kind = x->kind;
        x->l.item = x->name[0] ? x->name : x->item;
        x->l.meter = x->meter;
        rc = st->ops->post->line_add(st->ctx, bill, i + 1, &x->l, x->charge, msg);
    }
    return rc;
}

kerr_t bo_bill_draft(bo_store_t *st, const bo_who_t *who, const char *account, const char *from, const char *to,
                     int64_t *id, kmsg_t *msg)
{
    int64_t d0, d1;
    if (!from || !to || !bo_bill_day_parse(from, &d0) || !bo_bill_day_parse(to, &d1) || d1 < d0)
        return kmsg_set(msg, K_EINVAL, "a bill's period is two dates YYYY-MM-DD, the first not after the second");
    static draft_t d; /* the command line's one thread and the server's lock hold it alone */
    memset(&d, 0, sizeof d);
    bo_bill_rec_t b = {0};
    bo_post_account_t a = {0};
    bo_op_t op;
    char detail[160];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = billable(st, account, &a, msg);
    if (rc == K_OK)
        rc = gather(st, account, from, to, &d, msg);
    snprintf(b.account, sizeof b.account, "%s", account);
    snprintf(b.site, sizeof b.site, "%s", a.site);
    snprintf(b.from, sizeof b.from, "%s", from);
    snprintf(b.to, sizeof b.to, "%s", to);
    snprintf(b.currency, sizeof b.currency, "%s", d.currency[0] ? d.currency : "CNY");
    totals(&d, &b);
    if (rc == K_OK)
        rc = st->ops->post->bill_add(st->ctx, &b, who->now, msg);
    if (rc == K_OK)
        rc = store_lines(st, b.id, &d, msg);
    *id = b.id;
    snprintf(detail, sizeof detail, "bill %lld %s..%s amount %lld charges %lld arrears %lld total %lld", (long long)b.id,
             from, to, (long long)b.amount, (long long)b.charges, (long long)b.arrears, (long long)b.total);
    return bo_op_end(&op, rc, "bill.draft", account, "", detail, NULL, NULL);
}
