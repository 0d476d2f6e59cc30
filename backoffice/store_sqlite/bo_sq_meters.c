/* The SQLite store's customers, meters and accounts (bo_store_meter.h). */
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

#define CHANGING "changing the database"

static kerr_t customer_add(void *ctx, const char *id, const char *name, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "INSERT INTO customer VALUES (?, ?)", "tt", id, name);
}

static kerr_t customer_exists(void *ctx, const char *id, bool *found, kmsg_t *msg)
{
    return bo_db_get_text(ctx, NULL, 0, found, msg, "SELECT id FROM customer WHERE id = ?", "t", id);
}

static kerr_t meter_site(void *ctx, const char *id, char site[65], bool *found, kmsg_t *msg)
{
    return bo_db_get_text(ctx, site, 65, found, msg, "SELECT site FROM meter WHERE id = ?", "t", id);
}

static kerr_t meter_put(void *ctx, const bo_meter_rec_t *m, bool replace, kmsg_t *msg)
{
    if (replace)
        return bo_db_write(ctx, NULL, msg, CHANGING,
                           "INSERT INTO meter(id, customer, protocol, gateway, kind, tariff, site) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET customer = excluded.customer, "
                           "protocol = excluded.protocol, gateway = excluded.gateway, kind = excluded.kind, "
                           "tariff = excluded.tariff, site = excluded.site",
                           "ttttttt", m->id, m->customer, m->protocol, m->gateway, m->kind, m->tariff, m->site);
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "INSERT INTO meter(id, customer, protocol, gateway, kind, tariff, site) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       "ttttttt", m->id, m->customer, m->protocol, m->gateway, m->kind, m->tariff, m->site);
}

static kerr_t meter_install(void *ctx, const bo_meter_rec_t *m, const char *account, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "INSERT INTO meter(id, customer, protocol, gateway, kind, tariff, site) "
                       "SELECT ?1, customer, ?3, ?4, ?5, ?6, ?7 FROM account WHERE id = ?2 ON CONFLICT (id) "
                       "DO UPDATE SET protocol = ?3, gateway = ?4, kind = ?5, tariff = ?6, site = ?7",
                       "ttttttt", m->id, account, m->protocol, m->gateway, m->kind, m->tariff, m->site);
}

static kerr_t meter_set_site(void *ctx, const char *id, const char *site, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "UPDATE meter SET site = ?2 WHERE id = ?1", "tt", id, site);
}

static kerr_t meter_set_customer(void *ctx, const char *id, const char *customer, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "UPDATE meter SET customer = ?2 WHERE id = ?1", "tt", id, customer);
}

static kerr_t removed_get(void *ctx, const char *meter, bo_removed_rec_t *r, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg, "SELECT at, reason FROM meter_removed WHERE meter = ?", "t", meter);
    memset(r, 0, sizeof *r);
    if (rc == K_OK && *found) {
        r->at = bo_cur_int(st, 0);
        bo_db_copy(st, 1, r->reason, sizeof r->reason);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t removed_put(void *ctx, const char *meter, int64_t at, int64_t final_reading, const char *reason,
                          kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "INSERT INTO meter_removed VALUES (?1, ?2, ?3, ?4)", "tiit", meter,
                       at, final_reading, reason);
}

static kerr_t removed_drop(void *ctx, const char *meter, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "DELETE FROM meter_removed WHERE meter = ?", "t", meter);
}

/* The registry's view of every meter: removed; bound to an open account;
 * closed (its last account closed); unassigned (never bound: registered
 * with `meter add`, sold to as before accounts existed). */
static const char registry_sql[] =
    "SELECT m.id, m.customer, m.protocol, m.gateway, m.kind, m.tariff, "
    "  coalesce(b.account, (SELECT h.account FROM account_meter h WHERE h.meter = m.id ORDER BY h.id DESC LIMIT 1), "
    "    '') AS account, "
    "  CASE WHEN r.meter IS NOT NULL THEN 'removed' WHEN b.id IS NOT NULL THEN 'open' "
    "    WHEN EXISTS (SELECT 1 FROM account_meter h WHERE h.meter = m.id) THEN 'closed' ELSE 'unassigned' END, "
    "  coalesce(b.first_zero_ok, 0) "
    "FROM meter m LEFT JOIN account_meter b ON b.meter = m.id AND b.unbound_at IS NULL "
    "LEFT JOIN meter_removed r ON r.meter = m.id ORDER BY m.id";

