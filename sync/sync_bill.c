/* What a post-paid account owes (sync_bill.h). */
#include "sync/sync_bill.h"

#include <stdio.h>
#include <string.h>

#include "sync/sync_int.h"

static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static bool bill_of(const cJSON *o, sync_bill_due_t *b)
{
    return sync__int(o, "bill", &b->id) && sync__int(o, "total", &b->total) && sync__int(o, "paid", &b->paid) &&
           sync__int(o, "due", &b->due) && sync__str(o, "from", b->from, sizeof b->from) &&
           sync__str(o, "to", b->to, sizeof b->to);
}

static kerr_t parse(const cJSON *j, sync_due_t *d, kmsg_t *msg)
{
    const cJSON *bills = cJSON_GetObjectItem(j, "bills"), *it;
    if (!sync__str(j, "account", d->account, sizeof d->account) ||
        !sync__str(j, "payment", d->payment, sizeof d->payment) ||
        !sync__str(j, "currency", d->currency, sizeof d->currency) || !sync__int(j, "owed", &d->owed) ||
        !sync__int(j, "more", &d->more) || !cJSON_IsArray(bills))
        return kmsg_set(msg, K_EINVAL, "the back office's answer on what is due makes no sense");
    cJSON_ArrayForEach(it, bills)
    {
        if (d->n == SYNC_DUE_MAX) {
            d->more++;
            continue;
        }
        if (!bill_of(it, &d->bill[d->n++]))
            return kmsg_set(msg, K_EINVAL, "bill %d of the back office's answer on what is due makes no sense", d->n);
    }
    return K_OK;
}

/* The back office's refusal as this layer's code. */
static kerr_t refused(const sync_answer_t *a, kmsg_t *msg)
{
    kerr_t rc = sync__refused(a, msg);
    if (a->status == 404)
        rc = K_ENOTFOUND;
    else if (a->status == 403)
        rc = K_EDENIED;
    return rc;
}

kerr_t sync_account_due(sync_client_t *c, ledger_t *l, const char *account, sync_due_t *d, kmsg_t *msg)
{
    char path[200];
    memset(d, 0, sizeof *d);
    if (!id_ok(account))
        return kmsg_set(msg, K_EINVAL, "'%s' is not an account id (1 to 64 letters, digits, '.', '_', '-')", account);
    snprintf(path, sizeof path, "/v1/kiosks/%s/accounts/%s/due", c->cfg->kiosk_id, account);
    sync_answer_t a;
    kerr_t rc = sync__request(c, "GET", path, NULL, 0, NULL, NULL, NULL, &a, msg);
    bool answered = rc == K_OK;
    if (rc == K_OK)
        rc = a.status == 200 ? parse(a.json, d, msg) : refused(&a, msg);
    sync__note(c, l, answered, answered ? NULL : msg->text);
    sync__answer_free(&a);
    return rc;
}

kerr_t sync_bill_payable(const sync_due_t *d, int64_t amount, kmsg_t *msg)
{
    if (d->owed <= 0)
        return kmsg_set(msg, K_ESTATE, "no bill is due for account %s", d->account);
    if (amount > d->owed)
        return kmsg_set(msg, K_EINVAL, "account %s owes %lld: a payment of %lld is more than its bills ask",
                        d->account, (long long)d->owed, (long long)amount);
    return K_OK;
}

kerr_t sync_health(sync_client_t *c, kmsg_t *msg)
{
    sync_answer_t a;
    kerr_t rc = sync__request(c, "GET", "/v1/health", NULL, 5000, NULL, NULL, NULL, &a, msg);
    if (rc == K_OK)
        sync__answer_free(&a);
    return rc;
}
