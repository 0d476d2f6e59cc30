/* What a post-paid account owes, as a kiosk in scope asks it
 * (bo_postpaid.h, bo_bill_due; docs/billing.md, "At the kiosk"). */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_postpaid.h"
#include "backoffice/domain/bo_scope.h"

#define MAX_BOUND 64

typedef struct bound {
    char meter[MAX_BOUND][33];
    int n;
} bound_t;

static void on_bound(void *arg, const char *meter)
{
    bound_t *b = arg;
    if (b->n < MAX_BOUND)
        snprintf(b->meter[b->n++], sizeof b->meter[0], "%s", meter);
}

kerr_t bo_account_scope(bo_store_t *st, const char *kiosk, const char *account, kmsg_t *why)
{
    bo_post_account_t a;
    bool found = false;
    bound_t b;
    memset(&b, 0, sizeof b);
    if (st->ops->post->account_get(st->ctx, account, &a, &found, why))
        return K_EIO;
    if (!found)
        return kmsg_set(why, K_ENOTFOUND, "account %s is not known", account);
    if (st->ops->meters->bound_each(st->ctx, account, on_bound, &b, why))
        return K_EIO;
    kerr_t rc = K_EDENIED;
    for (int i = 0; i < b.n && rc == K_EDENIED; i++)
        rc = bo_scope_check(st, kiosk, b.meter[i], why);
    if (rc == K_EDENIED)
        kmsg_set(why, K_EDENIED,
                 "out_of_scope: account %s has no meter kiosk %s may act for (%d meters bound); bind one of the "
                 "kiosk's site or grant its meter with `backoffice site grant`",
                 account, kiosk, b.n);
    return rc;
}

static void on_open(void *arg, const bo_bill_rec_t *r)
{
    bo_due_t *d = arg;
    int64_t due = r->own - r->paid;
    d->owed += due;
    if (!d->currency[0])
        snprintf(d->currency, sizeof d->currency, "%s", r->currency);
    if (d->n == BO_DUE_MAX) {
        d->more++;
        return;
    }
    bo_due_bill_t *b = &d->bill[d->n++];
    *b = (bo_due_bill_t){.id = r->id, .total = r->total, .paid = r->paid, .due = due};
    memcpy(b->from, r->from, sizeof b->from);
    memcpy(b->to, r->to, sizeof b->to);
}

kerr_t bo_bill_due(bo_store_t *st, const char *kiosk, const char *account, bo_due_t *d, kmsg_t *msg)
{
    bo_post_account_t a;
    bool found = false;
    memset(d, 0, sizeof *d);
    kerr_t rc = bo_account_scope(st, kiosk, account, msg);
    if (rc == K_OK)
        rc = st->ops->post->account_get(st->ctx, account, &a, &found, msg);
    if (rc)
        return rc;
    snprintf(d->account, sizeof d->account, "%s", a.id);
    snprintf(d->payment, sizeof d->payment, "%s", a.payment);
    return st->ops->post->open_each(st->ctx, account, on_open, d, msg);
}