static kerr_t registry_each(void *ctx, bo_registry_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, registry_sql, "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_registry_rec_t m = {bo_db_col(st, 0), bo_db_col(st, 1), bo_db_col(st, 2),           bo_db_col(st, 3),
                               bo_db_col(st, 4), bo_db_col(st, 5), bo_db_col(st, 6),           bo_db_col(st, 7),
                               (int)bo_cur_int(st, 8) == 1};
        fn(arg, &m);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t account_get(void *ctx, const char *id, bo_account_rec_t *a, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT customer, state, opened_at, coalesce(closed_at, 0), balance, settled "
                            "FROM account WHERE id = ?",
                            "t", id);
    memset(a, 0, sizeof *a);
    if (rc == K_OK && *found) {
        bo_db_copy(st, 0, a->customer, sizeof a->customer);
        bo_db_copy(st, 1, a->state, sizeof a->state);
        a->opened_at = bo_cur_int(st, 2);
        a->closed_at = bo_cur_int(st, 3);
        a->balance = bo_cur_int(st, 4);
        a->settled = bo_cur_int(st, 5);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t account_add(void *ctx, const char *id, const char *customer, int64_t at, int64_t balance, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "INSERT INTO account(id, customer, opened_at, balance) VALUES (?1, ?2, ?3, ?4)", "ttii", id,
                       customer, at, balance);
}

static kerr_t account_set_customer(void *ctx, const char *id, const char *customer, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "UPDATE account SET customer = ?2 WHERE id = ?1", "tt", id,
                       customer);
}

static kerr_t account_credit(void *ctx, const char *id, int64_t amount, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "UPDATE account SET balance = balance + ?2 WHERE id = ?1", "ti", id,
                       amount);
}

static kerr_t account_close(void *ctx, const char *id, int64_t at, const char *reason, const char *settlement,
                            kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "UPDATE account SET state = 'closed', closed_at = ?4, close_reason = ?2, "
                       "settlement = ?3, settled = balance, balance = 0 WHERE id = ?1",
                       "ttti", id, reason, settlement, at);
}

static kerr_t account_set_carried_to(void *ctx, const char *id, const char *to, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING, "UPDATE account SET carried_to = ?2 WHERE id = ?1", "tt", id, to);
}

static kerr_t account_first_open(void *ctx, const char *customer, char id[65], bool *found, kmsg_t *msg)
{
    return bo_db_get_text(ctx, id, 65, found, msg,
                          "SELECT id FROM account WHERE state = 'open' AND customer = ? ORDER BY opened_at, id LIMIT 1",
                          "t", customer);
}

/* Balances closed accounts of customer ?1 carried forward, not yet taken. */
#define CARRIED " FROM account WHERE customer = ?1 AND state = 'closed' AND settlement = 'carry' AND carried_to = ''"

static kerr_t carried_sum(void *ctx, const char *customer, int64_t *sum, kmsg_t *msg)
{
    *sum = 0;
    return bo_db_get_int(ctx, sum, NULL, msg, "SELECT coalesce(sum(settled), 0)" CARRIED, "t", customer);
}

static kerr_t carried_take(void *ctx, const char *customer, const char *to, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "UPDATE account SET carried_to = ?2 WHERE customer = ?1 AND state = 'closed' "
                       "AND settlement = 'carry' AND carried_to = '' AND id <> ?2",
                       "tt", customer, to);
}

static kerr_t binding_of(void *ctx, const char *meter, char account[65], bool *found, kmsg_t *msg)
{
    return bo_db_get_text(ctx, account, 65, found, msg,
                          "SELECT account FROM account_meter WHERE meter = ? AND unbound_at IS NULL", "t", meter);
}

static kerr_t bound_each(void *ctx, const char *account, bo_meter_id_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT meter FROM account_meter WHERE account = ? AND unbound_at IS NULL ORDER BY id",
                            "t", account);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0));
    bo_db_end(st);
    return rc;
}

static kerr_t bind(void *ctx, const char *account, const char *meter, int64_t at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "INSERT INTO account_meter(account, meter, bound_at) VALUES (?1, ?2, ?3)", "tti", account,
                       meter, at);
}

