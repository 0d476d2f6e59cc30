/* The purchase-count service on the link (sync_counts.h). A reservation
 * may not hold a sale up for long: a back office that does not answer
 * within COUNTS_TIMEOUT_MS is treated as away, and the sale goes on with
 * the count it read, as offline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/kjson.h"
#include "kiosk/app/log.h"
#include "sync/sync_counts.h"
#include "sync/sync_int.h"

#define COUNTS_TIMEOUT_MS 3000

static char *body_of(const char *meter, const char *txn, const char *key, int64_t v, bool flag)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "meter", meter);
    kjson_add_str(o, "txn", txn);
    if (strcmp(key, "applied") == 0)
        cJSON_AddBoolToObject(o, key, flag);
    else
        kjson_add_int(o, key, v);
    char *text = kjson_print(o, false);
    cJSON_Delete(o);
    return text;
}

static kerr_t reserve(void *ctx, const char *meter, const char *txn, uint32_t seen, uint32_t *count, kmsg_t *msg)
{
    sync_client_t *c = ctx;
    char path[200], *body = body_of(meter, txn, "seen", seen, false);
    if (!body)
        return kmsg_set(msg, K_EIO, "out of memory");
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/reserve", c->cfg->kiosk_id);
    sync_answer_t a;
    kerr_t rc = sync__request(c, "POST", path, body, COUNTS_TIMEOUT_MS, NULL, NULL, NULL, &a, msg);
    cJSON_free(body);
    int64_t given = 0;
    bool busy = rc == K_OK && a.status == 409 && strcmp(a.code, "meter_busy") == 0;
    if (rc == K_OK && a.status != 200) {
        rc = sync__refused(&a, msg);
        rc = busy ? K_EBUSY : rc;
    } else if (rc == K_OK && (!sync__int(a.json, "count", &given) || given < 1 || given > UINT32_MAX))
        rc = kmsg_set(msg, K_EINVAL, "the back office's count answer makes no sense");
    if (rc == K_OK)
        *count = (uint32_t)given;
    sync__answer_free(&a);
    return rc;
}

static void release(void *ctx, const char *meter, const char *txn, bool applied)
{
    sync_client_t *c = ctx;
    char path[200], *body = body_of(meter, txn, "applied", 0, applied);
    kmsg_t msg = {""};
    if (!body)
        return;
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/release", c->cfg->kiosk_id);
    sync_answer_t a;
    kerr_t rc = sync__request(c, "POST", path, body, COUNTS_TIMEOUT_MS, NULL, NULL, NULL, &a, &msg);
    if (rc == K_OK && a.status != 200)
        rc = sync__refused(&a, &msg);
    if (rc != K_OK) /* the upload of the sale's outcome ends the lease as well */
        LOG_I("sync", "meter %s: the count was not given back now (%s); the upload will", meter, msg.text);
    cJSON_free(body);
    sync__answer_free(&a);
}

kerr_t sync_counts_open(const kiosk_config_t *cfg, engine_counts_t *out, kmsg_t *msg)
{
    sync_client_t *c;
    *out = (engine_counts_t){0};
    kerr_t rc = sync_client_open(cfg, &c, msg);
    if (rc == K_OK)
        *out = (engine_counts_t){.reserve = reserve, .release = release, .ctx = c};
    return rc;
}

void sync_counts_close(engine_counts_t *c)
{
    sync_client_close(c->ctx);
    *c = (engine_counts_t){0};
}
