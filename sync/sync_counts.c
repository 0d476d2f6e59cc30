/* The purchase-count service on the link (sync_counts.h). A reservation
 * may not hold a sale up for long: a back office that does not answer
 * within COUNTS_TIMEOUT_MS is treated as away, and the sale goes on with
 * the count it read, as offline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "base/log.h"
#include "sync/sync_counts.h"
#include "sync/sync_int.h"

#define COUNTS_TIMEOUT_MS 3000

/* The refusals after which a sale waits (queued) rather than go on as
 * offline: another sale holds the meter, this kiosk holds as many leases
 * as it may, the meter is not in this kiosk's scope (until staff grant it). */
static const char *const wait_codes[] = {"meter_busy", "too_many_leases", "meter_out_of_scope"};

static bool says_wait(const sync_answer_t *a)
{
    for (size_t i = 0; i < sizeof wait_codes / sizeof wait_codes[0]; i++)
        if (strcmp(a->code, wait_codes[i]) == 0)
            return true;
    return false;
}

static char *release_body(const char *meter, const char *txn, bool applied)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "meter", meter);
    kjson_add_str(o, "txn", txn);
    cJSON_AddBoolToObject(o, "applied", applied);
    char *text = kjson_print(o, false);
    cJSON_Delete(o);
    return text;
}

/* Asks counts/reserve (with `count`, a renewal of that count); *a is the
 * answer to free. */
static kerr_t ask(sync_client_t *c, const char *meter, const char *txn, uint32_t seen, uint32_t count,
                  sync_answer_t *a, kmsg_t *msg)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "meter", meter);
    kjson_add_str(o, "txn", txn);
    kjson_add_int(o, "seen", seen);
    if (count)
        kjson_add_int(o, "count", count);
    char path[200], *body = kjson_print(o, false);
    cJSON_Delete(o);
    if (!body)
        return kmsg_set(msg, K_EIO, "out of memory");
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/reserve", c->cfg->kiosk_id);
    kerr_t rc = sync__request(c, "POST", path, body, COUNTS_TIMEOUT_MS, NULL, NULL, NULL, a, msg);
    cJSON_free(body);
    return rc;
}

static kerr_t reserve(void *ctx, const char *meter, const char *txn, uint32_t seen, uint32_t *count, kmsg_t *msg)
{
    sync_answer_t a;
    kerr_t rc = ask(ctx, meter, txn, seen, 0, &a, msg);
    int64_t given = 0;
    if (rc == K_OK && a.status != 200) {
        bool wait = says_wait(&a);
        rc = sync__refused(&a, msg);
        rc = wait ? K_EBUSY : rc;
    } else if (rc == K_OK && (!sync__int(a.json, "count", &given) || given < 1 || given > UINT32_MAX))
        rc = kmsg_set(msg, K_EINVAL, "the back office's count answer makes no sense");
    if (rc == K_OK)
        *count = (uint32_t)given;
    sync__answer_free(&a);
    return rc;
}

static kerr_t renew(void *ctx, const char *meter, const char *txn, uint32_t count, uint32_t seen, kmsg_t *msg)
{
    sync_answer_t a;
    kerr_t rc = ask(ctx, meter, txn, seen, count, &a, msg);
    int64_t given = 0;
    if (rc == K_OK && a.status != 200) {
        bool moved = strcmp(a.code, "count_moved") == 0;
        rc = sync__refused(&a, msg);
        rc = moved ? K_ESTATE : rc;
    } else if (rc == K_OK && (!sync__int(a.json, "count", &given) || given != count)) {
        rc = kmsg_set(msg, K_EINVAL, "the back office renewed count %lld, not %u", (long long)given, count);
    }
    sync__answer_free(&a);
    return rc;
}

static void release(void *ctx, const char *meter, const char *txn, bool applied)
{
    sync_client_t *c = ctx;
    char path[200], *body = release_body(meter, txn, applied);
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
        *out = (engine_counts_t){.reserve = reserve, .renew = renew, .release = release, .ctx = c};
    return rc;
}

void sync_counts_close(engine_counts_t *c)
{
    sync_client_close(c->ctx);
    *c = (engine_counts_t){0};
}
