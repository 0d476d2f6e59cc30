/* One call to the gateway: the common parameters signed, a POST with
 * libcurl, the answer's node verified over its raw text. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "backoffice/pay/bo_alipay_int.h"

#define AP_BODY_MAX (16u << 20)

kerr_t ap_request(const ap_ctx_t *c, const char *method, const char *biz, const char *notify_url,
                  const char *return_url, ap_params_t *ps, kmsg_t *msg)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    char ts[20];
    ap_time_text((int64_t)tv.tv_sec * 1000, ts);
    ps->n = 0;
    bool ok = ap_params_add(ps, "app_id", c->cfg.app_id) && ap_params_add(ps, "method", method) &&
              ap_params_add(ps, "format", "JSON") && ap_params_add(ps, "charset", "utf-8") &&
              ap_params_add(ps, "sign_type", "RSA2") && ap_params_add(ps, "timestamp", ts) &&
              ap_params_add(ps, "version", "1.0") && ap_params_add(ps, "notify_url", notify_url) &&
              ap_params_add(ps, "return_url", return_url) && ap_params_add(ps, "biz_content", biz);
    char *text = ok ? ap_sign_text(ps, false) : NULL;
    char *sig = text ? ap_sign(c, text, strlen(text)) : NULL;
    ok = sig && ap_params_add(ps, "sign", sig);
    free(text);
    free(sig);
    if (!ok) {
        ap_params_free(ps);
        return kmsg_set(msg, K_EIO, "alipay: could not sign %s", method);
    }
    return K_OK;
}

/* Joins ps as "k=v&..." with values percent-encoded; body_only picks
 * biz_content alone, otherwise every other parameter. */
static char *join_encoded(const ap_params_t *ps, bool body_only)
{
    size_t total = 1;
    for (int i = 0; i < ps->n; i++)
        total += strlen(ps->p[i].key) + 3 * strlen(ps->p[i].val) + 2;
    char *out = malloc(total);
    size_t at = 0;
    for (int i = 0; out && i < ps->n; i++) {
        if ((strcmp(ps->p[i].key, "biz_content") == 0) != body_only)
            continue;
        char *v = ap_url_encode(ps->p[i].val);
        if (!v) {
            free(out);
            return NULL;
        }
        at += (size_t)snprintf(out + at, total - at, "%s%s=%s", at ? "&" : "", ps->p[i].key, v);
        free(v);
    }
    if (out)
        out[at] = '\0';
    return out;
}

typedef struct buf {
    char *p;
    size_t n;
    bool over;
} buf_t;

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    buf_t *b = arg;
    size_t add = size * n;
    if (b->n + add > AP_BODY_MAX) {
        b->over = true;
        return 0;
    }
    char *grown = realloc(b->p, b->n + add + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->n, p, add);
    b->p = grown;
    b->n += add;
    b->p[b->n] = '\0';
    return add;
}

/* Sends one request (a POST when body is not NULL) and collects the answer. */
static kerr_t http_send(const ap_ctx_t *c, const char *url, const char *body, buf_t *b, kmsg_t *msg)
{
    CURL *h = curl_easy_init();
    if (!h)
        return kmsg_set(msg, K_EIO, "alipay: no HTTP client");
    struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
    if (body)
        hdr = curl_slist_append(hdr, "Content-Type: application/x-www-form-urlencoded;charset=utf-8");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->cfg.timeout_s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    if (c->cfg.ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, c->cfg.ca_file);
    if (body)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK)
        return kmsg_set(msg, K_EIO, "alipay: %s", b->over ? "answer too long" : curl_easy_strerror(rc));
    if (status != 200)
        return kmsg_set(msg, K_EIO, "alipay: the gateway answered HTTP %ld", status);
    return K_OK;
}

kerr_t ap_http_get(const ap_ctx_t *c, const char *url, char **body, size_t *len, kmsg_t *msg)
{
    buf_t b = {0};
    kerr_t rc = http_send(c, url, NULL, &b, msg);
    if (rc != K_OK) {
        free(b.p);
        return rc;
    }
    *body = b.p ? b.p : calloc(1, 1);
    *len = b.n;
    return *body ? K_OK : kmsg_set(msg, K_EIO, "alipay: out of memory");
}

