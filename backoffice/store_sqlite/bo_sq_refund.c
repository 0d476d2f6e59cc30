/* The store's QR refunds (bo_store_refund.h, bo_st_refund_t): the table
 * qr_refund (bo_schema.c, versions 20 and 22). */
#include <string.h>

#include "backoffice/store/bo_store_refund.h"
#include "backoffice/store_sqlite/bo_sq_int.h"

#define COLS                                                                                                       \
    "order_id, out_refund_no, kiosk, txn_id, meter, state, refund_ref, last_error, settled_by, reason, amount, " \
    "total, attempts, next_at, created_at, updated_at, alerted, source, "                                      \
    "coalesce((SELECT o.provider FROM qr_order o WHERE o.id = qr_refund.order_id), '')"

static void read_refund(bo_cur_t *st, bo_refund_rec_t *r)
{
    char *texts[] = {r->order, r->out_refund_no, r->kiosk, r->txn, r->meter,
                     r->state, r->refund_ref,    r->last_error, r->settled_by, r->reason};
    size_t lens[] = {sizeof r->order, sizeof r->out_refund_no, sizeof r->kiosk,      sizeof r->txn,
                     sizeof r->meter, sizeof r->state,         sizeof r->refund_ref, sizeof r->last_error,
                     sizeof r->settled_by, sizeof r->reason};
    for (int i = 0; i < 10; i++)
        bo_db_copy(st, i, texts[i], lens[i]);
    int64_t *nums[] = {&r->amount, &r->total, &r->attempts, &r->next_at, &r->created_at, &r->updated_at};
    for (int i = 0; i < 6; i++)
        *nums[i] = bo_cur_int(st, 10 + i);
    r->alerted = bo_cur_int(st, 16) != 0;
    bo_db_copy(st, 17, r->source, sizeof r->source);
    bo_db_copy(st, 18, r->provider, sizeof r->provider);
}

static kerr_t add(void *ctx, const bo_refund_rec_t *r, bool *fresh, kmsg_t *msg)
{
    return bo_db_write(ctx, fresh, msg, "recording a QR refund",
                       "INSERT INTO qr_refund(order_id, out_refund_no, kiosk, txn_id, meter, state, amount, total, "
                       "next_at, created_at, updated_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (order_id) DO NOTHING",
                       "ttttttiiiiit", r->order, r->out_refund_no, r->kiosk, r->txn, r->meter, r->state, r->amount,
                       r->total, r->next_at, r->created_at, r->updated_at, r->source[0] ? r->source : "kiosk");
}

static kerr_t due(void *ctx, int64_t now, bo_refund_rec_t *out, int max, int *n, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    *n = 0;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT " COLS " FROM qr_refund WHERE state IN ('pending', 'processing') AND next_at <= ? "
                            "ORDER BY next_at, order_id LIMIT ?",
                            "ii", now, (int64_t)max);
    for (; rc == K_OK && more && *n < max; more = bo_db_next(ctx, st, &rc, msg))
        read_refund(st, &out[(*n)++]);
    bo_db_end(st);
    return rc;
}

static kerr_t get(void *ctx, const char *order, bo_refund_rec_t *r, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg, "SELECT " COLS " FROM qr_refund WHERE order_id = ?", "t", order);
    if (rc == K_OK && *found)
        read_refund(st, r);
    bo_db_end(st);
    return rc;
}

static kerr_t set(void *ctx, const bo_refund_rec_t *r, const char *was, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "changing a QR refund",
                       "UPDATE qr_refund SET state = ?, refund_ref = ?, last_error = ?, settled_by = ?, reason = ?, "
                       "attempts = ?, next_at = ?, updated_at = ?, alerted = ? WHERE order_id = ? AND state = ?",
                       "tttttiiiitt", r->state, r->refund_ref, r->last_error, r->settled_by, r->reason, r->attempts,
                       r->next_at, r->updated_at, (int64_t)r->alerted, r->order, was);
}

/* Each refund: its order, kiosk and sale, amount, state, tries, the
 * provider's refund id, the last error, who settled it and why. */
static kerr_t list(void *ctx, const char *state, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT order_id AS \"order\", out_refund_no, kiosk, txn_id AS txn, meter, amount, state, "
                       "attempts, refund_ref, last_error, settled_by, reason, "
                       "strftime('%Y-%m-%dT%H:%M:%SZ', created_at / 1000, 'unixepoch') AS created, "
                       "strftime('%Y-%m-%dT%H:%M:%SZ', updated_at / 1000, 'unixepoch') AS updated, source "
                       "FROM qr_refund WHERE ?1 = '' OR state = ?1 ORDER BY created_at DESC, order_id",
                       state, NULL, NULL, out, msg);
}

static kerr_t phone_ended(void *ctx, bo_refund_cand_t *out, int max, int *n, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    *n = 0;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT c.id, c.kiosk, c.meter, c.state, c.txn_id, c.outcome, c.params, "
                            "COALESCE(c.sent_at, 0) FROM meter_command c LEFT JOIN qr_refund r ON r.order_id = c.id "
                            "WHERE c.operator = 'phone' AND c.command = 'credit' "
                            "AND c.state IN ('failed', 'refused', 'expired', 'unknown') AND r.order_id IS NULL "
                            "ORDER BY c.updated_at, c.id LIMIT ?",
                            "i", (int64_t)max);
    for (; rc == K_OK && more && *n < max; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_refund_cand_t *c = &out[(*n)++];
        char *texts[] = {c->order, c->kiosk, c->meter, c->state, c->txn, c->outcome, c->params};
        size_t lens[] = {sizeof c->order, sizeof c->kiosk,   sizeof c->meter, sizeof c->state,
                         sizeof c->txn,   sizeof c->outcome, sizeof c->params};
        for (int i = 0; i < 7; i++)
            bo_db_copy(st, i, texts[i], lens[i]);
        c->sent_at = bo_cur_int(st, 7);
    }
    bo_db_end(st);
    return rc;
}

const bo_st_refund_t bo__sq_refund = {
    .add = add,
    .due = due,
    .get = get,
    .set = set,
    .list = list,
    .phone_ended = phone_ended,
};
