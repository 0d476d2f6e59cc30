/* What an account owes, and settling it (docs/accounts.md, "Closing an
 * account that owes"): a carried balance below 0 and the unpaid parts of
 * its issued bills. Closing refuses while it owes, unless staff take a
 * payment first (bo_account_settle) or write the debt off at closing with
 * the permission accounts. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_account_int.h"
#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_postpaid.h"
#include "core/perm.h"

kerr_t bo_account_owes(bo_store_t *st, const char *account, bo_owes_t *o, kmsg_t *msg)
{
    bo_account_rec_t a;
    bo_bills_owed_t b;
    bool found = false;
    memset(o, 0, sizeof *o);
    kerr_t rc = st->ops->meters->account_get(st->ctx, account, &a, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "account %s is not known; see `backoffice account list`", account);
    if (rc == K_OK)
        rc = bo_bills_owed(st, account, &b, msg);
    if (rc)
        return rc;
    *o = (bo_owes_t){.balance = a.balance < 0 ? -a.balance : 0, .bills = b.amount, .n_bills = b.n,
                     .oldest = b.oldest};
    o->total = o->balance + o->bills;
    return K_OK;
}

/* "a negative balance of 2500 and 1500 on 1 unpaid bill (the oldest 3)". */
static void owes_text(const bo_owes_t *o, char *out, size_t len)
{
    int n = 0;
    out[0] = '\0';
    if (o->balance)
        n = snprintf(out, len, "a negative balance of %lld", (long long)o->balance);
    if (o->bills && n >= 0 && (size_t)n < len)
        snprintf(out + n, len - (size_t)n, "%s%lld on %d unpaid bill%s (the oldest %lld)", n ? " and " : "",
                 (long long)o->bills, o->n_bills, o->n_bills == 1 ? "" : "s", (long long)o->oldest);
}

kerr_t bo__acct_owes_check(bo_op_t *op, const bo_account_close_t *c)
{
    bo_owes_t o;
    char what[200], detail[300];
    kerr_t rc = bo_account_owes(op->st, c->id, &o, op->msg);
    if (rc || o.total == 0)
        return rc;
    owes_text(&o, what, sizeof what);
    if (!c->write_off)
        return kmsg_set(op->msg, K_ESTATE,
                        "account %s owes %lld (minor units): %s. Take the payment first (`backoffice account settle "
                        "%s --amount %lld --method counter|bank --ref R`), or write the debt off at closing "
                        "(--write-off --operator NAME, permission accounts, PIN in BACKOFFICE_PIN): nothing changed",
                        c->id, (long long)o.total, what, c->id, (long long)o.total);
    bo_signer_t sig = {c->operator_name, c->pin};
    if ((rc = bo_signer_check(op->st, &sig, PERM_ACCOUNTS, op->msg)))
        return rc;
    bo_writeoff_rec_t w = {c->id, c->operator_name, c->reason, o.balance, o.bills, op->who->now};
    int64_t id = 0;
    rc = op->st->ops->writeoff->add(op->st->ctx, &w, &id, op->msg);
    if (rc == K_OK)
        rc = bo_bills_write_off(op->st, c->id, id, op->msg);
    if (rc == K_OK)
        rc = bo__acct_credit(op, c->id, o.balance);
    snprintf(detail, sizeof detail, "write-off %lld: %lld, %s; operator %s", (long long)id, (long long)o.total, what,
             c->operator_name);
    bo_audit_rec_t a = {op->who->actor, "account.write_off", c->id, c->reason, detail, op->who->now};
    return rc ? rc : bo_audit_record(op->st, &a, op->msg);
}

static bool method_ok(const char *m)
{
    return m && (strcmp(m, "counter") == 0 || strcmp(m, "bank") == 0);
}

kerr_t bo_account_settle(bo_store_t *st, const bo_who_t *who, const bo_settle_t *p, bo_owes_t *left, kmsg_t *msg)
{
    if (p->amount <= 0 || !method_ok(p->method) || !p->ref || !p->ref[0])
        return kmsg_set(msg, K_EINVAL, "a settlement is an amount above 0 (minor units), --method counter|bank and "
                                       "--ref R");
    bo_op_t op;
    bo_owes_t o;
    int64_t payment = 0, on_bills = 0;
    char detail[240];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo_account_owes(st, p->account, &o, msg);
    if (rc == K_OK && p->amount > o.total)
        rc = kmsg_set(msg, K_ESTATE, "%lld is more than account %s owes (%lld): nothing recorded",
                      (long long)p->amount, p->account, (long long)o.total);
    if (rc == K_OK)
        rc = st->ops->post->payment_add(st->ctx, p->account, p->amount, p->method, p->ref, who->actor, who->now,
                                        &payment, msg);
    if (rc == K_OK)
        rc = bo_bills_pay_oldest(st, p->account, payment, p->amount, who->now, &on_bills, msg);
    if (rc == K_OK)
        rc = bo__acct_credit(&op, p->account, p->amount - on_bills);
    if (rc == K_OK)
        rc = bo_account_owes(st, p->account, left, msg);
    snprintf(detail, sizeof detail, "payment %lld amount %lld %s ref %s: %lld on bills, %lld on the balance",
             (long long)payment, (long long)p->amount, p->method, p->ref, (long long)on_bills,
             (long long)(p->amount - on_bills));
    return bo_op_end(&op, rc, "account.settle", p->account, "", detail, NULL, NULL);
}
