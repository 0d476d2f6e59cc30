/* The purchase-count service (docs/sync.md, "Purchase counts"). A meter
 * takes a credit only with its count + 1, so the service gives one sale at
 * a time a lease on the next count of a meter: the highest count known
 * (from uploads, readings and releases, or the kiosk's own reading) + 1.
 * While a lease lasts no other sale gets a count for that meter; the same
 * sale asking again gets the same count and a renewed lease. A lease ends
 * with the sale (its final state uploaded, a release, a reading showing the
 * count applied) or by time: lease_seconds after it was granted or last
 * renewed; a sale may renew it only until lease_max_seconds after the
 * grant. Once it ended another sale may take the count; the first sale
 * learns it when it renews before sending again (count_moved) and must not
 * send. A kiosk acts
 * only for the meters in its scope, holds at most leases_per_kiosk leases,
 * and a `seen` count beyond the count rule is held for staff, not used. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_counts_int.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest.h"
#include "backoffice/domain/bo_quarantine.h"
#include "backoffice/domain/bo_scope.h"
#include "backoffice/http/bo_server.h"
#include "kiosk/app/kjson.h"
#include "kiosk/app/log.h"

static kerr_t refuse(const bo_count_req_t *q, bo_refusal_t why)
{
    q->out->refused = why;
    return K_OK;
}

kerr_t bo__counts_in_scope(const bo_count_req_t *q, const char *meter, bool *ok)
{
    kerr_t rc = bo_scope_check(q->s->db, q->kiosk, meter, q->msg);
    *ok = rc == K_OK;
    if (rc == K_EDENIED) {
        LOG_W("backoffice", "kiosk %s: count request refused: %s", q->kiosk, q->msg->text);
        return refuse(q, BO_REFUSE_SCOPE);
    }
    return rc;
}

/* A `seen` (or a renewed count) beyond the count rule is held for staff
 * and not used. */
static kerr_t plausible(const bo_count_req_t *q, const bo_reserve_t *rq, bool *ok)
{
    bo_rule_ctx_t c = {.db = q->s->db, .set = &q->s->cfg.rules, .now = q->now, .kiosk = q->kiosk};
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    kerr_t rc = bo_rules_count(&c, rq->meter, rq->seen > rq->count ? rq->seen : rq->count, &rule, &why);
    *ok = rc == K_OK && rule == BO_RULE_NONE;
    if (rc || *ok)
        return rc ? kmsg_set(q->msg, rc, "%s", why.text) : K_OK;
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "meter", rq->meter);
    kjson_add_str(o, "txn", rq->txn);
    kjson_add_int(o, "seen", rq->seen);
    kjson_add_int(o, "count", rq->count);
    char *payload = kjson_print(o, false);
    cJSON_Delete(o);
    if (!payload)
        return kmsg_set(q->msg, K_EIO, "out of memory holding a count");
    bo_held_t h = {q->kiosk, 0, BO_QUARANTINE_COUNT, rq->meter, payload, rule, why.text};
    int64_t id;
    bool fresh;
    rc = bo_quarantine_hold(q->s->db, &h, q->now, &id, &fresh, q->msg);
    cJSON_free(payload);
    if (rc == K_OK)
        kmsg_set(q->msg, K_OK, "%s; the count is not used but held for staff as quarantine #%lld", why.text,
                 (long long)id);
    return rc ? rc : refuse(q, BO_REFUSE_IMPLAUSIBLE);
}

/* The sale holding l may renew it: it is younger than lease_max_seconds. */
static bool renewable(const bo_count_req_t *q, const bo_lease_t *l)
{
    return q->now < l->granted_at + q->s->cfg.lease_max_s * 1000;
}

/* Gives the sale count (a lease granted at granted_at), lasting
 * lease_seconds from now: long enough to send it and read back. */
