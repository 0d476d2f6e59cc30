/* The SQLite store's QR orders and notices, and quarantine
 * (bo_store_upload.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

#define COLS "id, kiosk, txn_id, meter, currency, state, gave_up, amount, created_at, expires_at, paid_at, provider_ref, provider"

static void read_order(bo_cur_t *st, bo_order_t *o)
{
    char *texts[] = {o->id, o->kiosk, o->txn, o->meter, o->currency, o->state, o->gave_up};
    size_t lens[] = {sizeof o->id, sizeof o->kiosk, sizeof o->txn, sizeof o->meter, sizeof o->currency,
                     sizeof o->state, sizeof o->gave_up};
    for (int i = 0; i < 7; i++)
        bo_db_copy(st, i, texts[i], lens[i]);
    o->amount = bo_cur_int(st, 7);
    o->created_at = bo_cur_int(st, 8);
    o->expires_at = bo_cur_int(st, 9);
    o->paid_at = bo_cur_int(st, 10);
    bo_db_copy(st, 11, o->provider_ref, sizeof o->provider_ref);
    bo_db_copy(st, 12, o->provider, sizeof o->provider);
}

static kerr_t order_get(void *ctx, const char *id, bo_order_t *o, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg, "SELECT " COLS " FROM qr_order WHERE id = ?", "t", id);
    if (rc == K_OK && *found)
        read_order(st, o);
    bo_db_end(st);
    return rc;
}

static kerr_t order_of_txn(void *ctx, const char *kiosk, const char *txn, bo_order_t *o, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg, "SELECT " COLS " FROM qr_order WHERE kiosk = ? AND txn_id = ?", "tt",
                            kiosk, txn);
    if (rc == K_OK && *found)
        read_order(st, o);
    bo_db_end(st);
    return rc;
}

static kerr_t order_add(void *ctx, const bo_order_t *o, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "creating a QR order",
                       "INSERT INTO qr_order(id, kiosk, txn_id, meter, amount, currency, state, created_at, "
                       "expires_at, provider) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                       "ttttitiit", o->id, o->kiosk, o->txn, o->meter, o->amount, o->currency, o->created_at,
                       o->expires_at, o->provider);
}

static kerr_t order_set(void *ctx, const bo_order_t *o, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "changing a QR order",
                       "UPDATE qr_order SET state = ?, gave_up = ?, paid_at = ?, provider_ref = ? WHERE id = ?", "ttptt",
                       o->state, o->gave_up, o->paid_at, o->provider_ref, o->id);
}

static kerr_t notice_add(void *ctx, const char *kiosk, const char *kind, const char *body, int64_t at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "leaving a notice for the kiosk",
                       "INSERT INTO notice(kiosk, kind, body, created_at) VALUES (?, ?, ?, ?)", "ttti", kiosk, kind,
                       body, at);
}

static kerr_t notices_each(void *ctx, const char *kiosk, int limit, bo_notice_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT id, kind, body, created_at FROM notice WHERE kiosk = ? AND acked_at IS NULL "
                            "ORDER BY id LIMIT ?",
                            "ti", kiosk, (int64_t)limit);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_cur_int(st, 0), bo_db_col(st, 1), bo_db_col(st, 2), bo_cur_int(st, 3));
    bo_db_end(st);
    return rc;
}

static kerr_t notice_ack(void *ctx, const char *kiosk, int64_t id, int64_t at, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "acknowledging a notice",
                       "UPDATE notice SET acked_at = coalesce(acked_at, ?) WHERE id = ? AND kiosk = ?", "iit", at, id,
                       kiosk);
}

const bo_st_qr_t bo__sq_qr = {
    .order_get = order_get,
    .order_of_txn = order_of_txn,
    .order_add = order_add,
    .order_set = order_set,
    .notice_add = notice_add,
    .notices_each = notices_each,
    .notice_ack = notice_ack,
};

static kerr_t held_id(void *ctx, const bo_hold_rec_t *h, int64_t *id, kmsg_t *msg)
{
    *id = 0;
    kerr_t rc = bo_db_get_int(ctx, id, NULL, msg, "SELECT id FROM quarantine WHERE kiosk = ? AND topic = ? AND payload = ?",
                              "ttt", h->kiosk, h->topic, h->payload);
    if (rc == K_OK && !*id)
        rc = kmsg_set(msg, K_EIO, "a row just held is not in the quarantine table");
    return rc;
}

static kerr_t hold(void *ctx, const bo_hold_rec_t *h, int64_t *id, bool *fresh, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, fresh, msg, "holding a row for staff",
                            "INSERT INTO quarantine(kiosk, seq, topic, meter, payload, rule, reason, received_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk, topic, payload) DO NOTHING",
                            "tpttttti", h->kiosk, h->seq, h->topic, h->meter, h->payload, h->rule, h->why, h->at);
    return rc ? rc : held_id(ctx, h, id, msg);
}

static kerr_t held_get(void *ctx, int64_t id, bo_held_rec_t *r, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(r, 0, sizeof *r);
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT kiosk, topic, meter, state, coalesce(seq, 0), payload FROM quarantine WHERE id = ?",
                            "i", id);
    if (rc == K_OK && *found) {
        bo_db_copy(st, 0, r->kiosk, sizeof r->kiosk);
        bo_db_copy(st, 1, r->topic, sizeof r->topic);
        bo_db_copy(st, 2, r->meter, sizeof r->meter);
        bo_db_copy(st, 3, r->state, sizeof r->state);
        r->seq = bo_cur_int(st, 4);
        r->payload = strdup(bo_db_col(st, 5));
        if (!r->payload)
            rc = kmsg_set(msg, K_EIO, "out of memory reading quarantined row #%lld", (long long)id);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t decide(void *ctx, int64_t id, const char *state, int64_t at, const char *by, const char *note,
                     kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "recording staff's decision on a quarantined row",
                       "UPDATE quarantine SET state = ?, decided_at = ?, decided_by = ?, note = ? "
                       "WHERE id = ? AND state = 'held'",
                       "titti", state, at, by, note, id);
}

const bo_st_held_t bo__sq_held = {
    .hold = hold,
    .get = held_get,
    .decide = decide,
};