static kerr_t unbind(void *ctx, const char *meter, int64_t at, int64_t final_reading, const char *why, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "UPDATE account_meter SET unbound_at = ?2, final_reading = CASE WHEN ?3 >= 0 THEN CAST(?3 AS BIGINT) END, "
                       "unbound_why = ?4, first_zero_ok = 0 WHERE meter = ?1 AND unbound_at IS NULL",
                       "tiit", meter, at, final_reading, why);
}

static kerr_t first_zero_end(void *ctx, const char *meter, int64_t created_at, bool *changed, kmsg_t *msg)
{
    return bo_db_write_keyed(ctx, changed, msg, "ending a meter's zero first purchase",
                       "UPDATE account_meter SET first_zero_ok = 0 WHERE meter = ? AND unbound_at IS NULL "
                       "AND first_zero_ok = 1 AND bound_at <= ?",
                       "ti", meter, created_at);
}

/* One row: the kiosk's site, whether the meter is registered, its site,
 * and whether a live grant gives the kiosk's site the meter. */
static const char scope_sql[] =
    "SELECT k.site, m.id IS NOT NULL, coalesce(m.site, ''), EXISTS (SELECT 1 FROM site_grant g "
    "  WHERE g.site = k.site AND g.revoked_at IS NULL AND (g.meter = ?2 OR (g.from_site <> '' AND "
    "  g.from_site = m.site))) "
    "FROM kiosk k LEFT JOIN meter m ON m.id = ?2 WHERE k.id = ?1";

static kerr_t scope_get(void *ctx, const char *kiosk, const char *meter, bo_scope_rec_t *s, kmsg_t *msg)
{
    bo_cur_t *st;
    bool found;
    memset(s, 0, sizeof *s);
    kerr_t rc = bo_db_first(ctx, &st, &found, msg, scope_sql, "tt", kiosk, meter);
    if (rc)
        return kmsg_set(msg, K_EIO, "database error checking a kiosk's scope: %s", bo_db_error(ctx));
    if (found) {
        bo_db_copy(st, 0, s->site, sizeof s->site);
        s->known = (int)bo_cur_int(st, 1) != 0;
        bo_db_copy(st, 2, s->home, sizeof s->home);
        s->granted = (int)bo_cur_int(st, 3) != 0;
    }
    bo_db_end(st);
    return K_OK;
}

static kerr_t grant_live(void *ctx, const char *site, const char *from_site, const char *meter, int64_t *id,
                         kmsg_t *msg)
{
    *id = 0;
    return bo_db_get_int(ctx, id, NULL, msg,
                         "SELECT id FROM site_grant WHERE site = ? AND from_site = ? AND meter = ? "
                         "AND revoked_at IS NULL",
                         "ttt", site, from_site, meter);
}

static kerr_t grant_add(void *ctx, const bo_grant_rec_t *g, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "INSERT INTO site_grant(site, from_site, meter, reason, granted_at, granted_by) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       "ttttit", g->site, g->from_site, g->meter, g->reason, g->at, g->by);
}

static kerr_t grant_revoke(void *ctx, int64_t id, int64_t at, const char *by, const char *reason, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, CHANGING,
                       "UPDATE site_grant SET revoked_at = ?2, revoked_by = ?3, revoke_reason = ?4 WHERE id = ?1",
                       "iitt", id, at, by, reason);
}

const bo_st_meters_t bo__sq_meters = {
    .customer_add = customer_add,
    .customer_exists = customer_exists,
    .meter_site = meter_site,
    .meter_put = meter_put,
    .meter_install = meter_install,
    .meter_set_site = meter_set_site,
    .meter_set_customer = meter_set_customer,
    .removed_get = removed_get,
    .removed_put = removed_put,
    .removed_drop = removed_drop,
    .registry_each = registry_each,
    .account_get = account_get,
    .account_add = account_add,
    .account_set_customer = account_set_customer,
    .account_credit = account_credit,
    .account_close = account_close,
    .account_set_carried_to = account_set_carried_to,
    .account_first_open = account_first_open,
    .carried_sum = carried_sum,
    .carried_take = carried_take,
    .binding_of = binding_of,
    .bound_each = bound_each,
    .bind = bind,
    .unbind = unbind,
    .first_zero_end = first_zero_end,
    .scope_get = scope_get,
    .grant_live = grant_live,
    .grant_add = grant_add,
    .grant_revoke = grant_revoke,
};