static kerr_t grant(const bo_count_req_t *q, const bo_reserve_t *rq, int64_t count, int64_t granted_at)
{
    bo_lease_t *l = &q->out->lease;
    *l = (bo_lease_t){.held = true, .count = count, .granted_at = granted_at,
                      .ends_at = q->now + q->s->cfg.lease_s * 1000};
    snprintf(l->kiosk, sizeof l->kiosk, "%s", q->kiosk);
    snprintf(l->txn, sizeof l->txn, "%s", rq->txn);
    q->out->count = count;
    return bo__count_put(q->s->db, rq->meter, l, q->now, q->msg);
}

static kerr_t busy(const bo_count_req_t *q, const char *meter, const bo_lease_t *l)
{
    kmsg_set(q->msg, K_OK,
             "meter %s: count %lld is held by kiosk %s for a sale not finished, for %lld s more at most; wait for "
             "that sale to finish, then ask again",
             meter, (long long)l->count, l->kiosk, (long long)((l->ends_at - q->now + 999) / 1000));
    return refuse(q, BO_REFUSE_BUSY);
}

/* A new lease on meter: refused when the kiosk holds its most already. */
static kerr_t within_bound(const bo_count_req_t *q, const char *meter, bool *ok)
{
    int64_t live = 0;
    kerr_t rc = bo__count_live(q->s->db, q->kiosk, meter, q->now, &live, q->msg);
    *ok = rc == K_OK && live < q->s->cfg.leases_per_kiosk;
    if (rc || *ok)
        return rc;
    kmsg_set(q->msg, K_OK,
             "kiosk %s holds %lld count leases, its most ([counts] leases_per_kiosk): finish or release a sale, "
             "then ask again",
             q->kiosk, (long long)live);
    return refuse(q, BO_REFUSE_MANY);
}

/* A new reservation: the lease on the meter, if any, is used up, ended by
 * time (the count may go to any sale), this sale's (renewed while it may
 * be), or another sale's (busy); otherwise the next count, within the
 * kiosk's lease bound. */
static kerr_t reserve_new(const bo_count_req_t *q, const bo_reserve_t *rq, bo_lease_t *l)
{
    int64_t highest = q->out->highest;
    bool ok = false, live = l->held && l->count > highest && l->ends_at > q->now;
    kerr_t rc = K_OK;
    if (live && bo__count_is(l, q->kiosk, rq->txn) && renewable(q, l))
        return grant(q, rq, l->count, l->granted_at);
    if (live)
        return busy(q, rq->meter, l);
    if (l->held && l->count > highest)
        LOG_I("backoffice", "meter %s: the lease of kiosk %s on count %lld ended; the count goes to kiosk %s",
              rq->meter, l->kiosk, (long long)l->count, q->kiosk);
    if (l->held)
        rc = bo__count_drop(q->s->db, rq->meter, q->msg);
    if (rc == K_OK)
        rc = within_bound(q, rq->meter, &ok);
    return rc || !ok ? rc : grant(q, rq, highest + 1, q->now);
}

/* A renewal of the count the sale committed: refused if the service gave
 * that count to another sale since, or if the sale's lease, not ended yet,
 * is older than lease_max_seconds (the sale must not send it); the count
 * alone if it is on the meter already; else its lease renewed, or a new
 * lease on it if the sale's one ended and no other sale took the count. */
