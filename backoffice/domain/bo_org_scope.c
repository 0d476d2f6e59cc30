/* What an organisation's staff see (bo_org.h): a listing's rows narrowed
 * to the organisation's sites, kiosks, meters, accounts, batches and
 * operators, sales and income counted again over its own sites, whatever
 * cannot be narrowed refused; and a session narrowed to an organisation
 * under its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_org.h"

/* How a listing is narrowed: by columns holding ids of a kind (a row is
 * kept if any of them holds one the organisation sees), by the listing's
 * args.id (one meter, account or batch), counted again (sales, income), or
 * not at all (refused). */
typedef enum narrow_how { REFUSE, BY_COLUMN, BY_ARG, SALES, INCOME } narrow_how_t;

#define MAX_BY 3

typedef struct narrowing {
    narrow_how_t how;
    struct {
        const char *column; /* SALES: the grouping */
        bo_org_kind_t kind;
    } by[MAX_BY];
    bo_org_period_t period; /* INCOME */
} narrowing_t;

/* A row kept by column c holding an id of kind k (or c2 of k2, or c3 of k3). */
#define COL(c, k) {.how = BY_COLUMN, .by = {[0] = {.column = c, .kind = k}}}
#define COLS2(c, k, c2, k2) {.how = BY_COLUMN, .by = {[0] = {.column = c, .kind = k}, [1] = {.column = c2, .kind = k2}}}
#define COLS3(c, k, c2, k2, c3, k3)                                                                              \
    {.how = BY_COLUMN, .by = {[0] = {.column = c, .kind = k}, [1] = {.column = c2, .kind = k2},               \
                              [2] = {.column = c3, .kind = k3}}}
#define ARG(k) {.how = BY_ARG, .by = {[0] = {.kind = k}}}
#define SALE(g) {.how = SALES, .by = {[0] = {.column = g, .kind = BO_ORG_SITE}}}
#define INC(p) {.how = INCOME, .period = p}

static const narrowing_t narrowings[] = {
    [BO_LIST_SITES] = COL("id", BO_ORG_SITE),
    [BO_LIST_KIOSKS] = COL("site", BO_ORG_SITE),
    [BO_LIST_METERS] = COL("meter", BO_ORG_METER),
    [BO_LIST_METER_ONE] = COL("meter", BO_ORG_METER),
    [BO_LIST_ACCOUNTS] = COL("account", BO_ORG_ACCOUNT),
    [BO_LIST_ACCOUNT] = COL("account", BO_ORG_ACCOUNT),
    [BO_LIST_ACCOUNT_METERS] = ARG(BO_ORG_ACCOUNT),
    [BO_LIST_ACCOUNT_CARDS] = ARG(BO_ORG_ACCOUNT),
    [BO_LIST_ALERTS] = COL("kiosk", BO_ORG_KIOSK),
    [BO_LIST_COMMANDS] = COL("meter", BO_ORG_METER),
    [BO_LIST_NOTICES] = COL("account", BO_ORG_ACCOUNT),
    [BO_LIST_BATCHES] = COL("id", BO_ORG_BATCH),
    [BO_LIST_BATCH_METERS] = ARG(BO_ORG_BATCH),
    [BO_LIST_BATCH_COUNTS] = ARG(BO_ORG_BATCH),
    [BO_REPORT_ENERGY] = COL("meter", BO_ORG_METER),
    [BO_REPORT_METER_DAY] = ARG(BO_ORG_METER),
    [BO_REPORT_METER_MONTH] = ARG(BO_ORG_METER),
    [BO_REPORT_METER_YEAR] = ARG(BO_ORG_METER),
    [BO_REPORT_ACCOUNT_MONTH] = ARG(BO_ORG_ACCOUNT),
    [BO_REPORT_SALES_DAY] = SALE("day"),
    [BO_REPORT_SALES_SITE] = SALE("site"),
    [BO_REPORT_SALES_METHOD] = SALE("method"),
    [BO_REPORT_INCOME_DAY] = INC(BO_ORG_BY_DAY),
    [BO_REPORT_INCOME_MONTH] = INC(BO_ORG_BY_MONTH),
    [BO_REPORT_INCOME_YEAR] = INC(BO_ORG_BY_YEAR),
    /* a movement of money: at its sites' kiosks, to its meters, or of its accounts */
    [BO_REPORT_MONEY] = COLS3("site", BO_ORG_SITE, "meter", BO_ORG_METER, "account", BO_ORG_ACCOUNT),
    /* the audit log: what its operators did, and what its kiosks uploaded (docs/console.md, "Scoping") */
    [BO_REPORT_AUDIT] = COLS2("actor", BO_ORG_ACTOR, "kiosk", BO_ORG_KIOSK),
};

