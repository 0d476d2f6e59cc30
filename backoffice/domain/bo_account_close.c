/* Closing an account (docs/accounts.md): every meter bound to it leaves
 * with its final reading; the carried balance is refunded, or carried to
 * the customer's next account (an open one now, else the next one opened). */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/domain/bo_account_int.h"

/* The meters bound to an account now: how many, and their list. */
typedef struct bound {
    int n;
    char list[400];
} bound_t;

static void count_one(void *arg, const char *meter)
{
    bound_t *b = arg;
    size_t len = strlen(b->list);
    snprintf(b->list + len, sizeof b->list - len, "%s%s", b->n ? ", " : "", meter);
    b->n++;
}

/* Every meter bound to the account now has a reading. */
static kerr_t all_read(bo_op_t *op, const char *id, int n)
{
    bound_t b = {0, ""};
    kerr_t rc = op->st->ops->meters->bound_each(op->st->ctx, id, count_one, &b, op->msg);
    if (rc == K_OK && n != b.n)
        return kmsg_set(op->msg, K_EINVAL,
                        "account %s has %d%s%s%s meter(s) bound: give --final-reading METER=N for each of them", id,
                        b.n, b.n ? " (" : "", b.list, b.n ? ")" : "");
    return rc;
}

/* The account is open, each reading names a meter bound to it now, and
 * every meter bound to it now has a reading. */
static kerr_t check(bo_op_t *op, const bo_account_close_t *c)
{
    bo_account_rec_t a;
    char at[24], acct[65];
    bool found;
    kerr_t rc = bo__acct_get(op, c->id, &a);
    if (rc == K_OK && strcmp(a.state, "open") != 0) {
        bo_clock_date(a.closed_at, true, at, sizeof at);
        return kmsg_set(op->msg, K_ESTATE, "account %s was closed already (%s UTC): nothing to do", c->id, at);
    }
    for (int i = 0; rc == K_OK && i < c->n; i++) {
        rc = op->st->ops->meters->binding_of(op->st->ctx, c->readings[i].meter, acct, &found, op->msg);
        if (rc == K_OK && (!found || strcmp(acct, c->id) != 0))
            return kmsg_set(op->msg, K_EINVAL, "meter %s is not bound to account %s: give readings of its own meters",
                            c->readings[i].meter, c->id);
    }
    return rc ? rc : all_read(op, c->id, c->n);
}

/* Settles the balance: refunded, or carried to another open account of
 * the customer (out->to), or left for the customer's next account. */
static kerr_t settle(bo_op_t *op, const bo_account_close_t *c, bo_settled_t *out)
{
    const bo_st_meters_t *m = op->st->ops->meters;
    void *ctx = op->st->ctx;
    bo_account_rec_t a;
    bool found = false;
    kerr_t rc = m->account_close(ctx, c->id, op->who->now, c->reason, c->carry ? "carry" : "refund", op->msg);
    if (rc == K_OK)
        rc = bo__acct_get(op, c->id, &a);
    out->amount = rc == K_OK ? a.settled : 0;
    if (rc == K_OK && c->carry)
        rc = m->account_first_open(ctx, a.customer, out->to, &found, op->msg);
    if (rc == K_OK && out->to[0])
        rc = m->account_credit(ctx, out->to, a.settled, op->msg);
    if (rc == K_OK && out->to[0])
        rc = m->account_set_carried_to(ctx, c->id, out->to, op->msg);
    return rc;
}

kerr_t bo_account_close(bo_store_t *st, const bo_who_t *who, const bo_account_close_t *c, bo_settled_t *out,
                        kmsg_t *msg)
{
    bo_op_t op;
    char acct[65], detail[512] = "final readings";
    *out = (bo_settled_t){0, ""};
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = check(&op, c);
    for (int i = 0; rc == K_OK && i < c->n; i++) {
        rc = bo__acct_unbind(&op, c->readings[i].meter, c->readings[i].value, "account closed", acct);
        size_t len = strlen(detail);
        snprintf(detail + len, sizeof detail - len, " %s=%lld", c->readings[i].meter, (long long)c->readings[i].value);
    }
    if (rc == K_OK)
        rc = bo__acct_credit(&op, c->id, c->balance);
    if (rc == K_OK)
        rc = bo__acct_owes_check(&op, c);
    if (rc == K_OK)
        rc = settle(&op, c, out);
    size_t len = strlen(detail);
    snprintf(detail + len, sizeof detail - len, "; balance %lld %s%s%s", (long long)out->amount,
             c->carry ? "carried" : "refunded", out->to[0] ? " to account " : "", out->to);
    return bo__acct_end(&op, rc, "account.close", c->id, c->reason, detail);
}
