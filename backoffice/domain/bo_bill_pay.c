/* Paying post-paid bills (bo_postpaid.h, bo_bill_pay): a payment is the
 * account's, spread over its issued bills oldest first. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_postpaid.h"

#define MAX_OPEN 512

typedef struct open_bills {
    int64_t id[MAX_OPEN], asks[MAX_OPEN];
    int n;
    bool overflow;
} open_bills_t;

static void on_open(void *arg, const bo_bill_rec_t *b)
{
    open_bills_t *o = arg;
    if (o->n == MAX_OPEN) {
        o->overflow = true;
        return;
    }
    o->id[o->n] = b->id;
    o->asks[o->n++] = b->own - b->paid;
}

static bool method_ok(const char *m)
{
    return m && (strcmp(m, "counter") == 0 || strcmp(m, "bank") == 0 || strcmp(m, "kiosk") == 0);
}

/* What the open bills ask together. */
static int64_t asked(const open_bills_t *o)
{
    int64_t asks = 0;
    for (int i = 0; i < o->n; i++)
        asks += o->asks[i];
    return asks;
}

/* Puts amount of the payment on the open bills, oldest first, each up to
 * what it asks (the caller keeps amount within what they ask). */
static kerr_t spread(bo_store_t *st, const open_bills_t *o, int64_t payment, int64_t amount, int64_t now,
                     kmsg_t *msg)
{
    kerr_t rc = K_OK;
    for (int i = 0; rc == K_OK && amount > 0 && i < o->n; i++) {
        int64_t part = amount < o->asks[i] ? amount : o->asks[i];
        rc = st->ops->post->payment_part(st->ctx, payment, o->id[i], part, now, msg);
        amount -= part;
    }
    return rc;
}

/* The account's open bills into o (the store's, oldest first). */
static kerr_t open_of(bo_store_t *st, const char *account, open_bills_t *o, kmsg_t *msg)
{
    memset(o, 0, sizeof *o);
    kerr_t rc = st->ops->post->open_each(st->ctx, account, on_open, o, msg);
    if (rc == K_OK && o->overflow)
        rc = kmsg_set(msg, K_EOVERFLOW, "account %s has more than %d bills open", account, MAX_OPEN);
    return rc;
}

kerr_t bo_bills_owed(bo_store_t *st, const char *account, bo_bills_owed_t *owed, kmsg_t *msg)
{
    static open_bills_t o; /* the command line's one thread and the server's lock hold it alone */
    memset(owed, 0, sizeof *owed);
    kerr_t rc = open_of(st, account, &o, msg);
    owed->n = rc == K_OK ? o.n : 0;
    owed->amount = rc == K_OK ? asked(&o) : 0;
    owed->oldest = rc == K_OK && o.n ? o.id[0] : 0;
    return rc;
}

kerr_t bo_bills_pay_oldest(bo_store_t *st, const char *account, int64_t payment, int64_t max, int64_t now,
                           int64_t *applied, kmsg_t *msg)
{
    static open_bills_t o; /* as above */
    kerr_t rc = open_of(st, account, &o, msg);
    *applied = rc == K_OK ? (max < asked(&o) ? max : asked(&o)) : 0;
    return rc ? rc : spread(st, &o, payment, *applied, now, msg);
}

kerr_t bo_bills_write_off(bo_store_t *st, const char *account, int64_t writeoff, kmsg_t *msg)
{
    static open_bills_t o; /* as above */
    kerr_t rc = open_of(st, account, &o, msg);
    for (int i = 0; rc == K_OK && i < o.n; i++)
        rc = st->ops->writeoff->bill(st->ctx, writeoff, o.id[i], o.asks[i], msg);
    return rc;
}

kerr_t bo_bill_pay(bo_store_t *st, const bo_who_t *who, int64_t id, int64_t amount, const char *method,
                   const char *ref, kmsg_t *msg)
{
    if (amount <= 0 || !method_ok(method) || !ref || !ref[0])
        return kmsg_set(msg, K_EINVAL, "a payment is an amount above 0 (minor units), a method (counter, bank, "
                                       "kiosk) and a reference");
    static open_bills_t o; /* the command line's one thread and the server's lock hold it alone */
    bo_bill_rec_t b = {0};
    bo_op_t op;
    bool found = false;
    int64_t payment = 0;
    char target[24], detail[200];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->post->bill_get(st->ctx, id, &b, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "bill %lld is not known; see `bill list`", (long long)id);
    if (rc == K_OK && strcmp(b.state, "issued") != 0)
        rc = kmsg_set(msg, K_ESTATE, "bill %lld is %s: only an issued bill is paid", (long long)id, b.state);
    if (rc == K_OK)
        rc = open_of(st, b.account, &o, msg);
    if (rc == K_OK && amount > asked(&o))
        rc = kmsg_set(msg, K_ESTATE, "%lld is more than the account's issued bills ask (%lld): nothing recorded",
                      (long long)amount, (long long)asked(&o));
    if (rc == K_OK)
        rc = st->ops->post->payment_add(st->ctx, b.account, amount, method, ref, who->actor, who->now, &payment,
                                        msg);
    if (rc == K_OK)
        rc = spread(st, &o, payment, amount, who->now, msg);
    snprintf(target, sizeof target, "bill %lld", (long long)id);
    snprintf(detail, sizeof detail, "payment %lld account %s amount %lld %s ref %s", (long long)payment, b.account,
             (long long)amount, method, ref);
    return bo_op_end(&op, rc, "bill.pay", target, "", detail, NULL, NULL);
}

kerr_t bo_bill_pay_kiosk(bo_store_t *st, const bo_kiosk_pay_t *p, int64_t now, int64_t *payment,
                         int64_t *unapplied, kmsg_t *msg)
{
    char actor[80], detail[240];
    int64_t fits = 0;
    *unapplied = 0;
    snprintf(actor, sizeof actor, "kiosk:%s", p->kiosk);
    kerr_t rc = st->ops->post->payment_add(st->ctx, p->account, p->amount, "kiosk", p->ref, actor, now, payment, msg);
    if (rc == K_OK)
        rc = bo_bills_pay_oldest(st, p->account, *payment, p->amount, now, &fits, msg);
    if (rc)
        return rc;
    *unapplied = p->amount - fits;
    snprintf(detail, sizeof detail, "payment %lld account %s amount %lld kiosk ref %s unapplied %lld",
             (long long)*payment, p->account, (long long)p->amount, p->ref, (long long)*unapplied);
    const bo_audit_rec_t a = {actor, "bill.pay", p->account, "", detail, now};
    return bo_audit_record(st, &a, msg);
}
