/* Other charges (bo_charge.h). */
#include "backoffice/domain/bo_charge.h"

#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_postpaid.h"
#include "core/kmath.h"

#define MAX_ITEMS 64
#define MAX_ACCOUNTS 4096

static bool one_of(const char *v, const char *a, const char *b)
{
    return v && (strcmp(v, a) == 0 || strcmp(v, b) == 0);
}

kerr_t bo_charge_add(bo_store_t *st, const bo_who_t *who, const bo_charge_item_t *c, kmsg_t *msg)
{
    if (!c->id[0] || !c->site[0] || !c->name[0] || !one_of(c->basis, "fixed", "area") ||
        !one_of(c->every, "month", "once") || c->rate < 0)
        return kmsg_set(msg, K_EINVAL, "a charge item is an id, a site, a name, --fixed AMOUNT or --per-m2 AMOUNT "
                                       "(minor units) and --every month|once");
    bo_op_t op;
    char detail[200];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->charge->item_add(st->ctx, c, who->now, msg);
    snprintf(detail, sizeof detail, "site %s %s %s %lld every %s", c->site, c->name, c->basis, (long long)c->rate,
             c->every);
    return bo_op_end(&op, rc, "charge.add", c->id, "", detail, NULL, NULL);
}

kerr_t bo_charge_post(bo_store_t *st, const bo_who_t *who, const bo_post_account_t *a, const char *item,
                      const char *name, const char *period, int64_t amount, const char *detail, bool *added,
                      kmsg_t *msg)
{
    bool prepaid = strcmp(a->payment, "postpaid") != 0;
    bo_charge_rec_t c = {item, a->id, period, name, prepaid ? "deducted" : "billed", detail,
                         amount, a->balance - amount, who->now};
    kerr_t rc = st->ops->charge->charge_add(st->ctx, &c, added, msg);
    if (rc == K_OK && *added && prepaid)
        rc = st->ops->meters->account_credit(st->ctx, a->id, -amount, msg);
    char text[300];
    if (prepaid)
        snprintf(text, sizeof text, "%s %s %s amount %lld balance after %lld; %s", item, name, period,
                 (long long)amount, (long long)c.balance_after, detail);
    else
        snprintf(text, sizeof text, "%s %s %s amount %lld for the next bill; %s", item, name, period,
                 (long long)amount, detail);
    bo_audit_rec_t ar = {who->actor, prepaid ? "charge.deduct" : "charge.bill", a->id, "", text, who->now};
    if (rc == K_OK && *added)
        rc = bo_audit_record(st, &ar, msg);
    return rc;
}

typedef struct apply {
    bo_charge_item_t items[MAX_ITEMS];
    bo_post_account_t accounts[MAX_ACCOUNTS];
    int n_items, n_accounts;
    int64_t made_before; /* items created and accounts opened at or after it are left out */
    bool overflow;
} apply_t;

static void on_item(void *arg, const bo_charge_item_t *c)
{
    apply_t *ap = arg;
    if (c->created_at >= ap->made_before)
        return;
    if (ap->n_items == MAX_ITEMS)
        ap->overflow = true;
    else
        ap->items[ap->n_items++] = *c;
}

static void on_account(void *arg, const bo_post_account_t *a)
{
    apply_t *ap = arg;
    if (a->opened_at >= ap->made_before)
        return;
    if (ap->n_accounts == MAX_ACCOUNTS)
        ap->overflow = true;
    else
        ap->accounts[ap->n_accounts++] = *a;
}

/* The item's amount for the account: fixed, or area (hundredths of m2) x
 * rate per m2 / 100, rounded half up. */
static kerr_t amount_of(const bo_charge_item_t *c, const bo_post_account_t *a, int64_t *amount, kmsg_t *msg)
{
    if (strcmp(c->basis, "fixed") == 0) {
        *amount = c->rate;
        return K_OK;
    }
    if (kmath_muldiv(a->area, c->rate, 100, KROUND_HALF_UP, amount) != K_OK)
        return kmsg_set(msg, K_EOVERFLOW, "charge %s on account %s is too large", c->id, a->id);
    return K_OK;
}

static kerr_t apply_one(bo_store_t *st, const bo_who_t *who, const bo_charge_item_t *c, bo_post_account_t *a,
                        const char *period, bo_charge_stats_t *s, kmsg_t *msg)
{
    int64_t amount = 0;
    bool added = false;
    char detail[96];
    kerr_t rc = amount_of(c, a, &amount, msg);
    if (rc == K_OK && amount == 0) {
        s->zero++;
        return K_OK;
    }
    if (strcmp(c->basis, "area") == 0)
        snprintf(detail, sizeof detail, "area %lld.%02lld m2 at %lld per m2", (long long)(a->area / 100),
                 (long long)(a->area % 100), (long long)c->rate);
    else
        snprintf(detail, sizeof detail, "fixed");
    if (rc == K_OK)
        rc = bo_charge_post(st, who, a, c->id, c->name, strcmp(c->every, "once") == 0 ? "once" : period, amount,
                            detail, &added, msg);
    if (rc == K_OK && added) {
        s->applied++;
        s->amount += amount;
        *(strcmp(a->payment, "postpaid") == 0 ? &s->billed : &s->deducted) += 1;
        if (strcmp(a->payment, "postpaid") != 0)
            a->balance -= amount;
    } else if (rc == K_OK) {
        s->again++;
    }
    return rc;
}

kerr_t bo_charge_apply(bo_store_t *st, const bo_who_t *who, const char *site, const char *period,
                       bo_charge_stats_t *stats, kmsg_t *msg)
{
    return bo_charge_apply_made(st, who, site, period, INT64_MAX, stats, msg);
}

kerr_t bo_charge_apply_made(bo_store_t *st, const bo_who_t *who, const char *site, const char *period,
                            int64_t made_before, bo_charge_stats_t *stats, kmsg_t *msg)
{
    char from[11], to[11];
    memset(stats, 0, sizeof *stats);
    if (!site || !site[0] || !bo_period_month(period, from, to))
        return kmsg_set(msg, K_EINVAL, "charges are applied for a site and a month: --site S --period YYYY-MM");
    static apply_t ap; /* the command line's one thread and the server's lock hold it alone */
    memset(&ap, 0, sizeof ap);
    ap.made_before = made_before;
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->charge->items_each(st->ctx, site, on_item, &ap, msg);
    if (rc == K_OK)
        rc = st->ops->post->accounts_of_site(st->ctx, site, on_account, &ap, msg);
    if (rc == K_OK && ap.overflow)
        rc = kmsg_set(msg, K_EOVERFLOW, "site %s has more than %d items or %d accounts", site, MAX_ITEMS,
                      MAX_ACCOUNTS);
    for (int i = 0; rc == K_OK && i < ap.n_items; i++)
        for (int j = 0; rc == K_OK && j < ap.n_accounts; j++)
            rc = apply_one(st, who, &ap.items[i], &ap.accounts[j], period, stats, msg);
    return bo_op_commit(&op, rc);
}
