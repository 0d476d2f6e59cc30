/* Signed downloads, the heartbeat and the notices a kiosk collects
 * (docs/sync.md): the domain builds and stores (bo_docs.h,
 * bo_heartbeat.h); here the ETag, the signature and the answers. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_docs.h"
#include "backoffice/domain/bo_heartbeat.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

void bo_h_document(bo_req_t *q, bo_resp_t *r)
{
    const char *kind = q->arg[1];
    cJSON *body = NULL;
    int64_t version = 0;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_doc_build(&q->s->store, kind, q->kiosk, &body, &version, &msg);
    bo_unlock(q->s);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    snprintf(r->etag, sizeof r->etag, "\"%s-%s-%lld\"", kind, strcmp(kind, "settings") == 0 ? q->kiosk : "all",
             (long long)version);
    const char *inm = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "If-None-Match");
    if (inm && strcmp(inm, r->etag) == 0) {
        cJSON_Delete(body);
        r->status = 304;
        return;
    }
    const char *scope = strcmp(kind, "settings") == 0 ? q->kiosk : "*";
    char *env = NULL;
    rc = bo_sign_document(&q->s->key, kind, scope, version, bo_now(q->s), body, &env, &msg);
    cJSON_Delete(body);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    r->status = 200;
    r->body = env;
    r->type = "application/json";
}

void bo_h_heartbeat(bo_req_t *q, bo_resp_t *r)
{
    bo_heartbeat_t h;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_decode_heartbeat(q->body, q->body_len, &h, &msg);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    bo_lock(q->s);
    rc = bo_heartbeat_store(&q->s->store, q->kiosk, bo_now(q->s), &h, q->body, q->body_len, &msg);
    if (rc == K_OK) {
        kjson_add_time(o, "server_time", bo_now(q->s));
        cJSON_AddItemToObject(o, "documents", bo_doc_versions(&q->s->store, q->kiosk));
        cJSON_AddItemToObject(o, "notices", bo_notices_open(&q->s->store, q->kiosk));
    }
    bo_unlock(q->s);
    if (rc) {
        cJSON_Delete(o);
        bo_resp_kerr(r, rc, &msg);
    } else {
        bo_resp_json(r, 200, o);
    }
}

void bo_h_notices(bo_req_t *q, bo_resp_t *r)
{
    cJSON *o = cJSON_CreateObject();
    bo_lock(q->s);
    cJSON_AddItemToObject(o, "notices", bo_notices_open(&q->s->store, q->kiosk));
    bo_unlock(q->s);
    bo_resp_json(r, 200, o);
}

void bo_h_notice_ack(bo_req_t *q, bo_resp_t *r)
{
    char *end;
    long long id = strtoll(q->arg[1], &end, 10);
    bool found = false;
    kmsg_t msg = {{0}};
    kerr_t rc = K_OK;
    bo_lock(q->s);
    if (!*end)
        rc = bo_notice_ack(&q->s->store, q->kiosk, id, bo_now(q->s), &found, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else if (!found)
        bo_resp_error(r, 404, "not_found", "kiosk %s has no notice %s", q->kiosk, q->arg[1]);
    else
        bo_resp_json(r, 200, cJSON_CreateObject());
}
