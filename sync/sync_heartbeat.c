/* The heartbeat (sync_heartbeat.h). */
#include <stdio.h>
#include <string.h>

#include "base/kjson.h"
#include "base/version.h"
#include "sync/sync_heartbeat.h"
#include "sync/sync_int.h"

static char *body_of(const sync_health_t *h)
{
    cJSON *o = cJSON_CreateObject(), *devices = cJSON_AddArrayToObject(o, "devices");
    kjson_add_str(o, "software", KIOSK_VERSION);
    kjson_add_int(o, "outbox_depth", h->outbox_depth);
    if (h->paper) /* ok, low or out; left out when the kiosk has no printer or does not know */
        kjson_add_str(o, "paper", h->paper);
    kjson_add_str(o, "last_error", h->last_error ? h->last_error : "");
    for (int i = 0; devices && i < h->n_devices; i++) {
        cJSON *d = cJSON_CreateObject();
        kjson_add_str(d, "name", h->devices[i].name);
        kjson_add_str(d, "status", h->devices[i].status);
        if (h->devices[i].detail)
            kjson_add_str(d, "detail", h->devices[i].detail);
        cJSON_AddItemToArray(devices, d);
    }
    char *text = kjson_print(o, false);
    cJSON_Delete(o);
    return text;
}

kerr_t sync_beat_parse(const char *text, sync_beat_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    cJSON *o = text ? cJSON_Parse(text) : NULL, *docs = cJSON_GetObjectItem(o, "documents");
    if (!cJSON_IsObject(docs)) {
        cJSON_Delete(o);
        return kmsg_set(msg, K_EINVAL, "the back office's heartbeat answer has no documents");
    }
    for (int k = 0; k < SYNC_DOC_KINDS; k++)
        if (!sync__int(docs, sync_doc_kinds[k], &out->versions.v[k]))
            out->versions.v[k] = 0;
    cJSON *notices = cJSON_GetObjectItem(o, "notices");
    out->n_notices = cJSON_IsArray(notices) ? sync_notices_parse(notices, out->notices, SYNC_MAX_NOTICES) : 0;
    cJSON_Delete(o);
    return K_OK;
}

kerr_t sync_heartbeat(sync_client_t *c, ledger_t *l, const sync_health_t *h, sync_beat_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    char path[200], *body = body_of(h);
    if (!body)
        return kmsg_set(msg, K_EIO, "out of memory building the heartbeat");
    snprintf(path, sizeof path, "/v1/kiosks/%s/heartbeat", c->cfg->kiosk_id);
    sync_answer_t a;
    kerr_t rc = sync__request(c, "POST", path, body, 0, NULL, NULL, NULL, &a, msg);
    cJSON_free(body);
    if (rc == K_OK && a.status != 200)
        rc = sync__refused(&a, msg);
    if (rc == K_OK)
        rc = sync_beat_parse(a.text, out, msg);
    if (rc == K_OK || rc == K_ETIMEOUT || rc == K_EDEVICE)
        sync__note(c, l, rc == K_OK, rc == K_OK ? NULL : msg->text);
    sync__answer_free(&a);
    return rc;
}
