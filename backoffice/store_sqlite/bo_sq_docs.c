/* The SQLite store's documents and staff (bo_store_fleet.h): versions,
 * tariffs, blocked cards, permission groups and operators. */
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

#define DONE "moving a document's version forward"

static kerr_t version(void *ctx, const char *kind, const char *kiosk, int64_t *v, kmsg_t *msg)
{
    *v = -1;
    return strcmp(kind, "settings") == 0
               ? bo_db_int(ctx, "SELECT settings_version FROM kiosk WHERE id = ?", kiosk, v, msg)
               : bo_db_int(ctx, "SELECT version FROM doc_version WHERE kind = ?", kind, v, msg);
}

static kerr_t bump(void *ctx, const char *kind, const char *kiosk, kmsg_t *msg)
{
    if (strcmp(kind, "settings") == 0)
        return bo_db_write(ctx, NULL, msg, DONE, "UPDATE kiosk SET settings_version = settings_version + 1 WHERE id = ?",
                           "t", kiosk);
    return bo_db_write(ctx, NULL, msg, DONE, "UPDATE doc_version SET version = version + 1 WHERE kind = ?", "t",
                       kind);
}

static kerr_t tariff_put(void *ctx, const bo_tariff_rec_t *t, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "changing the database", "INSERT INTO tariff VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET currency = excluded.currency, "
                       "text = excluded.text",
                       "ttt", t->id, t->currency, t->text);
}

static kerr_t tariff_exists(void *ctx, const char *id, bool *found, kmsg_t *msg)
{
    return bo_db_get_text(ctx, NULL, 0, found, msg, "SELECT id FROM tariff WHERE id = ?", "t", id);
}

static kerr_t tariffs_each(void *ctx, bo_tariff_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, "SELECT id, currency, text FROM tariff ORDER BY id", "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_tariff_rec_t t = {bo_db_col(st, 0), bo_db_col(st, 1), bo_db_col(st, 2)};
        fn(arg, &t);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t card_block(void *ctx, const char *serial, const char *reason, int64_t at, bool replace, bool *changed,
                         kmsg_t *msg)
{
    if (replace)
        return bo_db_write(ctx, changed, msg, "changing the database",
                           "INSERT INTO blocked_card VALUES (?, ?, ?) ON CONFLICT (serial) DO UPDATE SET "
                           "reason = excluded.reason, at = excluded.at", "tti", serial, reason, at);
    return bo_db_write(ctx, changed, msg, "blocking a card", "INSERT INTO blocked_card VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       "tti", serial, reason, at);
}

static kerr_t card_unblock(void *ctx, const char *serial, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "changing the database", "DELETE FROM blocked_card WHERE serial = ?", "t",
                       serial);
}

/* Calls fn with the two texts of each row of sql (no parameters). */
static kerr_t pairs(void *ctx, const char *sql, bo_pair_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, sql, "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0), bo_db_col(st, 1));
    bo_db_end(st);
    return rc;
}

static kerr_t blocked_each(void *ctx, bo_pair_cb fn, void *arg, kmsg_t *msg)
{
    return pairs(ctx, "SELECT serial, reason FROM blocked_card ORDER BY serial", fn, arg, msg);
}

const bo_st_docs_t bo__sq_docs = {
    .version = version,
    .bump = bump,
    .tariff_put = tariff_put,
    .tariff_exists = tariff_exists,
    .tariffs_each = tariffs_each,
    .card_block = card_block,
    .card_unblock = card_unblock,
    .blocked_each = blocked_each,
};

#define STAFF "changing staff"

static kerr_t group_put(void *ctx, const char *name, const char *perms, int64_t at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, STAFF,
                       "INSERT INTO staff_group VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET "
                       "perms = ?2, updated_at = ?3",
                       "tti", name, perms, at);
}

static kerr_t operator_put(void *ctx, const bo_operator_rec_t *o, int64_t at, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, STAFF,
                       "INSERT INTO staff_operator SELECT ?1, ?2, ?3, 0, CAST(?4 AS BIGINT) "
                       "WHERE EXISTS (SELECT 1 FROM staff_group WHERE name = ?2) ON CONFLICT (name) DO UPDATE "
                       "SET group_name = ?2, pin_hash = ?3, disabled = 0, updated_at = ?4",
                       "ttti", o->name, o->group, o->pin_hash, at);
}

static kerr_t operator_pin(void *ctx, const char *name, const char *pin_hash, int64_t at, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, STAFF,
                       "UPDATE staff_operator SET pin_hash = ?2, updated_at = ?3 WHERE name = ?1", "tti", name,
                       pin_hash, at);
}

static kerr_t operator_disable(void *ctx, const char *name, bool disabled, int64_t at, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, STAFF,
                       "UPDATE staff_operator SET disabled = ?2, updated_at = ?3 WHERE name = ?1", "tii", name,
                       (int64_t)disabled, at);
}

static kerr_t operator_group(void *ctx, const char *name, const char *group, int64_t at, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, STAFF,
                       "UPDATE staff_operator SET group_name = ?2, updated_at = ?3 WHERE name = ?1 "
                       "AND EXISTS (SELECT 1 FROM staff_group WHERE name = ?2)",
                       "tti", name, group, at);
}

static kerr_t groups_each(void *ctx, bo_pair_cb fn, void *arg, kmsg_t *msg)
{
    return pairs(ctx, "SELECT name, perms FROM staff_group ORDER BY name", fn, arg, msg);
}

static kerr_t operators_each(void *ctx, bo_operator_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT name, group_name, pin_hash, disabled FROM staff_operator ORDER BY name", "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_operator_rec_t o = {bo_db_col(st, 0), bo_db_col(st, 1), bo_db_col(st, 2), (int)bo_cur_int(st, 3) != 0};
        fn(arg, &o);
    }
    bo_db_end(st);
    return rc;
}

const bo_st_staff_t bo__sq_staff = {
    .group_put = group_put,
    .operator_put = operator_put,
    .operator_pin = operator_pin,
    .operator_disable = operator_disable,
    .operator_group = operator_group,
    .groups_each = groups_each,
    .operators_each = operators_each,
};
