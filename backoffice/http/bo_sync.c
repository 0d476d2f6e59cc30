/* Signed downloads, the heartbeat and the notices a kiosk collects. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/base/bo_decode.h"
#include "backoffice/domain/bo_docs.h"
#include "backoffice/http/bo_server.h"
#include "kiosk/app/kjson.h"

void bo_h_document(bo_req_t *q, bo_resp_t *r)
{
    const char *kind = q->arg[1];
    cJSON *body = NULL;
    int64_t version = 0;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_doc_build(q->s->db, kind, q->kiosk, &body, &version, &msg);
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

/* The kiosk's open notices as a JSON array. */
static cJSON *open_notices(sqlite3 *db, const char *kiosk)
{
    cJSON *arr = cJSON_CreateArray();
    sqlite3_stmt *st;
    if (bo_db_prepare(db,
                      "SELECT id, kind, body, created_at FROM notice WHERE kiosk = ? AND acked_at IS NULL "
                      "ORDER BY id LIMIT 100",
                      &st, NULL))
        return arr;
    bo_db_text(st, 1, kiosk);
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *n = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, n);
        kjson_add_int(n, "id", sqlite3_column_int64(st, 0));
        kjson_add_str(n, "kind", bo_db_col(st, 1));
        cJSON *b = cJSON_Parse(bo_db_col(st, 2));
        cJSON_AddItemToObject(n, "body", b ? b : cJSON_CreateObject());
        kjson_add_time(n, "created_at", sqlite3_column_int64(st, 3));
    }
    sqlite3_finalize(st);
    return arr;
}

static kerr_t store_health(bo_req_t *q, const bo_heartbeat_t *h, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(q->s->db, "INSERT OR REPLACE INTO kiosk_health VALUES (?, ?, ?, ?, ?, ?)", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, q->kiosk);
    sqlite3_bind_int64(st, 2, bo_now(q->s));
    bo_db_text(st, 3, h->software);
    sqlite3_bind_int64(st, 4, h->outbox_depth);
    bo_db_text(st, 5, h->last_error);
    sqlite3_bind_text(st, 6, q->body, (int)q->body_len, SQLITE_TRANSIENT);
    return bo_db_run(q->s->db, st, "storing the heartbeat", msg);
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
    rc = store_health(q, &h, &msg);
    if (rc == K_OK) {
        kjson_add_time(o, "server_time", bo_now(q->s));
        cJSON_AddItemToObject(o, "documents", bo_doc_versions(q->s->db, q->kiosk));
        cJSON_AddItemToObject(o, "notices", open_notices(q->s->db, q->kiosk));
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
    cJSON_AddItemToObject(o, "notices", open_notices(q->s->db, q->kiosk));
    bo_unlock(q->s);
    bo_resp_json(r, 200, o);
}

void bo_h_notice_ack(bo_req_t *q, bo_resp_t *r)
{
    char *end;
    long long id = strtoll(q->arg[1], &end, 10);
    int64_t found = 0;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(q->s->db, "UPDATE notice SET acked_at = coalesce(acked_at, ?) WHERE id = ? AND kiosk = ?",
                              &st, &msg);
    if (rc == K_OK && !*end) {
        sqlite3_bind_int64(st, 1, bo_now(q->s));
        sqlite3_bind_int64(st, 2, id);
        bo_db_text(st, 3, q->kiosk);
        rc = bo_db_run(q->s->db, st, "acknowledging a notice", &msg);
        found = sqlite3_changes(q->s->db);
    } else if (rc == K_OK) {
        sqlite3_finalize(st);
    }
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else if (!found)
        bo_resp_error(r, 404, "not_found", "kiosk %s has no notice %s", q->kiosk, q->arg[1]);
    else
        bo_resp_json(r, 200, cJSON_CreateObject());
}
