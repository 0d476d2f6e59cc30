/* Batches' staff endpoints (docs/sync.md, "Batches"): create, show and
 * cancel, with the staff authentication of the commands' (the list is in
 * bo_h_admin.c with the other listings). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_batch.h"
#include "backoffice/http/bo_server.h"

/* The "meters" array's ids into ids (at most max); the count, -1 when it
 * is not an array of strings or too long. */
static int meters_of(const cJSON *arr, const char **ids, int max)
{
    int n = 0;
    const cJSON *m;
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        return -1;
    cJSON_ArrayForEach(m, arr)
    {
        if (!cJSON_IsString(m) || n == max)
            return -1;
        ids[n++] = m->valuestring;
    }
    return n;
}

static kerr_t spec_of(bo_req_t *q, const cJSON *b, bo_batch_spec_t *s, const char **ids, kmsg_t *msg)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "params");
    s->cmd = (bo_cmd_spec_t){.command = bo_json_str_ref(b, "command"), .operator_name = bo_json_str_ref(b, "operator"),
                             .reason = bo_json_str_ref(b, "reason"),
                             .expiry_s = bo_json_int_or(b, "expires_seconds", q->s->cfg.command_expiry_s)};
    bo_batch_params(p, &s->cmd);
    s->site = bo_json_str_ref(b, "site");
    s->retries = bo_json_int_or(b, "retries", 2);
    s->meters = ids;
    s->nmeters = meters_of(cJSON_GetObjectItemCaseSensitive(b, "meters"), ids, BO_BATCH_MAX_METERS);
    if (s->nmeters < 0)
        return kmsg_set(msg, K_EINVAL, "'meters' is an array of meter ids (at most %d)", BO_BATCH_MAX_METERS);
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(b, "at");
    if (at && !cJSON_IsNull(at))
        return bo_json_time(b, "at", &s->run_at, msg);
    return K_OK;
}

static void answer_show(bo_req_t *q, bo_resp_t *r, const char *id)
{
    cJSON *o = NULL;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_h_scope(q, BO_ORG_BATCH, id, &msg); /* another organisation's: 404 */
    if (rc == K_OK)
        rc = bo_batch_show(&q->s->store, id, &o, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, o);
}

/* POST /v1/admin/batches: creates it; 200 with the batch as GET shows it. */
void bo_h_admin_batch_create(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char **ids = calloc(BO_BATCH_MAX_METERS, sizeof *ids);
    bo_batch_spec_t s = {0};
    bo_cmd_batch_t rec;
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    int n = 0;
    kerr_t rc = ids ? spec_of(q, b, &s, ids, &msg) : kmsg_set(&msg, K_EIO, "out of memory");
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = s.site ? bo_h_scope(q, BO_ORG_SITE, s.site, &msg) : K_OK; /* an organisation's own meters only */
        for (int i = 0; rc == K_OK && i < s.nmeters; i++)
            rc = bo_h_scope(q, BO_ORG_METER, s.meters[i], &msg);
        if (rc == K_OK)
            rc = bo_batch_create(&q->s->store, &q->s->key, &who, &s, &rec, &n, &msg);
        if (rc == K_OK)
            pthread_cond_broadcast(&q->s->changed); /* the kiosks' long polls answer now */
        bo_unlock(q->s);
    }
    free(ids);
    cJSON_Delete(b);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        answer_show(q, r, rec.id);
}

void bo_h_admin_batch_get(bo_req_t *q, bo_resp_t *r)
{
    answer_show(q, r, q->arg[0]);
}

/* POST /v1/admin/batches/{id}/cancel {"operator", "reason"}: {"cancelled": N}. */
void bo_h_admin_batch_cancel(bo_req_t *q, bo_resp_t *r)
{
    char actor[96], why[400];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    int64_t n = 0;
    kerr_t rc = bo_api_why(q, why, sizeof why, &msg);
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_h_scope(q, BO_ORG_BATCH, q->arg[0], &msg); /* another organisation's: 404 */
        if (rc == K_OK)
            rc = bo_batch_cancel(&q->s->store, &who, q->arg[0], why, &n, &msg);
        bo_unlock(q->s);
    }
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "cancelled", (double)n);
    bo_resp_json(r, 200, o); /* NULL (out of memory): a 500 */
}
