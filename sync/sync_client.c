/* The back-office link on libcurl (sync_client.h). */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/kjson.h"
#include "kiosk/app/log.h"
#include "sync/sync_int.h"

bool sync__loopback_http(const char *url)
{
    return strncmp(url, "http://127.", 11) == 0 || strncmp(url, "http://localhost", 16) == 0 ||
           strncmp(url, "http://[::1]", 12) == 0;
}

static kerr_t check_config(const kiosk_config_t *cfg, kmsg_t *msg)
{
    const char *url = cfg->sync_url;
    if (!url[0])
        return kmsg_set(msg, K_ENOTFOUND, "no back office (sync.url is empty)");
    if (strncmp(url, "http://", 7) == 0 && !sync__loopback_http(url))
        return kmsg_set(msg, K_EINVAL, "sync.url %s: plain HTTP only on loopback; use https:// with sync.ca_file, "
                                       "sync.cert_file and sync.key_file", url);
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return kmsg_set(msg, K_EINVAL, "sync.url %s: give https://host:port", url);
    if (strncmp(url, "https://", 8) == 0 && (!cfg->sync_ca_file[0] || !cfg->sync_cert_file[0] || !cfg->sync_key_file[0]))
        return kmsg_set(msg, K_EINVAL, "sync.url is https: set sync.ca_file, and enrol the kiosk (kioskctl enrol "
                                       "--code CODE) or set sync.cert_file and sync.key_file");
    return K_OK;
}

kerr_t sync_client_open(const kiosk_config_t *cfg, sync_client_t **out, kmsg_t *msg)
{
    *out = NULL;
    kerr_t rc = check_config(cfg, msg);
    if (rc)
        return rc;
    sync_client_t *c = calloc(1, sizeof *c);
    if (!c || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(c->curl = curl_easy_init())) {
        free(c);
        return kmsg_set(msg, K_EIO, "cannot start libcurl (out of memory?)");
    }
    c->cfg = cfg;
    *out = c;
    return K_OK;
}

void sync_client_close(sync_client_t *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    free(c);
}

/* The request's rows, gathered from the ledger. */
typedef struct batch {
    cJSON *rows;
    int64_t seqs[500];
    int n;
    bool bad; /* out of memory, or a payload that is not JSON */
} batch_t;

static void add_row(void *ctx, const ledger_outbox_row_t *r)
{
    batch_t *b = ctx;
    cJSON *o = cJSON_CreateObject(), *payload = cJSON_Parse(r->payload);
    if (!o || !payload || b->n >= 500 || !kjson_add_int(o, "seq", r->seq) || !kjson_add_str(o, "topic", r->topic)) {
        b->bad = true;
        cJSON_Delete(o);
        cJSON_Delete(payload);
        return;
    }
    cJSON_AddItemToObject(o, "payload", payload);
    cJSON_AddItemToArray(b->rows, o);
    b->seqs[b->n++] = r->seq;
}

/* Reads the answer's results: each must name a row that was sent. */
kerr_t sync_results_parse(const cJSON *doc, const int64_t *seqs, size_t sent, ledger_outbox_answer_t *ans, size_t *n,
                          sync_upload_result_t *r, kmsg_t *msg)
{
    cJSON *results = cJSON_GetObjectItem(doc, "results"), *it;
    if (!cJSON_IsArray(results))
        return kmsg_set(msg, K_EINVAL, "the back office's answer has no results: nothing marked sent");
    *n = 0;
    cJSON_ArrayForEach(it, results)
    {
        int64_t seq = 0;
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(it, "status"));
        bool known = false;
        for (size_t i = 0; sync__int(it, "seq", &seq) && i < sent; i++)
            known |= seqs[i] == seq;
        if (!known || !status || *n >= sent)
            return kmsg_set(msg, K_EINVAL, "the back office answered for a row it was not sent: nothing marked sent");
        bool rejected = strcmp(status, "rejected") == 0;
        if (!rejected && strcmp(status, "accepted") != 0 && strcmp(status, "duplicate") != 0)
            return kmsg_set(msg, K_EINVAL, "the back office answered '%.40s' for row %lld: nothing marked sent", status,
                            (long long)seq);
        ans[(*n)++] = (ledger_outbox_answer_t){seq, rejected, cJSON_GetStringValue(cJSON_GetObjectItem(it, "reason"))};
        r->accepted += strcmp(status, "accepted") == 0;
        r->duplicate += strcmp(status, "duplicate") == 0;
        r->rejected += rejected;
    }
    return K_OK;
}

/* Sends a gathered batch and settles what was answered. */
static kerr_t send_batch(sync_client_t *c, ledger_t *l, batch_t *batch, cJSON *req, sync_upload_result_t *r,
                         kmsg_t *msg)
{
    char path[200];
    snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", c->cfg->kiosk_id);
    char *json = kjson_print(req, false);
    if (!json)
        return kmsg_set(msg, K_EIO, "out of memory building the upload");
    sync_answer_t a;
    kerr_t rc = sync__request(c, "POST", path, json, 0, NULL, NULL, NULL, &a, msg);
    cJSON_free(json);
    if (rc == K_ETIMEOUT) {
        kmsg_t why = *msg;
        kmsg_set(msg, K_ETIMEOUT, "%s: the rows stay in the outbox", why.text);
    }
    if (rc == K_OK && a.status != 200)
        rc = sync__refused(&a, msg);
    static ledger_outbox_answer_t ans[500];
    size_t n = 0;
    if (rc == K_OK)
        rc = sync_results_parse(a.json, batch->seqs, (size_t)batch->n, ans, &n, r, msg);
    if (rc == K_OK)
        rc = ledger_outbox_settle(l, ans, n, msg);
    sync__answer_free(&a);
    return rc;
}

kerr_t sync_upload(sync_client_t *c, ledger_t *l, sync_upload_result_t *r, kmsg_t *msg)
{
    *r = (sync_upload_result_t){0};
    cJSON *req = cJSON_CreateObject();
    batch_t batch = {.rows = cJSON_AddArrayToObject(req, "rows")};
    kerr_t rc = batch.rows ? ledger_outbox_unsent(l, (int)c->cfg->sync_batch, add_row, &batch, msg)
                           : kmsg_set(msg, K_EIO, "out of memory");
    if (rc == K_OK && batch.bad)
        rc = kmsg_set(msg, K_EIO, "an outbox row could not be read (out of memory, or not JSON)");
    r->sent = batch.n;
    if (rc == K_OK && batch.n > 0) {
        rc = send_batch(c, l, &batch, req, r, msg);
        if (rc == K_OK || rc == K_ETIMEOUT || rc == K_EDEVICE || rc == K_EINVAL)
            sync__note(l, rc == K_OK, rc == K_OK ? NULL : msg->text);
        if (rc == K_OK)
            LOG_I("sync", "uploaded %d rows: %d accepted, %d duplicate, %d rejected", r->sent, r->accepted,
                  r->duplicate, r->rejected);
        else
            LOG_W("sync", "upload of %d rows failed: %s", r->sent, msg->text);
    }
    cJSON_Delete(req);
    return rc;
}
