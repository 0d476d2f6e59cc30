/* The SQLite store's charges and apportionment (bo_store_post.h,
 * bo_st_charge_t): charge items, the charges applied, apportionment
 * groups, members and runs (bo_schema.c, version 12). */
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

static kerr_t item_add(void *ctx, const bo_charge_item_t *c, int64_t at, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "storing a charge item",
                            "INSERT INTO charge_item(id, site, name, basis, rate, every, created_at) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?)",
                            "ttttiti", c->id, c->site, c->name, c->basis, c->rate, c->every, at);
    return rc == K_ECONFLICT ? kmsg_set(msg, K_ECONFLICT, "charge item %s exists already", c->id) : rc;
}

static kerr_t items_each(void *ctx, const char *site, bo_charge_item_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    bo_charge_item_t c;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT id, site, name, basis, every, rate, created_at FROM charge_item WHERE site = ? "
                            "ORDER BY id",
                            "t", site);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_db_copy(st, 0, c.id, sizeof c.id);
        bo_db_copy(st, 1, c.site, sizeof c.site);
        bo_db_copy(st, 2, c.name, sizeof c.name);
        bo_db_copy(st, 3, c.basis, sizeof c.basis);
        bo_db_copy(st, 4, c.every, sizeof c.every);
        c.rate = bo_cur_int(st, 5);
        c.created_at = bo_cur_int(st, 6);
        fn(arg, &c);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t items(void *ctx, const char *site, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT id, site, name, basis, rate, every FROM charge_item WHERE ?1 = '' OR site = ?1 "
                       "ORDER BY site, id",
                       site, NULL, NULL, out, msg);
}

static kerr_t charge_add(void *ctx, const bo_charge_rec_t *c, bool *added, kmsg_t *msg)
{
    bool deducted = strcmp(c->mode, "deducted") == 0;
    return bo_db_write(ctx, added, msg, "recording a charge",
                       "INSERT INTO charge_applied(item, account, period, name, amount, mode, "
                       "balance_after, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 THEN CAST(?8 AS BIGINT) END, ?9, ?10) "
                       "ON CONFLICT DO NOTHING",
                       "ttttitiiti", c->item, c->account, c->period, c->name, c->amount, c->mode, (int64_t)deducted,
                       c->balance_after, c->detail, c->at);
}

static kerr_t charges(void *ctx, const char *account, const char *site, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT c.id, c.item, c.account, c.period, c.name, c.amount, c.mode, "
                       "coalesce(c.balance_after, '') AS balance_after, coalesce(c.bill, '') AS bill, c.detail "
                       "FROM charge_applied c WHERE (?1 <> '' AND c.account = ?1) OR (?1 = '' AND (c.item IN "
                       "(SELECT id FROM charge_item WHERE site = ?2) OR c.item IN (SELECT 'apportion:' || id FROM "
                       "apportion_group WHERE site = ?2))) ORDER BY c.id DESC",
                       account, site, NULL, out, msg);
}

static kerr_t group_add(void *ctx, const bo_apportion_group_t *g, int64_t at, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "storing an apportionment group",
                            "INSERT INTO apportion_group(id, site, master, common, split, price, created_at) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?)",
                            "tttttii", g->id, g->site, g->master, g->common, g->split, g->price, at);
    return rc == K_ECONFLICT ? kmsg_set(msg, K_ECONFLICT, "apportionment group %s exists already", g->id) : rc;
}

static kerr_t member_add(void *ctx, const char *group, const char *meter, int64_t weight, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "storing a sub-meter",
                            "INSERT INTO apportion_member(grp, meter, weight) VALUES (?, ?, ?)", "tti", group, meter,
                            weight);
    return rc == K_ECONFLICT ? kmsg_set(msg, K_ECONFLICT, "sub-meter %s is given twice", meter) : rc;
}

static kerr_t group_get(void *ctx, const char *id, bo_apportion_group_t *g, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(g, 0, sizeof *g);
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT id, site, master, common, split, price FROM apportion_group WHERE id = ?", "t", id);
    if (rc == K_OK && *found) {
        bo_db_copy(st, 0, g->id, sizeof g->id);
        bo_db_copy(st, 1, g->site, sizeof g->site);
        bo_db_copy(st, 2, g->master, sizeof g->master);
        bo_db_copy(st, 3, g->common, sizeof g->common);
        bo_db_copy(st, 4, g->split, sizeof g->split);
        g->price = bo_cur_int(st, 5);
    }
    bo_db_end(st);
    return rc;
}

/* Each member with the open account its meter is bound to now. */
static kerr_t members_each(void *ctx, const char *group, bo_member_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT p.meter, p.weight, coalesce(a.id, ''), coalesce(a.area, 0) FROM apportion_member p "
                            "LEFT JOIN account_meter b ON b.meter = p.meter AND b.unbound_at IS NULL LEFT JOIN "
                            "account a ON a.id = b.account AND a.state = 'open' WHERE p.grp = ? ORDER BY p.meter",
                            "t", group);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0), bo_cur_int(st, 1), bo_db_col(st, 2), bo_cur_int(st, 3));
    bo_db_end(st);
    return rc;
}

static kerr_t meter_energy(void *ctx, const char *meter, const char *from, const char *to, int64_t *energy,
                           kmsg_t *msg)
{
    *energy = 0;
    return bo_db_get_int(ctx, energy, NULL, msg,
                         "SELECT coalesce(sum(energy), 0) FROM bill_day WHERE meter = ? AND day >= ? AND day <= ?",
                         "ttt", meter, from, to);
}

static kerr_t run_add(void *ctx, const bo_apportion_run_t *r, bool *added, kmsg_t *msg)
{
    return bo_db_write(ctx, added, msg, "recording an apportionment",
                       "INSERT INTO apportion_run(grp, period, master, subs, common, amount, warning, at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       "ttiiiiti", r->group, r->period, r->master, r->subs, r->common, r->amount, r->warning, r->at);
}

/* The group's settings, each member, then each run, as rows of one shape
 * (a cell that is not theirs: NULL, shown empty). */
static kerr_t group_rows(void *ctx, const char *id, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT 'group' AS row, id AS name, 'master ' || master || ', ' || common || ', split by ' || "
                       "split || ', price ' || price AS what, CAST(NULL AS BIGINT) AS energy, "
                       "CAST(NULL AS BIGINT) AS amount, '' AS warning FROM apportion_group WHERE id = ?1 "
                       "UNION ALL SELECT 'sub', meter, 'weight ' || weight, NULL, NULL, '' "
                       "FROM apportion_member WHERE grp = ?1 UNION ALL SELECT 'run', period, 'master ' || master || "
                       "', subs ' || subs, common, amount, warning FROM apportion_run WHERE grp = ?1",
                       id, NULL, NULL, out, msg);
}

const bo_st_charge_t bo__sq_charge = {
    .item_add = item_add,
    .items_each = items_each,
    .items = items,
    .charge_add = charge_add,
    .charges = charges,
    .group_add = group_add,
    .member_add = member_add,
    .group_get = group_get,
    .members_each = members_each,
    .meter_energy = meter_energy,
    .run_add = run_add,
    .group_rows = group_rows,
};
