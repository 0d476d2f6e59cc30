/* What an organisation's staff see (bo_org.h): a listing's rows narrowed
 * to the organisation's sites, kiosks, meters and accounts, sales counted
 * again over its own sites, and whatever cannot be narrowed refused. */
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_org.h"

/* How a listing is narrowed: by a column holding ids of a kind, by the
 * listing's args.id (one meter or account), counted again (sales), or not
 * at all (refused). */
typedef enum narrow_how { REFUSE, BY_COLUMN, BY_ARG, SALES } narrow_how_t;

typedef struct narrowing {
    narrow_how_t how;
    const char *column; /* BY_COLUMN; SALES: the grouping */
    bo_org_kind_t kind;
} narrowing_t;

static const narrowing_t narrowings[] = {
    [BO_LIST_SITES] = {BY_COLUMN, "id", BO_ORG_SITE},
    [BO_LIST_KIOSKS] = {BY_COLUMN, "site", BO_ORG_SITE},
    [BO_LIST_METERS] = {BY_COLUMN, "meter", BO_ORG_METER},
    [BO_LIST_METER_ONE] = {BY_COLUMN, "meter", BO_ORG_METER},
    [BO_LIST_ACCOUNTS] = {BY_COLUMN, "account", BO_ORG_ACCOUNT},
    [BO_LIST_ACCOUNT] = {BY_COLUMN, "account", BO_ORG_ACCOUNT},
    [BO_LIST_ACCOUNT_METERS] = {BY_ARG, NULL, BO_ORG_ACCOUNT},
    [BO_LIST_ACCOUNT_CARDS] = {BY_ARG, NULL, BO_ORG_ACCOUNT},
    [BO_LIST_ALERTS] = {BY_COLUMN, "kiosk", BO_ORG_KIOSK},
    [BO_LIST_COMMANDS] = {BY_COLUMN, "meter", BO_ORG_METER},
    [BO_LIST_NOTICES] = {BY_COLUMN, "account", BO_ORG_ACCOUNT},
    [BO_REPORT_ENERGY] = {BY_COLUMN, "meter", BO_ORG_METER},
    [BO_REPORT_METER_DAY] = {BY_ARG, NULL, BO_ORG_METER},
    [BO_REPORT_METER_MONTH] = {BY_ARG, NULL, BO_ORG_METER},
    [BO_REPORT_METER_YEAR] = {BY_ARG, NULL, BO_ORG_METER},
    [BO_REPORT_SALES_DAY] = {SALES, "day", BO_ORG_SITE},
    [BO_REPORT_SALES_SITE] = {SALES, "site", BO_ORG_SITE},
    [BO_REPORT_SALES_METHOD] = {SALES, "method", BO_ORG_SITE},
};

/* The ids seen, sorted, and the column a row's id is in. */
typedef struct seen {
    const bo_rows_t *ids;
    int col;
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
    return in_ids(s->ids, r->cells[(size_t)row * (size_t)r->ncols + (size_t)s->col]);
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

/* Drops the rows whose id in column is not one org sees. */
static kerr_t by_column(bo_store_t *st, const char *org, const narrowing_t *n, bo_rows_t *rows, kmsg_t *msg)
{
    bo_rows_t ids;
    seen_t s = {&ids, bo_rows_col(rows, n->column)};
    if (s.col < 0)
        return kmsg_set(msg, K_EIO, "the listing has no column %s to narrow by", n->column);
    kerr_t rc = st->ops->org->visible(st->ctx, org, n->kind, &ids, msg);
    if (rc == K_OK)
        bo_rows_keep(rows, keep_seen, &s);
    bo_rows_free(&ids);
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
        return st->ops->org->sales(st->ctx, org, n->column, args->from, args->to, rows, msg);
    }
    bool yes = false;
    kerr_t rc = bo_org_sees(st, org, n->kind, args->id, &yes, msg);
    if (rc == K_OK && !yes)
        bo_rows_keep(rows, keep_none, NULL);
    return rc;
}
