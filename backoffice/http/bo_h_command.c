/* Central commands' endpoints (docs/sync.md, "Central commands"): the
 * kiosk's long poll and acknowledgement, and staff's issue, read and
 * cancel (the same staff authentication as the reports). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_batch.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

/* A long poll (?wait=N, 30 s at most) answers at once when a command is
 * waiting for the kiosk, else when one is queued (a change wakes it, and
 * the waker's tick finds one queued by the command line), after N seconds
 * or when the server stops: {"commands": [envelope...]}. */
void bo_h_commands_get(bo_req_t *q, bo_resp_t *r)
{
    const char *w = bo_req_arg(q, "wait");
    int64_t wait_s = w ? atoll(w) : 0;
    wait_s = wait_s < 0 ? 0 : wait_s > 30 ? 30 : wait_s;
    cJSON *arr = NULL;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_command_pickup(&q->s->store, q->kiosk, bo_now(q->s), &arr, &msg);
    r->wait = rc == K_OK && cJSON_GetArraySize(arr) == 0 && !q->s->stopping && q->waited_ms < wait_s * 1000;
    bo_unlock(q->s);
    if (r->wait) {
        cJSON_Delete(arr);
        return;
    }
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "commands", arr);
    bo_resp_json(r, 200, o);
}

void bo_h_command_ack(bo_req_t *q, bo_resp_t *r)
{
    cJSON *body = cJSON_ParseWithLength(q->body, q->body_len);
    char status[16] = "", reason[256] = "";
    kmsg_t msg = {{0}};
    kerr_t rc = bo_json_str(body, "status", status, sizeof status, &msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(body, "reason", reason, sizeof reason, &msg);
    cJSON_Delete(body);
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_command_ack(&q->s->store, q->kiosk, q->arg[1], status, reason, bo_now(q->s), &msg);
        bo_unlock(q->s);
    }
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, cJSON_CreateObject());
}

/* Who acts through the staff API: the staff certificate's CN, or
 * "loopback" over plain HTTP; the operator the body names is audited too. */
bo_who_t bo_api_who(bo_req_t *q, char *actor, size_t len)
{
    if (q->console_op[0])
        snprintf(actor, len, "console:%s", q->console_op);
    else
        snprintf(actor, len, "api:%s", q->s->cfg.plain_http ? "loopback" : q->kiosk);
    return (bo_who_t){actor, bo_now(q->s)};
}

/* POST /v1/admin/commands {"meter", "command", "operator", "reason",
 * "params": {...}, "expires_seconds"}: issues it; 200 with the command. */
void bo_h_admin_command_issue(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "params");
    bo_cmd_spec_t s = {
        .meter = bo_json_str_ref(b, "meter"), .command = bo_json_str_ref(b, "command"),
        .operator_name = bo_json_str_ref(b, "operator"), .reason = bo_json_str_ref(b, "reason"),
        .expiry_s = bo_json_int_or(b, "expires_seconds", q->s->cfg.command_expiry_s),
    };
    bo_batch_params(p, &s);
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    bo_cmd_rec_t c;
    kmsg_t msg = {{0}};
    kerr_t rc = K_OK;
    if (!s.meter || !bo_id_valid(s.meter, 32) || s.expiry_s < 10 || s.expiry_s > 86400)
        rc = kmsg_set(&msg, K_EINVAL, "give 'meter' (a registered meter) and, if any, 'expires_seconds' 10..86400");
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_h_scope(q, BO_ORG_METER, s.meter, &msg);
        if (rc == K_OK)
            rc = bo_command_issue(&q->s->store, &q->s->key, &who, &s, &c, &msg);
        if (rc == K_OK)
            pthread_cond_broadcast(&q->s->changed); /* the kiosk's long poll answers now */
        bo_unlock(q->s);
    }
    cJSON_Delete(b);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, bo_command_json(&c));
}

void bo_h_admin_command_get(bo_req_t *q, bo_resp_t *r)
{
    bo_cmd_rec_t c;
    bool found = false;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->cmd->get(q->s->store.ctx, q->arg[0], &c, &found, &msg);
    if (rc == K_OK && found)
        rc = bo_h_scope(q, BO_ORG_METER, c.meter, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else if (!found)
        bo_resp_error(r, 404, "not_found", "no command '%s'", q->arg[0]);
    else
        bo_resp_json(r, 200, bo_command_json(&c));
}

kerr_t bo_api_why(bo_req_t *q, char *why, size_t len, kmsg_t *msg)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char *op = bo_json_str_ref(b, "operator"), *reason = bo_json_str_ref(b, "reason");
    kerr_t rc = op && reason ? K_OK : kmsg_set(msg, K_EINVAL, "give 'operator' and 'reason'");
    if (rc == K_OK)
        snprintf(why, len, "%s (operator %s)", reason, op);
    cJSON_Delete(b);
    return rc;
}

/* POST /v1/admin/commands/{id}/cancel {"operator", "reason"}. */
void bo_h_admin_command_cancel(bo_req_t *q, bo_resp_t *r)
{
    char actor[96], why[400];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    kerr_t rc = bo_api_why(q, why, sizeof why, &msg);
    if (rc == K_OK) {
        bo_cmd_rec_t c;
        bool found = false;
        bo_lock(q->s);
        rc = q->s->store.ops->cmd->get(q->s->store.ctx, q->arg[0], &c, &found, &msg);
        if (rc == K_OK && found)
            rc = bo_h_scope(q, BO_ORG_METER, c.meter, &msg);
        if (rc == K_OK)
            rc = bo_command_cancel(&q->s->store, &who, q->arg[0], why, &msg);
        bo_unlock(q->s);
    }
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, cJSON_CreateObject());
}
