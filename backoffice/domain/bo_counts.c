/* The purchase-count service's decisions (bo_counts.h). */
#include "backoffice/domain/bo_counts.h"

#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_op.h"
#include "backoffice/domain/bo_quarantine.h"
#include "backoffice/domain/bo_scope.h"
#include "base/kjson.h"
#include "base/log.h"

/* One count request on its way: its asker, outcome and message. */
typedef struct bo_count_req {
    const bo_count_ctx_t *c;
    bo_store_t *st;
    const char *kiosk;
    int64_t now;
    bo_count_outcome_t *out;
    kmsg_t *msg;
} bo_count_req_t;

static bool is_lease_of(const bo_lease_t *l, const char *kiosk, const char *txn)
{
    return l->held && strcmp(l->kiosk, kiosk) == 0 && strcmp(l->txn, txn) == 0;
}

static kerr_t refuse(const bo_count_req_t *q, bo_refusal_t why)
{
    q->out->refused = why;
    return K_OK;
}

static kerr_t drop(const bo_count_req_t *q, const char *meter)
{
    return q->st->ops->counts->lease_drop(q->st->ctx, meter, NULL, q->msg);
}

static kerr_t highest(const bo_count_req_t *q, const char *meter)
{
    return q->st->ops->counts->highest(q->st->ctx, meter, &q->out->highest, q->msg);
}

/* *ok if the kiosk may act for meter; otherwise refused (BO_REFUSE_SCOPE). */
static kerr_t in_scope(const bo_count_req_t *q, const char *meter, bool *ok)
{
    kerr_t rc = bo_scope_check(q->st, q->kiosk, meter, q->msg);
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
    bo_rule_ctx_t c = {.st = q->st, .set = &q->c->cfg->rules, .now = q->now, .kiosk = q->kiosk};
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
    rc = bo_quarantine_hold(q->st, &h, q->now, &id, &fresh, q->msg);
    cJSON_free(payload);
    if (rc == K_OK)
        kmsg_set(q->msg, K_OK, "%s; the count is not used but held for staff as quarantine #%lld", why.text,
                 (long long)id);
    return rc ? rc : refuse(q, BO_REFUSE_IMPLAUSIBLE);
}

/* The sale holding l may renew it: it is younger than lease_max_seconds. */
static bool renewable(const bo_count_req_t *q, const bo_lease_t *l)
{
    return q->now < l->granted_at + q->c->cfg->lease_max_s * 1000;
}

/* Gives the sale count (a lease granted at granted_at), lasting
 * lease_seconds from now: long enough to send it and read back. */
static kerr_t grant(const bo_count_req_t *q, const bo_reserve_t *rq, int64_t count, int64_t granted_at)
{
    bo_lease_t *l = &q->out->lease;
    *l = (bo_lease_t){.held = true, .count = count, .granted_at = granted_at,
                      .ends_at = q->now + q->c->cfg->lease_s * 1000};
    snprintf(l->kiosk, sizeof l->kiosk, "%s", q->kiosk);
    snprintf(l->txn, sizeof l->txn, "%s", rq->txn);
    q->out->count = count;
    return q->st->ops->counts->lease_put(q->st->ctx, rq->meter, l, q->now, q->msg);
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
    kerr_t rc = q->st->ops->counts->live(q->st->ctx, q->kiosk, meter, q->now, &live, q->msg);
    *ok = rc == K_OK && live < q->c->cfg->leases_per_kiosk;
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
    int64_t top = q->out->highest;
    bool ok = false, live = l->held && l->count > top && l->ends_at > q->now;
    kerr_t rc = K_OK;
    if (live && is_lease_of(l, q->kiosk, rq->txn) && renewable(q, l))
        return grant(q, rq, l->count, l->granted_at);
    if (live)
        return busy(q, rq->meter, l);
    if (l->held && l->count > top)
        LOG_I("backoffice", "meter %s: the lease of kiosk %s on count %lld ended; the count goes to kiosk %s",
              rq->meter, l->kiosk, (long long)l->count, q->kiosk);
    if (l->held)
        rc = drop(q, rq->meter);
    if (rc == K_OK)
        rc = within_bound(q, rq->meter, &ok);
    return rc || !ok ? rc : grant(q, rq, top + 1, q->now);
}

/* A renewal of the count the sale committed: refused if the service gave
 * that count to another sale since, or if the sale's lease, not ended yet,
 * is older than lease_max_seconds (the sale must not send it); the count
 * alone if it is on the meter already; else its lease renewed, or a new
 * lease on it if the sale's one ended and no other sale took the count. */
