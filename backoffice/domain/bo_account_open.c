/* Opening accounts (pre-filled or not), binding meters to them and moving
 * them to another customer (docs/accounts.md). */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_account_int.h"

/* The customer exists, or a pre-filled opening with a name creates it. */
static kerr_t ensure_customer(bo_op_t *op, const bo_account_open_t *a)
{
    bool found;
    kerr_t rc = op->st->ops->meters->customer_exists(op->st->ctx, a->customer, &found, op->msg);
    if (rc || found)
        return rc;
    if (!a->prefill)
        return kmsg_set(op->msg, K_ENOTFOUND,
                        "customer %s is not known: add it with `backoffice customer add %s NAME`, or open the "
                        "account with --prefill --name NAME",
                        a->customer, a->customer);
    if (!a->name || !a->name[0])
        return kmsg_set(op->msg, K_EINVAL, "customer %s is not known: --prefill needs --name NAME to create it",
                        a->customer);
    return op->st->ops->meters->customer_add(op->st->ctx, a->customer, a->name, op->msg);
}

/* A meter to bind at opening: registered and free, or registered now with
 * the pre-filled opening's protocol and gateway. */
static kerr_t ensure_meter(bo_op_t *op, const bo_account_open_t *a, const char *meter)
{
    const bo_meter_spec_t *s = &a->spec;
    char site[65] = "";
    bool found;
    kerr_t rc = bo__meter_known(op, meter, &found);
    if (rc || found)
        return rc ? rc : bo__acct_check_free(op, meter, a->id);
    if (!a->prefill)
        return kmsg_set(op->msg, K_ENOTFOUND,
                        "meter %s is not registered: register it with `backoffice meter add`, or open the account "
                        "with --prefill --protocol P --gateway HOST:PORT",
                        meter);
    if (!s->protocol || !s->gateway)
        return kmsg_set(op->msg, K_EINVAL,
                        "meter %s is not registered: --prefill needs --protocol and --gateway to register it", meter);
    rc = bo__meter_spec_check(op, s);
    if (rc == K_OK)
        rc = bo__meter_site(op, meter, s->site, site);
    bo_meter_rec_t m = {meter, a->customer, s->protocol, s->gateway, s->kind ? s->kind : "electricity",
                        s->tariff ? s->tariff : "", site};
    return rc ? rc : op->st->ops->meters->meter_put(op->st->ctx, &m, false, op->msg);
}

/* Creates the account with what earlier closed accounts of the customer
 * carried forward and no account took yet; *carried gets that amount. */
static kerr_t create(bo_op_t *op, const char *id, const char *customer, int64_t *carried)
{
    const bo_st_meters_t *m = op->st->ops->meters;
    bo_account_rec_t a;
    bool found;
    kerr_t rc = m->account_get(op->st->ctx, id, &a, &found, op->msg);
    if (rc == K_OK && found)
        return kmsg_set(op->msg, K_ECONFLICT, "account %s exists already (%s): pick another id", id, a.state);
    if (rc == K_OK)
        rc = m->carried_sum(op->st->ctx, customer, carried, op->msg);
    if (rc == K_OK)
        rc = m->account_add(op->st->ctx, id, customer, op->who->now, *carried, op->msg);
    if (rc == K_OK)
        rc = m->carried_take(op->st->ctx, customer, id, op->msg);
    return rc;
}

/* Appends " word" to text (len bytes). */
static void append(char *text, size_t len, const char *word)
{
    size_t n = strlen(text);
    snprintf(text + n, len - n, " %s", word);
}

kerr_t bo_account_open(bo_store_t *st, const bo_who_t *who, const bo_account_open_t *a, int64_t *carried,
                       kmsg_t *msg)
{
    bo_op_t op;
    char detail[512];
    *carried = 0;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = ensure_customer(&op, a);
    for (int i = 0; rc == K_OK && i < a->n; i++)
        rc = ensure_meter(&op, a, a->meters[i]);
    if (rc == K_OK)
        rc = create(&op, a->id, a->customer, carried);
    snprintf(detail, sizeof detail, "customer %s%s; carried in %lld; meters", a->customer,
             a->prefill ? "; prefill" : "", (long long)*carried);
    for (int i = 0; rc == K_OK && i < a->n; i++) {
        rc = bo__acct_bind(&op, a->id, a->meters[i]);
        append(detail, sizeof detail, a->meters[i]);
    }
    return bo__acct_end(&op, rc, "account.open", a->id, a->reason, detail);
}

/* The account exists and is open; refused with `closed` otherwise. */
static kerr_t open_one(bo_op_t *op, const char *id, bo_account_rec_t *a, const char *closed)
{
    kerr_t rc = bo__acct_get(op, id, a);
    if (rc == K_OK && strcmp(a->state, "open") != 0)
        rc = kmsg_set(op->msg, K_ESTATE, "account %s is closed: %s", id, closed);
    return rc;
}

kerr_t bo_account_bind(bo_store_t *st, const bo_who_t *who, const char *id, const char *const *meters, int n,
                       const char *reason, kmsg_t *msg)
{
    bo_op_t op;
    bo_account_rec_t a;
    char detail[512] = "meters";
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = open_one(&op, id, &a, "open a new account for the meter");
    for (int i = 0; rc == K_OK && i < n; i++) {
        rc = bo__acct_check_free(&op, meters[i], id);
        if (rc == K_OK)
            rc = bo__acct_bind(&op, id, meters[i]);
        append(detail, sizeof detail, meters[i]);
    }
    return bo__acct_end(&op, rc, "account.bind", id, reason, detail);
}

/* The customer of each meter bound to the account now. */
typedef struct rebind {
    bo_op_t *op;
    const char *customer;
    kerr_t rc;
} rebind_t;

static void set_customer(void *arg, const char *meter)
{
    rebind_t *r = arg;
    if (r->rc == K_OK)
        r->rc = r->op->st->ops->meters->meter_set_customer(r->op->st->ctx, meter, r->customer, r->op->msg);
}

/* The account and the meters bound to it now go to customer `to`. */
static kerr_t move_to(bo_op_t *op, const char *id, const char *to)
{
    const bo_st_meters_t *m = op->st->ops->meters;
    rebind_t r = {op, to, K_OK};
    kerr_t rc = m->account_set_customer(op->st->ctx, id, to, op->msg);
    if (rc == K_OK)
        rc = m->bound_each(op->st->ctx, id, set_customer, &r, op->msg);
    return rc ? rc : r.rc;
}

kerr_t bo_account_transfer(bo_store_t *st, const bo_who_t *who, const char *id, const char *to, const char *reason,
                           kmsg_t *msg)
{
    bo_op_t op;
    bo_account_rec_t a = {0};
    char detail[200];
    bool found = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = open_one(&op, id, &a, "a closed account cannot change hands");
    if (rc == K_OK && strcmp(a.customer, to) == 0)
        rc = kmsg_set(msg, K_ESTATE, "account %s belongs to customer %s already", id, to);
    if (rc == K_OK)
        rc = st->ops->meters->customer_exists(st->ctx, to, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "customer %s is not known: add it with `backoffice customer add %s NAME`", to,
                      to);
    if (rc == K_OK)
        rc = move_to(&op, id, to);
    snprintf(detail, sizeof detail, "from customer %s to customer %s", a.customer, to);
    return bo__acct_end(&op, rc, "account.transfer", id, reason, detail);
}