static kerr_t renew(const bo_count_req_t *q, const bo_reserve_t *rq, const bo_lease_t *l)
{
    char kiosk[65], txn[37];
    kerr_t rc = bo__count_given_to(q->s->db, rq->meter, rq->count, kiosk, txn, q->msg);
    if (rc)
        return rc;
    if (txn[0] && (strcmp(kiosk, q->kiosk) != 0 || strcmp(txn, rq->txn) != 0)) {
        kmsg_set(q->msg, K_OK,
                 "meter %s: count %lld went to another sale (kiosk %s) after this sale's lease ended; do not send "
                 "it: staff settle this sale at kiosk %s",
                 rq->meter, (long long)rq->count, kiosk, q->kiosk);
        return refuse(q, BO_REFUSE_MOVED);
    }
    if (rq->count <= q->out->highest) {
        q->out->count = rq->count;
        return bo__count_is(l, q->kiosk, rq->txn) ? bo__count_drop(q->s->db, rq->meter, q->msg) : K_OK;
    }
    bool live = l->held && l->count > q->out->highest && l->ends_at > q->now;
    if (live && bo__count_is(l, q->kiosk, rq->txn) && renewable(q, l))
        return grant(q, rq, rq->count, l->granted_at);
    if (live && bo__count_is(l, q->kiosk, rq->txn)) {
        kmsg_set(q->msg, K_OK,
                 "meter %s: this sale has held count %lld for [counts] lease_max_seconds, the longest a lease lives; "
                 "do not send it: staff settle the sale at kiosk %s (or `backoffice count release %s`)",
                 rq->meter, (long long)rq->count, q->kiosk, rq->meter);
        return refuse(q, BO_REFUSE_MOVED);
    }
    if (live)
        return busy(q, rq->meter, l);
    bool ok = false; /* the sale's lease is over: a new one, within the bound */
    rc = within_bound(q, rq->meter, &ok);
    return rc || !ok ? rc : grant(q, rq, rq->count, q->now);
}

kerr_t bo__counts_reserve(const bo_count_req_t *q, const bo_reserve_t *rq)
{
    bool ok;
    bo_lease_t l;
    kerr_t rc = bo__counts_in_scope(q, rq->meter, &ok);
    if (rc == K_OK && ok)
        rc = plausible(q, rq, &ok);
    if (rc || !ok)
        return rc;
    rc = bo_counts_seen(q->s->db, rq->meter, rq->seen, q->now, q->msg);
    if (rc == K_OK)
        rc = bo__count_highest(q->s->db, rq->meter, &q->out->highest, q->msg);
    if (rc == K_OK)
        rc = bo__count_lease(q->s->db, rq->meter, &l, q->msg);
    if (rc)
        return rc;
    return rq->count > 0 ? renew(q, rq, &l) : reserve_new(q, rq, &l);
}

kerr_t bo__counts_release(const bo_count_req_t *q, const bo_release_t *rl)
{
    bool ok;
    bo_lease_t l;
    kerr_t rc = bo__counts_in_scope(q, rl->meter, &ok);
    if (rc || !ok)
        return rc;
    rc = bo__count_lease(q->s->db, rl->meter, &l, q->msg);
    if (rc == K_OK && bo__count_is(&l, q->kiosk, rl->txn)) { /* else: nothing held by this sale */
        if (rl->applied)
            rc = bo_counts_seen(q->s->db, rl->meter, l.count, q->now, q->msg);
        if (rc == K_OK)
            rc = bo__count_drop(q->s->db, rl->meter, q->msg);
    }
    return rc ? rc : bo__count_highest(q->s->db, rl->meter, &q->out->highest, q->msg);
}

kerr_t bo_counts_on_txn(sqlite3 *db, const char *kiosk, const bo_txn_t *t, int64_t now, kmsg_t *msg)
{
    bool st = strcmp(t->state, "delivered") == 0;
    kerr_t rc = K_OK;
    if (st && t->purchase_count > 0)
        rc = bo_counts_seen(db, t->meter, t->purchase_count, now, msg);
    bool final = st || strcmp(t->state, "cancelled") == 0 || strcmp(t->state, "refunded") == 0 ||
                 strcmp(t->state, "voided") == 0;
    bo_lease_t l;
    if (rc == K_OK && final)
        rc = bo__count_lease(db, t->meter, &l, msg);
    if (rc == K_OK && final && bo__count_is(&l, kiosk, t->id))
        rc = bo__count_drop(db, t->meter, msg);
    return rc;
}

