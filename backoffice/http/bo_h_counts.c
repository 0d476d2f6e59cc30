/* The purchase-count service's endpoints (sync/openapi.yaml, "counts"):
 * reserve (or renew), release, and a meter's count, each under the
 * server's lock; the domain (bo_counts.h) decides and stores, and a
 * refusal is answered with its status and error code. */
#include "backoffice/domain/bo_counts.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

static const struct {
    unsigned status;
    const char *code;
} refusals[] = {
    [BO_REFUSE_NONE] = {200, ""},
    [BO_REFUSE_SCOPE] = {403, "meter_out_of_scope"},
    [BO_REFUSE_BUSY] = {409, "meter_busy"},
    [BO_REFUSE_IMPLAUSIBLE] = {409, "count_implausible"},
    [BO_REFUSE_MOVED] = {409, "count_moved"},
    [BO_REFUSE_MANY] = {409, "too_many_leases"},
};

static cJSON *lease_json(const char *meter, const bo_count_outcome_t *o)
{
    cJSON *j = cJSON_CreateObject();
    kjson_add_str(j, "meter", meter);
    kjson_add_int(j, "highest", o->highest);
    if (o->count)
        kjson_add_int(j, "count", o->count);
    if (o->lease.held) {
        kjson_add_str(j, "kiosk", o->lease.kiosk);
        kjson_add_str(j, "txn", o->lease.txn);
        kjson_add_time(j, "granted_at", o->lease.granted_at);
        kjson_add_time(j, "ends_at", o->lease.ends_at);
    }
    return j;
}

/* Answers a request's outcome: the lease, a refusal, or a failure. */
static void answer(bo_resp_t *r, kerr_t rc, const char *meter, const bo_count_outcome_t *o, const kmsg_t *msg)
{
    if (rc)
        bo_resp_kerr(r, rc, msg);
    else if (o->refused)
        bo_resp_error(r, refusals[o->refused].status, refusals[o->refused].code, "%s", msg->text);
    else
        bo_resp_json(r, 200, lease_json(meter, o));
}

/* The request's asker and the server's clock (the caller holds the lock). */
static bo_count_ctx_t ctx_of(bo_req_t *q)
{
    return (bo_count_ctx_t){&q->s->store, &q->s->cfg, q->kiosk, bo_now(q->s)};
}

void bo_h_count_reserve(bo_req_t *q, bo_resp_t *r)
{
    bo_reserve_t rq;
    kmsg_t msg = {{0}};
    bo_count_outcome_t o = {0};
    kerr_t rc = bo_decode_reserve(q->body, q->body_len, &rq, &msg);
    if (rc == K_OK) {
        bo_lock(q->s);
        bo_count_ctx_t c = ctx_of(q);
        rc = bo_count_reserve(&c, &rq, &o, &msg);
        bo_unlock(q->s);
    }
    answer(r, rc, rq.meter, &o, &msg);
}

void bo_h_count_release(bo_req_t *q, bo_resp_t *r)
{
    bo_release_t rl;
    kmsg_t msg = {{0}};
    bo_count_outcome_t o = {0};
    kerr_t rc = bo_decode_release(q->body, q->body_len, &rl, &msg);
    if (rc == K_OK) {
        bo_lock(q->s);
        bo_count_ctx_t c = ctx_of(q);
        rc = bo_count_release(&c, &rl, &o, &msg);
        bo_unlock(q->s);
    }
    answer(r, rc, rl.meter, &o, &msg);
}

void bo_h_count_get(bo_req_t *q, bo_resp_t *r)
{
    kmsg_t msg = {{0}};
    bo_count_outcome_t o = {0};
    bo_lock(q->s);
    bo_count_ctx_t c = ctx_of(q);
    kerr_t rc = bo_count_get(&c, q->arg[1], &o, &msg);
    bo_unlock(q->s);
    answer(r, rc, q->arg[1], &o, &msg);
}