static kerr_t renew(const bo_count_req_t *q, const bo_reserve_t *rq, const bo_lease_t *l)
{
    char kiosk[65], txn[37];
    kerr_t rc = q->st->ops->counts->given_to(q->st->ctx, rq->meter, rq->count, kiosk, txn, q->msg);
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
        return is_lease_of(l, q->kiosk, rq->txn) ? drop(q, rq->meter) : K_OK;
    }
    bool live = l->held && l->count > q->out->highest && l->ends_at > q->now;
    if (live && is_lease_of(l, q->kiosk, rq->txn) && renewable(q, l))
        return grant(q, rq, rq->count, l->granted_at);
    if (live && is_lease_of(l, q->kiosk, rq->txn)) {
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

static kerr_t reserve(const bo_count_req_t *q, const bo_reserve_t *rq)
{
    bool ok;
    bo_lease_t l;
    kerr_t rc = in_scope(q, rq->meter, &ok);
    if (rc == K_OK && ok)
        rc = plausible(q, rq, &ok);
    if (rc || !ok)
        return rc;
    rc = bo_counts_seen(q->st, rq->meter, rq->seen, q->now, q->msg);
    if (rc == K_OK)
        rc = highest(q, rq->meter);
    if (rc == K_OK)
        rc = q->st->ops->counts->lease_get(q->st->ctx, rq->meter, &l, q->msg);
    if (rc)
        return rc;
    return rq->count > 0 ? renew(q, rq, &l) : reserve_new(q, rq, &l);
}

static kerr_t release(const bo_count_req_t *q, const bo_release_t *rl)
{
    bool ok;
    bo_lease_t l;
    kerr_t rc = in_scope(q, rl->meter, &ok);
    if (rc || !ok)
        return rc;
    rc = q->st->ops->counts->lease_get(q->st->ctx, rl->meter, &l, q->msg);
    if (rc == K_OK && is_lease_of(&l, q->kiosk, rl->txn)) { /* else: nothing held by this sale */
        if (rl->applied)
            rc = bo_counts_seen(q->st, rl->meter, l.count, q->now, q->msg);
        if (rc == K_OK)
            rc = drop(q, rl->meter);
    }
    return rc ? rc : highest(q, rl->meter);
}

kerr_t bo_count_reserve(const bo_count_ctx_t *c, const bo_reserve_t *rq, bo_count_outcome_t *out, kmsg_t *msg)
{
    bo_count_req_t q = {c, c->st, c->kiosk, c->now, out, msg};
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, c->st, NULL, msg);
    return bo_op_commit(&op, rc ? rc : reserve(&q, rq));
}

kerr_t bo_count_release(const bo_count_ctx_t *c, const bo_release_t *rl, bo_count_outcome_t *out, kmsg_t *msg)
{
    bo_count_req_t q = {c, c->st, c->kiosk, c->now, out, msg};
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, c->st, NULL, msg);
    return bo_op_commit(&op, rc ? rc : release(&q, rl));
}

kerr_t bo_count_get(const bo_count_ctx_t *c, const char *meter, bo_count_outcome_t *out, kmsg_t *msg)
{
    bo_count_req_t q = {c, c->st, c->kiosk, c->now, out, msg};
    bool ok = false;
    kerr_t rc = in_scope(&q, meter, &ok);
    if (rc == K_OK && ok)
        rc = highest(&q, meter);
    if (rc == K_OK && ok)
        rc = c->st->ops->counts->lease_get(c->st->ctx, meter, &out->lease, msg);
    out->count = out->lease.held ? out->lease.count : 0;
    return rc;
}

kerr_t bo_counts_seen(bo_store_t *st, const char *meter, int64_t count, int64_t now, kmsg_t *msg)
{
    return st->ops->counts->seen(st->ctx, meter, count, now, msg);
}

kerr_t bo_counts_on_txn(bo_store_t *st, const char *kiosk, const bo_txn_t *t, int64_t now, kmsg_t *msg)
{
    bool delivered = strcmp(t->state, "delivered") == 0;
    kerr_t rc = K_OK;
    if (delivered && t->purchase_count > 0)
        rc = bo_counts_seen(st, t->meter, t->purchase_count, now, msg);
    bool final = delivered || strcmp(t->state, "cancelled") == 0 || strcmp(t->state, "refunded") == 0 ||
                 strcmp(t->state, "voided") == 0;
    bo_lease_t l;
    if (rc == K_OK && final)
        rc = st->ops->counts->lease_get(st->ctx, t->meter, &l, msg);
    if (rc == K_OK && final && is_lease_of(&l, kiosk, t->id))
        rc = st->ops->counts->lease_drop(st->ctx, t->meter, NULL, msg);
    return rc;
}

kerr_t bo_count_drop(bo_store_t *st, const char *meter, kmsg_t *msg)
{
    bool changed = false;
    kerr_t rc = st->ops->counts->lease_drop(st->ctx, meter, &changed, msg);
    return rc == K_OK && !changed ? bo_op_nothing(msg, meter) : rc;
}
