/* Heartbeats and notices (bo_heartbeat.h). */
#include "backoffice/domain/bo_heartbeat.h"

#include "base/kjson.h"

kerr_t bo_heartbeat_store(bo_store_t *st, const char *kiosk, int64_t now, const bo_heartbeat_t *h, const char *body,
                          size_t len, kmsg_t *msg)
{
    bo_health_rec_t r = {kiosk, now, h, body, len};
    return st->ops->fleet->health_put(st->ctx, &r, msg);
}

static void add_notice(void *arg, int64_t id, const char *kind, const char *body, int64_t created_at)
{
    cJSON *n = cJSON_CreateObject();
    cJSON_AddItemToArray(arg, n);
    kjson_add_int(n, "id", id);
    kjson_add_str(n, "kind", kind);
    cJSON *b = cJSON_Parse(body);
    cJSON_AddItemToObject(n, "body", b ? b : cJSON_CreateObject());
    kjson_add_time(n, "created_at", created_at);
}

cJSON *bo_notices_open(bo_store_t *st, const char *kiosk)
{
    cJSON *arr = cJSON_CreateArray();
    st->ops->qr->notices_each(st->ctx, kiosk, 100, add_notice, arr, NULL);
    return arr;
}

kerr_t bo_notice_ack(bo_store_t *st, const char *kiosk, int64_t id, int64_t now, bool *found, kmsg_t *msg)
{
    return st->ops->qr->notice_ack(st->ctx, kiosk, id, now, found, msg);
}
