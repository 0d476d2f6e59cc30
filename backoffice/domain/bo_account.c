/* Accounts' common ground (bo_account_int.h): the end every operation
 * shares, bindings, and the zero first purchase ended by a delivered sale. */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/domain/bo_account_int.h"
#include "backoffice/domain/bo_docs.h"

kerr_t bo__acct_end(bo_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                    const char *detail)
{
    return bo_op_end(op, rc, action, target, reason, detail, "registry", NULL);
}

kerr_t bo__acct_get(bo_op_t *op, const char *account, bo_account_rec_t *a)
{
    bool found;
    kerr_t rc = op->st->ops->meters->account_get(op->st->ctx, account, a, &found, op->msg);
    if (rc == K_OK && !found)
        return kmsg_set(op->msg, K_ENOTFOUND, "account %s is not known; see `backoffice account list`", account);
    return rc;
}

kerr_t bo__meter_known(bo_op_t *op, const char *meter, bool *found)
{
    char site[65];
    return op->st->ops->meters->meter_site(op->st->ctx, meter, site, found, op->msg);
}

/* Why meter was removed, as "2026-11-21: reason" ("" if it was not). */
static kerr_t removed_why(bo_op_t *op, const char *meter, char why[80], bool *found)
{
    bo_removed_rec_t r;
    char day[16];
    kerr_t rc = op->st->ops->meters->removed_get(op->st->ctx, meter, &r, found, op->msg);
    bo_clock_date(r.at, false, day, sizeof day);
    snprintf(why, 80, "%s: %s", day, r.reason);
    return rc;
}

kerr_t bo__acct_check_free(bo_op_t *op, const char *meter, const char *account)
{
    char v[80];
    bool found;
    kerr_t rc = bo__meter_known(op, meter, &found);
    if (rc == K_OK && !found)
        return kmsg_set(op->msg, K_ENOTFOUND,
                        "meter %s is not registered: install it with `backoffice meter install %s --account %s "
                        "--protocol P --gateway HOST:PORT`",
                        meter, meter, account);
    if (rc == K_OK)
        rc = removed_why(op, meter, v, &found);
    if (rc == K_OK && found)
        return kmsg_set(op->msg, K_ESTATE,
                        "meter %s was removed from service (%s): install it again with `backoffice meter install`",
                        meter, v);
    if (rc == K_OK)
        rc = op->st->ops->meters->binding_of(op->st->ctx, meter, v, &found, op->msg);
    if (rc == K_OK && found && strcmp(v, account) == 0)
        return kmsg_set(op->msg, K_ECONFLICT, "meter %s is bound to account %s already", meter, account);
    if (rc == K_OK && found)
        return kmsg_set(op->msg, K_ECONFLICT,
                        "meter %s is bound to open account %s: close that account (or remove the meter) first", meter,
                        v);
    return rc;
}

kerr_t bo__acct_bind(bo_op_t *op, const char *account, const char *meter)
{
    bo_account_rec_t a;
    bool found;
    kerr_t rc = op->st->ops->meters->bind(op->st->ctx, account, meter, op->who->now, op->msg);
    if (rc == K_OK)
        rc = op->st->ops->meters->account_get(op->st->ctx, account, &a, &found, op->msg);
    if (rc == K_OK && found)
        rc = op->st->ops->meters->meter_set_customer(op->st->ctx, meter, a.customer, op->msg);
    return rc;
}

kerr_t bo__acct_unbind(bo_op_t *op, const char *meter, int64_t reading, const char *why, char account[65])
{
    bool found;
    kerr_t rc = op->st->ops->meters->binding_of(op->st->ctx, meter, account, &found, op->msg);
    if (rc == K_OK && found)
        rc = op->st->ops->meters->unbind(op->st->ctx, meter, op->who->now, reading, why, op->msg);
    return rc;
}

kerr_t bo__acct_credit(bo_op_t *op, const char *account, int64_t amount)
{
    if (amount == 0)
        return K_OK;
    return op->st->ops->meters->account_credit(op->st->ctx, account, amount, op->msg);
}

kerr_t bo_customer_add(bo_store_t *st, const char *id, const char *name, kmsg_t *msg)
{
    return st->ops->meters->customer_add(st->ctx, id, name, msg);
}

kerr_t bo_account_on_sale(bo_store_t *st, const char *meter, const char *state, int64_t created_at, kmsg_t *msg)
{
    bool changed = false;
    if (strcmp(state, "delivered") != 0)
        return K_OK;
    kerr_t rc = st->ops->meters->first_zero_end(st->ctx, meter, created_at, &changed, msg);
    if (rc == K_OK && changed)
        rc = bo_doc_bump(st, "registry", NULL, msg);
    return rc;
}