/* The ids seen, sorted, and the column a row's id is in, for each of a
 * narrowing's columns. */
typedef struct seen {
    bo_rows_t ids[MAX_BY];
    int col[MAX_BY];
    int n;
} seen_t;

static int by_text(const void *key, const void *cell)
{
    return strcmp((const char *)key, *(char *const *)cell);
}

static bool in_ids(const bo_rows_t *ids, const char *id)
{
    return ids->nrows > 0 && bsearch(id, ids->cells, (size_t)ids->nrows, sizeof *ids->cells, by_text) != NULL;
}

static bool keep_seen(const bo_rows_t *r, int row, void *arg)
{
    const seen_t *s = arg;
    for (int i = 0; i < s->n; i++)
        if (in_ids(&s->ids[i], r->cells[(size_t)row * (size_t)r->ncols + (size_t)s->col[i]]))
            return true;
    return false;
}

kerr_t bo_org_sees(bo_store_t *st, const char *org, bo_org_kind_t kind, const char *id, bool *yes, kmsg_t *msg)
{
    bo_rows_t ids;
    *yes = !org || !org[0];
    if (*yes)
        return K_OK;
    kerr_t rc = st->ops->org->visible(st->ctx, org, kind, &ids, msg);
    if (rc == K_OK)
        *yes = id && in_ids(&ids, id);
    bo_rows_free(&ids);
    return rc;
}

/* Drops the rows none of whose narrowing columns holds an id org sees. */
static kerr_t by_column(bo_store_t *st, const char *org, const narrowing_t *n, bo_rows_t *rows, kmsg_t *msg)
{
    seen_t s = {0};
    kerr_t rc = K_OK;
    for (; rc == K_OK && s.n < MAX_BY && n->by[s.n].column; s.n++) {
        s.col[s.n] = bo_rows_col(rows, n->by[s.n].column);
        rc = s.col[s.n] < 0 ? kmsg_set(msg, K_EIO, "the listing has no column %s to narrow by", n->by[s.n].column)
                            : st->ops->org->visible(st->ctx, org, n->by[s.n].kind, &s.ids[s.n], msg);
    }
    if (rc == K_OK)
        bo_rows_keep(rows, keep_seen, &s);
    for (int i = 0; i < MAX_BY; i++)
        bo_rows_free(&s.ids[i]);
    return rc;
}

static bool keep_none(const bo_rows_t *r, int row, void *arg)
{
    (void)r, (void)row, (void)arg;
    return false;
}

kerr_t bo_org_narrow(bo_store_t *st, const char *org, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *rows,
                     kmsg_t *msg)
{
    if (!org || !org[0])
        return K_OK;
    const narrowing_t *n = (unsigned)what < sizeof narrowings / sizeof narrowings[0] ? &narrowings[what] : NULL;
    if (!n || n->how == REFUSE) {
        bo_rows_free(rows);
        return kmsg_set(msg, K_EDENIED, "this list is not offered to an organisation's staff (organisation %s): "
                        "ask the utility's staff", org);
    }
    if (n->how == BY_COLUMN)
        return by_column(st, org, n, rows, msg);
    if (n->how == SALES) {
        bo_rows_free(rows);
        return st->ops->org->sales(st->ctx, org, n->by[0].column, args->from, args->to, args->utc_offset_ms, rows,
                                     msg);
    }
    if (n->how == INCOME) {
        bo_rows_free(rows);
        return st->ops->org->income(st->ctx, org, n->period, args->from, args->to, args->utc_offset_ms, rows,
                                      msg);
    }
    bool yes = false;
    kerr_t rc = bo_org_sees(st, org, n->by[0].kind, args->id, &yes, msg);
    if (rc == K_OK && !yes)
        bo_rows_keep(rows, keep_none, NULL);
    return rc;
}

kerr_t bo_org_within(bo_store_t *st, const char *org, const char *want, char out[65], kmsg_t *msg)
{
    bo_rows_t orgs = {0};
    const char *mine = org ? org : "";
    kerr_t rc = st->ops->org->orgs(st->ctx, mine, &orgs, msg);
    int c = rc == K_OK ? bo_rows_col(&orgs, "id") : -1;
    bool found = false;
    for (int i = 0; c >= 0 && i < orgs.nrows && !found; i++)
        found = strcmp(orgs.cells[(size_t)i * (size_t)orgs.ncols + (size_t)c], want) == 0;
    bo_rows_free(&orgs);
    if (rc)
        return rc;
    if (!found)
        return mine[0] ? kmsg_set(msg, K_ENOTFOUND, "no organisation %s in organisation %s", want, mine)
                       : kmsg_set(msg, K_ENOTFOUND, "no organisation %s", want);
    snprintf(out, 65, "%s", want);
    return K_OK;
}
