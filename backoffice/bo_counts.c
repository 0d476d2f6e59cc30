/* The purchase-count service (docs/sync.md, "Purchase counts"). A meter
 * takes a credit only with its count + 1, so the service gives one sale at
 * a time a lease on the next count of a meter: the highest count known
 * (from uploads, readings and releases, or the kiosk's own reading) + 1.
 * While a lease is held no other sale gets a count for that meter; the same
 * sale asking again gets the same count. A lease never passes to another
 * sale on time alone: its holder may still send that count (the kiosk
 * resends a committed count after a lost answer), so only the sale's end,
 * a release, or a reading that shows the count applied frees the meter. A
 * lease older than lease_seconds is reported stale so that staff can settle
 * it (`backoffice count release METER`). */
#include <stdio.h>
#include <string.h>

#include "backoffice/bo_db.h"
#include "backoffice/bo_ingest.h"
#include "backoffice/bo_server.h"
#include "kiosk/app/kjson.h"

typedef struct lease {
    bool held;
    char kiosk[65], txn[37];
    int64_t count, stale_at;
} lease_t;

static kerr_t highest_of(sqlite3 *db, const char *meter, int64_t *out, kmsg_t *msg)
{
    *out = 0;
    return bo_db_int(db, "SELECT highest FROM meter_count WHERE meter = ?", meter, out, msg);
}

kerr_t bo_counts_seen(sqlite3 *db, const char *meter, int64_t count, int64_t now, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db,
                             "INSERT INTO meter_count VALUES (?1, ?2, ?3) ON CONFLICT (meter) DO UPDATE "
                             "SET highest = ?2, updated_at = ?3 WHERE ?2 > meter_count.highest",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    sqlite3_bind_int64(st, 2, count);
    sqlite3_bind_int64(st, 3, now);
    return bo_db_done(db, st, "recording a meter's count", msg);
}

