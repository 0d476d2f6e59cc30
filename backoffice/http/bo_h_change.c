/* A change over HTTP in one place (bo_server.h): the body parsed, the
 * caller named as the audit's actor, the change made under the store's
 * lock, and the answer: 200 {"state": "done"} or the error. */
#include <cjson/cJSON.h>

#include "backoffice/http/bo_server.h"

void bo_resp_done(bo_resp_t *r, kerr_t rc, const kmsg_t *msg)
{
    if (rc) {
        bo_resp_kerr(r, rc, msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "state", "done");
    bo_resp_json(r, 200, o);
}

void bo_h_change(bo_req_t *q, bo_resp_t *r, const bo_h_change_ops_t *ops, void *arg)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    kerr_t rc = ops->prepare ? ops->prepare(q, b, arg, &msg) : K_OK;
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = ops->run(q, b, &who, arg, &msg);
        bo_unlock(q->s);
    }
    cJSON_Delete(b);
    bo_resp_done(r, rc, &msg);
}
