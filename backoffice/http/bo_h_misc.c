/* The health probe and the test hooks (enrolment is in bo_enrol.c). */
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/http/bo_http.h"
#include "base/kjson.h"
#include "base/version.h"

#define HEALTH_LOCK_MS 200 /* how long the probe waits for the store's connection */
#define HEALTH_DB_MS 1000  /* how long it waits for the database's answer */

/* The database checked on the store's own connection: "ok", or "busy" when
 * requests held the connection all the while (they would fail at once on a
 * broken one); false with the reason in msg if it does not answer. */
static bool database_ok(bo_server_t *s, const char **state, kmsg_t *msg)
{
    *state = "busy";
    if (!bo_lock_within(s, HEALTH_LOCK_MS))
        return true;
    kerr_t rc = s->store.ops->ping(s->store.ctx, HEALTH_DB_MS, msg);
    bo_unlock(s);
    *state = "ok";
    return rc == K_OK;
}

void bo_h_health(bo_req_t *q, bo_resp_t *r)
{
    const char *db;
    kmsg_t msg = {{0}};
    if (!database_ok(q->s, &db, &msg)) {
        bo_resp_error(r, 503, "database_unavailable", "%s", msg.text);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "status", "ok");
    kjson_add_str(o, "database", db);
    long heard = q->s->http ? atomic_load(&q->s->http->notices) : 0; /* no HTTP layer: a handler run alone */
    cJSON_AddNumberToObject(o, "notices", (double)heard);
    kjson_add_str(o, "version", KIOSK_VERSION);
    kjson_add_time(o, "server_time", bo_now(q->s));
    bo_resp_json(r, 200, o);
}

/* {"path": "/v1/...", "times": n, "status": 500, "after": bool, "drop": bool} */
void bo_h_test_fault(bo_req_t *q, bo_resp_t *r)
{
    cJSON *o = cJSON_ParseWithLength(q->body, q->body_len);
    bo_fault_t f = {.status = 500};
    int64_t times = 1, status = 500;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_json_str(o, "path", f.path, sizeof f.path, &msg);
    if (rc == K_OK)
        rc = bo_json_int_opt(o, "times", 0, 1000, &times, &msg);
    if (rc == K_OK)
        rc = bo_json_int_opt(o, "status", 400, 599, &status, &msg);
    f.after = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "after"));
    f.drop = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "drop"));
    cJSON_Delete(o);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    f.times = (int)times;
    f.status = (unsigned)status;
    bo_lock(q->s);
    q->s->fault = f;
    bo_unlock(q->s);
    bo_resp_json(r, 200, cJSON_CreateObject());
}

/* {"advance_ms": n}: moves the server's clock forward (never back). */
void bo_h_test_clock(bo_req_t *q, bo_resp_t *r)
{
    cJSON *o = cJSON_ParseWithLength(q->body, q->body_len);
    int64_t adv = 0;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_json_int(o, "advance_ms", 0, 400LL * 86400000, &adv, &msg);
    cJSON_Delete(o);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    bo_lock(q->s);
    q->s->clock_offset_ms += adv;
    pthread_cond_broadcast(&q->s->changed);
    bo_unlock(q->s);
    cJSON *a = cJSON_CreateObject();
    kjson_add_time(a, "server_time", bo_now(q->s));
    bo_resp_json(r, 200, a);
}