static kerr_t lease_of(sqlite3 *db, const char *meter, lease_t *l, kmsg_t *msg)
{
    memset(l, 0, sizeof *l);
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "SELECT kiosk, txn_id, count, stale_at FROM count_lease WHERE meter = ?", &st,
                             msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    if (sqlite3_step(st) == SQLITE_ROW) {
        l->held = true;
        snprintf(l->kiosk, sizeof l->kiosk, "%s", bo_db_col(st, 0));
        snprintf(l->txn, sizeof l->txn, "%s", bo_db_col(st, 1));
        l->count = sqlite3_column_int64(st, 2);
        l->stale_at = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return K_OK;
}

static kerr_t drop_lease(sqlite3 *db, const char *meter, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, "DELETE FROM count_lease WHERE meter = ?", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    return bo_db_run(db, st, "ending a count lease", msg);
}

static kerr_t put_lease(sqlite3 *db, const char *meter, const lease_t *l, int64_t now, kmsg_t *msg)
{
    const char *sql[] = {"INSERT OR REPLACE INTO count_lease VALUES (?1, ?2, ?3, ?4, ?5)",
                         "INSERT OR REPLACE INTO count_grant VALUES (?1, ?4, ?2, ?3, ?6)"};
    kerr_t rc = K_OK;
    for (int i = 0; rc == K_OK && i < 2; i++) {
        sqlite3_stmt *st;
        if ((rc = bo_db_prepare(db, sql[i], &st, msg)))
            break;
        bo_db_text(st, 1, meter);
        bo_db_text(st, 2, l->kiosk);
        bo_db_text(st, 3, l->txn);
        sqlite3_bind_int64(st, 4, l->count);
        sqlite3_bind_int64(st, 5, l->stale_at);
        if (i == 1)
            sqlite3_bind_int64(st, 6, now);
        rc = bo_db_run(db, st, "granting a count", msg);
    }
    return rc;
}

/* Decides about the lease already on the meter: *keep says it is this
 * sale's (renewed); K_EBUSY if another sale holds it. */
static kerr_t settle_lease(bo_server_t *s, const char *kiosk, const bo_reserve_t *rq, int64_t highest, lease_t *l,
                           bool *keep, kmsg_t *msg)
{
    int64_t now = bo_now(s);
    *keep = false;
    if (!l->held)
        return K_OK;
    if (l->count <= highest) /* proved applied: the count is used up */
        return drop_lease(s->db, rq->meter, msg);
    if (strcmp(l->kiosk, kiosk) == 0 && strcmp(l->txn, rq->txn) == 0) {
        *keep = true;
        l->stale_at = now + s->cfg.lease_s * 1000;
        return put_lease(s->db, rq->meter, l, now, msg);
    }
    if (l->stale_at > now)
        return kmsg_set(msg, K_EBUSY,
                        "meter %s: count %lld is held by kiosk %s for another sale; wait for that sale to finish "
                        "(a minute or two), then ask again",
                        rq->meter, (long long)l->count, l->kiosk);
    return kmsg_set(msg, K_EBUSY,
                    "meter %s: count %lld is held by kiosk %s for a sale that has not finished for %lld s; staff "
                    "must settle that sale at kiosk %s (or run `backoffice count release %s` once sure its count "
                    "is not on the meter); a reading showing count %lld applied also frees the meter",
                    rq->meter, (long long)l->count, l->kiosk, (long long)((now - l->stale_at) / 1000 + s->cfg.lease_s),
                    l->kiosk, rq->meter, (long long)l->count);
}

static kerr_t reserve(bo_server_t *s, const char *kiosk, const bo_reserve_t *rq, lease_t *l, kmsg_t *msg)
{
    int64_t now = bo_now(s), highest;
    kerr_t rc = bo_counts_seen(s->db, rq->meter, rq->seen, now, msg);
    if (rc == K_OK)
        rc = highest_of(s->db, rq->meter, &highest, msg);
    if (rc == K_OK)
        rc = lease_of(s->db, rq->meter, l, msg);
    bool keep = false;
    if (rc == K_OK)
        rc = settle_lease(s, kiosk, rq, highest, l, &keep, msg);
    if (rc || keep)
        return rc;
    *l = (lease_t){.held = true, .count = highest + 1, .stale_at = now + s->cfg.lease_s * 1000};
    snprintf(l->kiosk, sizeof l->kiosk, "%s", kiosk);
    snprintf(l->txn, sizeof l->txn, "%s", rq->txn);
    return put_lease(s->db, rq->meter, l, now, msg);
}

/* Runs fn inside one IMMEDIATE transaction under the server's lock. */
static kerr_t in_txn(bo_server_t *s, kerr_t (*fn)(bo_server_t *, const char *, const void *, lease_t *, kmsg_t *),
                     const char *kiosk, const void *arg, lease_t *l, kmsg_t *msg)
{
    bo_lock(s);
    kerr_t rc = bo_db_exec(s->db, "BEGIN IMMEDIATE", "starting", msg);
    if (rc == K_OK)
        rc = fn(s, kiosk, arg, l, msg);
    if (rc == K_OK)
        rc = bo_db_exec(s->db, "COMMIT", "committing", msg);
    if (rc)
        bo_db_exec(s->db, "ROLLBACK", "abandoning", NULL);
    bo_unlock(s);
    return rc;
}

static kerr_t reserve_fn(bo_server_t *s, const char *kiosk, const void *arg, lease_t *l, kmsg_t *msg)
{
    return reserve(s, kiosk, arg, l, msg);
}

static kerr_t release_fn(bo_server_t *s, const char *kiosk, const void *arg, lease_t *l, kmsg_t *msg)
{
    const bo_release_t *rl = arg;
    kerr_t rc = lease_of(s->db, rl->meter, l, msg);
    if (rc || !l->held || strcmp(l->kiosk, kiosk) != 0 || strcmp(l->txn, rl->txn) != 0)
        return rc; /* nothing held by this sale: already released */
    if (rl->applied)
        rc = bo_counts_seen(s->db, rl->meter, l->count, bo_now(s), msg);
    return rc ? rc : drop_lease(s->db, rl->meter, msg);
}

kerr_t bo_counts_on_txn(sqlite3 *db, const char *kiosk, const bo_txn_t *t, int64_t now, kmsg_t *msg)
{
    bool st = strcmp(t->state, "delivered") == 0;
    kerr_t rc = K_OK;
    if (st && t->purchase_count > 0)
        rc = bo_counts_seen(db, t->meter, t->purchase_count, now, msg);
    bool final = st || strcmp(t->state, "cancelled") == 0 || strcmp(t->state, "refunded") == 0 ||
                 strcmp(t->state, "voided") == 0;
    lease_t l;
    if (rc == K_OK && final)
        rc = lease_of(db, t->meter, &l, msg);
    if (rc == K_OK && final && l.held && strcmp(l.kiosk, kiosk) == 0 && strcmp(l.txn, t->id) == 0)
        rc = drop_lease(db, t->meter, msg);
    return rc;
}

static cJSON *lease_json(const char *meter, const lease_t *l, int64_t highest)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "meter", meter);
    kjson_add_int(o, "highest", highest);
    if (l->held) {
        kjson_add_int(o, "count", l->count);
        kjson_add_str(o, "kiosk", l->kiosk);
        kjson_add_str(o, "txn", l->txn);
        kjson_add_time(o, "stale_at", l->stale_at);
    }
    return o;
}

void bo_h_count_reserve(bo_req_t *q, bo_resp_t *r)
{
    bo_reserve_t rq;
    kmsg_t msg = {{0}};
    lease_t l;
    kerr_t rc = bo_decode_reserve(q->body, q->body_len, &rq, &msg);
    if (rc == K_OK)
        rc = in_txn(q->s, reserve_fn, q->kiosk, &rq, &l, &msg);
    if (rc == K_EBUSY)
        bo_resp_error(r, 409, "meter_busy", "%s", msg.text);
    else if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, lease_json(rq.meter, &l, l.count - 1));
}

void bo_h_count_release(bo_req_t *q, bo_resp_t *r)
{
    bo_release_t rl;
    kmsg_t msg = {{0}};
    lease_t l;
    kerr_t rc = bo_decode_release(q->body, q->body_len, &rl, &msg);
    if (rc == K_OK)
        rc = in_txn(q->s, release_fn, q->kiosk, &rl, &l, &msg);
    int64_t highest = 0;
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = highest_of(q->s->db, rl.meter, &highest, &msg);
        bo_unlock(q->s);
    }
    lease_t none = {0};
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, lease_json(rl.meter, &none, highest));
}

void bo_h_count_get(bo_req_t *q, bo_resp_t *r)
{
    kmsg_t msg = {{0}};
    lease_t l;
    int64_t highest = 0;
    bo_lock(q->s);
    kerr_t rc = highest_of(q->s->db, q->arg[1], &highest, &msg);
    if (rc == K_OK)
        rc = lease_of(q->s->db, q->arg[1], &l, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, lease_json(q->arg[1], &l, highest));
}
