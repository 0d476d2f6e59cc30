/* The SQL store's reconciliation (bo_store_recon.h, bo_st_recon_t): the
 * table qr_difference (bo_schema.c, version 21) and the paid QR orders. */
#include "backoffice/store_sqlite/bo_sq_int.h"

/* Calls fn for each row (id, reference, amount) of st, opened with rc
 * (more: it has a first row), and ends it. */
static kerr_t rows(void *ctx, bo_cur_t *st, bool more, kerr_t rc, bo_recon_paid_cb fn, void *arg, kmsg_t *msg)
{
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0), bo_db_col(st, 1), bo_cur_int(st, 2));
    bo_db_end(st);
    return rc;
}

/* Calls fn for each row (id, reference, amount) of sql over provider,
 * unrecorded (1 or 0), [from, to). */
static kerr_t each(void *ctx, const char *sql, const char *provider, bool unrecorded, int64_t from, int64_t to,
                   bo_recon_paid_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, sql, "tiii", provider, (int64_t)unrecorded, from, to);
    return rows(ctx, st, more, rc, fn, arg, msg);
}

static kerr_t paid_each(void *ctx, const char *provider, bool unrecorded, int64_t from, int64_t to,
                        bo_recon_paid_cb fn, void *arg, kmsg_t *msg)
{
    return each(ctx,
                "SELECT id, provider_ref, amount FROM qr_order WHERE (provider = ? OR (provider = '' AND ? = 1)) "
                "AND state IN ('paid', 'paid_late') AND paid_at >= ? AND paid_at < ? ORDER BY id",
                provider, unrecorded, from, to, fn, arg, msg);
}

/* A phone order's id is P<meter>_<tag><15 hex digits>: its tag is the 16th
 * character from the end; its credit command has the order's id. */
static kerr_t phone_paid_each(void *ctx, char tag, int64_t from, int64_t to, bo_recon_paid_cb fn, void *arg,
                              kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    const char t[2] = {tag, '\0'};
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT id, '', CAST(json_extract(params, '$.amount') AS INTEGER) FROM meter_command "
                            "WHERE command = 'credit' AND operator = 'phone' AND id LIKE 'P%' "
                            "AND substr(id, length(id) - 15, 1) = ? AND issued_at >= ? AND issued_at < ? ORDER BY id",
                            "tii", t, from, to);
    return rows(ctx, st, more, rc, fn, arg, msg);
}

static kerr_t refunded_each(void *ctx, const char *provider, bool unrecorded, int64_t from, int64_t to,
                            bo_recon_paid_cb fn, void *arg, kmsg_t *msg)
{
    return each(ctx,
                "SELECT order_id, refund_ref, amount FROM qr_refund r WHERE "
                "(coalesce((SELECT o.provider FROM qr_order o WHERE o.id = r.order_id), '') = ? OR "
                "(coalesce((SELECT o.provider FROM qr_order o WHERE o.id = r.order_id), '') = '' AND ? = 1)) "
                "AND state = 'succeeded' AND updated_at >= ? AND updated_at < ? ORDER BY order_id",
                provider, unrecorded, from, to, fn, arg, msg);
}

static kerr_t add(void *ctx, const bo_recon_rec_t *d, bool *added, kmsg_t *msg)
{
    return bo_db_write(ctx, added, msg, "recording a reconciliation difference",
                       "INSERT INTO qr_difference(provider, day, kind, out_trade_no, trade_no, bill_amount, "
                       "our_amount, detail, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (provider, day, kind, out_trade_no) DO NOTHING",
                       "tttttiiti", d->provider, d->day, d->kind, d->out_trade_no, d->trade_no, d->bill, d->ours,
                       d->detail, d->at);
}

static kerr_t state(void *ctx, int64_t id, bool *found, bool *resolved, kmsg_t *msg)
{
    int64_t r = 0;
    kerr_t rc = bo_db_get_int(ctx, &r, found, msg,
                              "SELECT CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END FROM qr_difference WHERE id = ?",
                              "i", id);
    *resolved = r != 0;
    return rc;
}

static kerr_t resolve(void *ctx, int64_t id, const char *op, const char *reason, int64_t at, bool *changed,
                      kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "resolving a reconciliation difference",
                       "UPDATE qr_difference SET resolved_at = ?, resolved_by = ?, reason = ? "
                       "WHERE id = ? AND resolved_at IS NULL",
                       "ittp", at, op, reason, id);
}

/* ?1 a day ("" every day), ?2 "1" for the open ones only, ?3 "" (three parameters, as bo__sq_rows binds). */
static const char list_sql[] =
    "SELECT id, provider, day, kind, out_trade_no AS order_id, trade_no, bill_amount, our_amount, detail,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', found_at / 1000, 'unixepoch') AS found,"
    " CASE WHEN resolved_at IS NULL THEN 'open' ELSE 'resolved' END AS state, resolved_by, reason"
    " FROM qr_difference WHERE (?1 = '' OR day = ?1) AND (?2 = '' OR resolved_at IS NULL) AND ?3 = ''"
    " ORDER BY day DESC, id";

static kerr_t list(void *ctx, const char *day, bool open_only, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx, list_sql, day ? day : "", open_only ? "1" : "", NULL, out, msg);
}

const bo_st_recon_t bo__sq_recon = {
    .paid_each = paid_each,
    .phone_paid_each = phone_paid_each,
    .refunded_each = refunded_each,
    .add = add,
    .state = state,
    .resolve = resolve,
    .list = list,
};
