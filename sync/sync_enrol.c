/* POST /v1/enrol on libcurl (sync_enrol.h), through sync_http.c. */
#include "sync/sync_enrol.h"

#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "sync/sync_int.h"

static kerr_t check_url(const kiosk_config_t *cfg, const char *url, kmsg_t *msg)
{
    if (!url[0])
        return kmsg_set(msg, K_EINVAL, "no back office to enrol with: set sync.url or pass --url https://host:port");
    if (strlen(url) >= sizeof cfg->sync_url)
        return kmsg_set(msg, K_EINVAL, "the back office's address is too long");
    if (strncmp(url, "http://", 7) == 0 && !sync__loopback_http(url))
        return kmsg_set(msg, K_EINVAL, "%s: plain HTTP only on loopback; give https://host:port", url);
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return kmsg_set(msg, K_EINVAL, "%s: give https://host:port", url);
    if (strncmp(url, "https://", 8) == 0 && !cfg->sync_ca_file[0])
        return kmsg_set(msg, K_EINVAL,
                        "set sync.ca_file to the back office's CA certificate: enrolment trusts only it");
    return K_OK;
}

static char *body_of(const sync_enrol_req_t *req)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "code", req->code);
    kjson_add_str(o, "csr", req->csr);
    kjson_add_str(o, "upload_key", req->upload_key);
    kjson_add_str(o, "kiosk_code", req->kiosk_code);
    char *text = kjson_print(o, false);
    cJSON_Delete(o);
    return text;
}

static char *dup_str(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    return s ? strdup(s) : NULL;
}

static kerr_t read_answer(const cJSON *o, sync_enrol_answer_t *a, kmsg_t *msg)
{
    const cJSON *settings = cJSON_GetObjectItemCaseSensitive(o, "settings");
    a->certificate = dup_str(o, "certificate");
    a->ca_certificate = dup_str(o, "ca_certificate");
    a->settings = cJSON_IsObject(settings) ? cJSON_PrintUnformatted(settings) : strdup("{}");
    if (!sync__str(o, "kiosk", a->kiosk, sizeof a->kiosk) || !sync__str(o, "site", a->site, sizeof a->site) ||
        !sync__str(o, "document_key", a->document_key, sizeof a->document_key) || !a->certificate ||
        !a->ca_certificate || !a->settings)
        return kmsg_set(msg, K_ECORRUPT,
                        "the back office's answer lacks the kiosk, site, certificate, CA or document key: is it "
                        "a back office of this version?");
    return K_OK;
}

kerr_t sync_enrol(const kiosk_config_t *cfg, const char *url, const sync_enrol_req_t *req, sync_enrol_answer_t *a,
                  kmsg_t *msg)
{
    memset(a, 0, sizeof *a);
    kerr_t rc = check_url(cfg, url, msg);
    if (rc)
        return rc;
    kiosk_config_t c = *cfg; /* the link's settings without a client certificate */
    snprintf(c.sync_url, sizeof c.sync_url, "%s", url);
    c.sync_cert_file[0] = c.sync_key_file[0] = '\0';
    sync_client_t sc = {.cfg = &c};
    char *body = body_of(req);
    if (!body || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(sc.curl = curl_easy_init())) {
        free(body);
        return kmsg_set(msg, K_EIO, "cannot start libcurl (out of memory?)");
    }
    sync_answer_t ans;
    rc = sync__request(&sc, "POST", "/v1/enrol", body, 0, NULL, NULL, NULL, &ans, msg);
    free(body);
    if (rc == K_OK && ans.status != 200) {
        sync__refused(&ans, msg);
        rc = ans.status >= 400 && ans.status < 500 ? K_EDENIED : K_EDEVICE;
    } else if (rc == K_OK) {
        rc = read_answer(ans.json, a, msg);
    }
    sync__answer_free(&ans);
    curl_easy_cleanup(sc.curl);
    if (rc)
        sync_enrol_answer_free(a);
    return rc;
}

void sync_enrol_answer_free(sync_enrol_answer_t *a)
{
    free(a->certificate);
    free(a->ca_certificate);
    free(a->settings);
    a->certificate = a->ca_certificate = a->settings = NULL;
}