/* Checks the answer text's signature and takes its node out into r. */
static kerr_t read_answer(const ap_ctx_t *c, const char *method, const char *text, size_t len, ap_reply_t *r,
                          kmsg_t *msg)
{
    char key[128];
    snprintf(key, sizeof key, "%s_response", method);
    for (char *p = key; *p; p++)
        *p = *p == '.' ? '_' : *p;
    size_t s0, s1;
    bool is_error = false;
    if (!ap_json_member(text, len, key, &s0, &s1)) {
        if (!ap_json_member(text, len, "error_response", &s0, &s1))
            return kmsg_set(msg, K_EIO, "alipay: %s: no %s in the answer", method, key);
        snprintf(key, sizeof key, "error_response");
        is_error = true;
    }
    cJSON *doc = cJSON_ParseWithLength(text, len);
    const cJSON *sign = cJSON_GetObjectItemCaseSensitive(doc, "sign");
    bool signed_ok = cJSON_IsString(sign) && ap_verify(c, text + s0, s1 - s0, sign->valuestring);
    if (!signed_ok && !(is_error && !sign)) {
        cJSON_Delete(doc);
        return kmsg_set(msg, K_ECORRUPT, "alipay: %s: the answer's signature does not verify", method);
    }
    r->node = cJSON_DetachItemFromObjectCaseSensitive(doc, key);
    cJSON_Delete(doc);
    if (!cJSON_IsObject(r->node))
        return kmsg_set(msg, K_ECORRUPT, "alipay: %s: the answer's node is no object", method);
    ap_json_copy(r->node, "code", r->code, sizeof r->code);
    ap_json_copy(r->node, "sub_code", r->sub_code, sizeof r->sub_code);
    ap_json_copy(r->node, "sub_msg", r->sub_msg, sizeof r->sub_msg);
    if (!r->sub_msg[0])
        ap_json_copy(r->node, "msg", r->sub_msg, sizeof r->sub_msg);
    return K_OK;
}

kerr_t ap_call(const ap_ctx_t *c, const char *method, const char *biz, const char *notify_url, ap_reply_t *r,
               kmsg_t *msg)
{
    memset(r, 0, sizeof *r);
    ap_params_t ps;
    kerr_t rc = ap_request(c, method, biz, notify_url, NULL, &ps, msg);
    if (rc != K_OK)
        return rc;
    char *query = join_encoded(&ps, false), *body = join_encoded(&ps, true);
    char *url = query ? malloc(strlen(c->cfg.gateway) + strlen(query) + 2) : NULL;
    if (url)
        sprintf(url, "%s%s%s", c->cfg.gateway, strchr(c->cfg.gateway, '?') ? "&" : "?", query);
    buf_t b = {0};
    rc = url && body ? http_send(c, url, body, &b, msg) : kmsg_set(msg, K_EIO, "alipay: out of memory");
    free(query);
    free(body);
    free(url);
    ap_params_free(&ps);
    if (rc == K_OK)
        rc = b.p ? read_answer(c, method, b.p, b.n, r, msg) : kmsg_set(msg, K_EIO, "alipay: %s: empty answer", method);
    free(b.p);
    return rc;
}

kerr_t ap_call_obj(const ap_ctx_t *c, const char *method, cJSON *biz, ap_reply_t *r, kmsg_t *msg)
{
    char *text = biz ? cJSON_PrintUnformatted(biz) : NULL;
    cJSON_Delete(biz);
    memset(r, 0, sizeof *r);
    kerr_t rc = text ? ap_call(c, method, text, NULL, r, msg) : kmsg_set(msg, K_EIO, "alipay: out of memory");
    free(text);
    return rc;
}

kerr_t ap_refused(const ap_reply_t *r, const char *what, char *code, size_t code_len, char *text, size_t text_len,
                  kmsg_t *msg)
{
    const char *c = r->sub_code[0] ? r->sub_code : r->code;
    if (code)
        snprintf(code, code_len, "%s", c);
    if (text)
        snprintf(text, text_len, "%s", r->sub_msg);
    return kmsg_set(msg, K_EDENIED, "alipay: %s refused: %s %s (%s)", what, r->code, c, r->sub_msg);
}
