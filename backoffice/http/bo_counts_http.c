/* The purchase-count service's endpoints (sync/openapi.yaml, "counts"):
 * reserve (or renew), release, and a meter's count, each in one
 * transaction under the server's lock; a refusal is answered with its
 * status and error code, and commits what it wrote (a count held for
 * staff stays held). */
#include "backoffice/domain/bo_counts_int.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/http/bo_server.h"
#include "kiosk/app/kjson.h"

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

/* Runs fn inside one IMMEDIATE transaction under the server's lock. */
static kerr_t in_txn(bo_count_req_t *q, kerr_t (*fn)(const bo_count_req_t *, const void *), const void *arg)
{
    bo_lock(q->s);
    q->now = bo_now(q->s);
    kerr_t rc = bo_db_exec(q->s->db, "BEGIN IMMEDIATE", "starting", q->msg);
    if (rc == K_OK)
        rc = fn(q, arg);
    if (rc == K_OK)
        rc = bo_db_exec(q->s->db, "COMMIT", "committing", q->msg);
    if (rc)
        bo_db_exec(q->s->db, "ROLLBACK", "abandoning", NULL);
    bo_unlock(q->s);
    return rc;
}

static kerr_t reserve_fn(const bo_count_req_t *q, const void *arg)
{
    return bo__counts_reserve(q, arg);
}

static kerr_t release_fn(const bo_count_req_t *q, const void *arg)
{
    return bo__counts_release(q, arg);
}

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

void bo_h_count_reserve(bo_req_t *q, bo_resp_t *r)
{
    bo_reserve_t rq;
    kmsg_t msg = {{0}};
    bo_count_outcome_t o = {0};
    bo_count_req_t x = {q->s, q->kiosk, 0, &o, &msg};
    kerr_t rc = bo_decode_reserve(q->body, q->body_len, &rq, &msg);
    if (rc == K_OK)
        rc = in_txn(&x, reserve_fn, &rq);
    answer(r, rc, rq.meter, &o, &msg);
}

void bo_h_count_release(bo_req_t *q, bo_resp_t *r)
{
    bo_release_t rl;
    kmsg_t msg = {{0}};
    bo_count_outcome_t o = {0};
    bo_count_req_t x = {q->s, q->kiosk, 0, &o, &msg};
    kerr_t rc = bo_decode_release(q->body, q->body_len, &rl, &msg);
    if (rc == K_OK)
        rc = in_txn(&x, release_fn, &rl);
    answer(r, rc, rl.meter, &o, &msg);
}

void bo_h_count_get(bo_req_t *q, bo_resp_t *r)
{
    kmsg_t msg = {{0}};
    bo_count_outcome_t o = {0};
    bo_count_req_t x = {q->s, q->kiosk, 0, &o, &msg};
    bool ok = false;
    bo_lock(q->s);
    x.now = bo_now(q->s);
    kerr_t rc = bo__counts_in_scope(&x, q->arg[1], &ok);
    if (rc == K_OK && ok)
        rc = bo__count_highest(q->s->db, q->arg[1], &o.highest, &msg);
    if (rc == K_OK && ok)
        rc = bo__count_lease(q->s->db, q->arg[1], &o.lease, &msg);
    bo_unlock(q->s);
    o.count = o.lease.held ? o.lease.count : 0;
    answer(r, rc, q->arg[1], &o, &msg);
}
