/* Central commands over the link (sync_commands.h). */
#include "sync/sync_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "base/timefmt.h"
#include "sync/sync_doc.h"
#include "sync/sync_int.h"

#define POLL_MAX_S 30

kerr_t sync_commands_poll(sync_client_t *c, int wait_s, sync_stop_fn stop, void *stop_ctx, char ***envelopes,
                          size_t *n, kmsg_t *msg)
{
    char path[160];
    sync_answer_t a = {0};
    *envelopes = NULL;
    *n = 0;
    wait_s = wait_s < 0 ? 0 : wait_s > POLL_MAX_S ? POLL_MAX_S : wait_s;
    snprintf(path, sizeof path, "/v1/kiosks/%s/commands?wait=%d", c->cfg->kiosk_id, wait_s);
    kerr_t rc = sync__request(c, "GET", path, NULL, (wait_s + 10) * 1000L, stop, stop_ctx, NULL, &a, msg);
    if (rc) {
        sync__answer_free(&a);
        return rc;
    }
    const cJSON *arr = a.status == 200 ? cJSON_GetObjectItemCaseSensitive(a.json, "commands") : NULL;
    if (a.status != 200)
        rc = sync__refused(&a, msg);
    else if (!cJSON_IsArray(arr))
        rc = kmsg_set(msg, K_EINVAL, "the back office's answer has no 'commands' list");
    int count = rc == K_OK ? cJSON_GetArraySize(arr) : 0;
    if (count > 0 && !(*envelopes = calloc((size_t)count, sizeof **envelopes)))
        rc = kmsg_set(msg, K_EIO, "out of memory");
    for (int i = 0; rc == K_OK && i < count; i++)
        if (((*envelopes)[(*n)++] = kjson_print(cJSON_GetArrayItem(arr, i), false)) == NULL)
            rc = kmsg_set(msg, K_EIO, "out of memory");
    sync__answer_free(&a);
    if (rc) {
        sync_commands_free(*envelopes, *n);
        *envelopes = NULL;
        *n = 0;
    }
    return rc;
}

void sync_commands_free(char **envelopes, size_t n)
{
    for (size_t i = 0; envelopes && i < n; i++)
        free(envelopes[i]);
    free(envelopes);
}

kerr_t sync_commands_ack(sync_client_t *c, const char *id, bool refused, const char *reason, kmsg_t *msg)
{
    char path[200];
    sync_answer_t a = {0};
    cJSON *o = cJSON_CreateObject();
    char *body = o && kjson_add_str(o, "status", refused ? "refused" : "received") &&
                         kjson_add_str(o, "reason", reason ? reason : "")
                     ? kjson_print(o, false)
                     : NULL;
    cJSON_Delete(o);
    if (!body)
        return kmsg_set(msg, K_EIO, "out of memory");
    snprintf(path, sizeof path, "/v1/kiosks/%s/commands/%s/ack", c->cfg->kiosk_id, id);
    kerr_t rc = sync__request(c, "POST", path, body, 0, NULL, NULL, NULL, &a, msg);
    free(body);
    if (rc == K_OK && a.status != 200)
        rc = sync__refused(&a, msg);
    sync__answer_free(&a);
    return rc;
}

static bool time_of(const cJSON *d, const char *name, int64_t *ms)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, name);
    return cJSON_IsString(v) && ktime_parse_ms(v->valuestring, ms);
}

/* The document's fields into out; false if one is missing or malformed. */
static bool fields(const cJSON *d, sync_command_t *out)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "params");
    char *params = cJSON_IsObject(p) ? kjson_print(p, false) : NULL;
    bool ok = params && strlen(params) < sizeof out->params && sync__str(d, "kiosk", out->kiosk, sizeof out->kiosk) &&
              sync__str(d, "meter", out->meter, sizeof out->meter) &&
              sync__str(d, "command", out->command, sizeof out->command) &&
              sync__str(d, "operator", out->operator_name, sizeof out->operator_name) &&
              time_of(d, "issued_at", &out->issued_at) && time_of(d, "expires_at", &out->expires_at);
    if (ok)
        snprintf(out->params, sizeof out->params, "%s", params);
    if (!sync__str(d, "batch", out->batch, sizeof out->batch))
        out->batch[0] = '\0';
    free(params);
    return ok;
}

/* The envelope's own id (before anything is verified): for the refusal. */
static void envelope_id(const char *envelope, char *id, size_t len)
{
    cJSON *env = cJSON_Parse(envelope);
    if (!sync__str(env, "id", id, len))
        id[0] = '\0';
    cJSON_Delete(env);
}

kerr_t sync_command_check(const char *pubkey_b64, const char *kiosk, const char *envelope, int64_t now,
                          sync_command_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    envelope_id(envelope, out->id, sizeof out->id);
    uint8_t pk[SYNC_PUBKEY_BYTES];
    cJSON *d = NULL;
    kmsg_t why = {""};
    if (!pubkey_b64[0] || sync_pubkey_parse(pubkey_b64, pk, &why) != K_OK)
        return kmsg_set(msg, K_EDENIED, "no back-office key pinned (sync.pubkey)%s%s: a command cannot be verified",
                        why.text[0] ? ": " : "", why.text);
    if (sync_doc_open(pk, envelope, strlen(envelope), &d, &why) != K_OK)
        return kmsg_set(msg, K_EDENIED, "bad signature: %s", why.text);
    char kind[32] = "", id[65] = "";
    kerr_t rc = K_OK;
    if (!sync__str(d, "kind", kind, sizeof kind) || strcmp(kind, "meter_command") != 0)
        rc = kmsg_set(msg, K_EDENIED, "the signed document is of kind '%s', not a meter_command", kind);
    else if (!sync__str(d, "id", id, sizeof id) || !fields(d, out))
        rc = kmsg_set(msg, K_EDENIED, "the command's document lacks a field (id, kiosk, meter, command, params, "
                                      "operator, issued_at or expires_at)");
    else if (strcmp(out->id, id) != 0)
        rc = kmsg_set(msg, K_EDENIED, "the envelope's id %s is not the signed document's %s", out->id, id);
    else if (strcmp(out->kiosk, kiosk) != 0)
        rc = kmsg_set(msg, K_EDENIED, "the command is for kiosk %s, not this one (%s)", out->kiosk, kiosk);
    cJSON_Delete(d);
    if (rc == K_OK && out->expires_at <= now) {
        char at[40];
        ktime_format_iso(out->expires_at, at, sizeof at);
        rc = kmsg_set(msg, K_EDENIED, "expired at %s (by this kiosk's clock)", at);
    }
    return rc;
}
