/* WeChat Pay's signed HTTP calls (libcurl): the Authorization header, the
 * answer's signature headers kept and checked. */
#include <curl/curl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backoffice/pay/bo_wx_int.h"
#include "base/version.h"

#define MAX_ANSWER ((size_t)16 << 20)

kerr_t bo_wx_authorization(bo_wx_t *wx, const char *method, const char *path, const char *body, char *out,
                           size_t size, kmsg_t *msg)
{
    unsigned char rnd[16];
    char nonce[33], ts[24], sig[512];
    if (RAND_bytes(rnd, sizeof rnd) != 1)
        return kmsg_set(msg, K_EIO, "no random bytes for the request's nonce");
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(nonce + 2 * i, 3, "%02X", rnd[i]);
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    size_t len = strlen(method) + strlen(path) + strlen(ts) + strlen(nonce) + (body ? strlen(body) : 0) + 6;
    char *text = malloc(len);
    if (!text)
        return kmsg_set(msg, K_EIO, "out of memory");
    snprintf(text, len, "%s\n%s\n%s\n%s\n%s\n", method, path, ts, nonce, body ? body : "");
    kerr_t rc = bo_wx_sign(wx->merchant, text, strlen(text), sig, sizeof sig, msg);
    free(text);
    if (rc == K_OK)
        snprintf(out, size,
                 "WECHATPAY2-SHA256-RSA2048 mchid=\"%s\",nonce_str=\"%s\",timestamp=\"%s\",serial_no=\"%s\","
                 "signature=\"%s\"",
                 wx->cfg.mchid, nonce, ts, wx->cfg.cert_serial, sig);
    return rc;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    bo_wx_resp_t *r = arg;
    size_t add = size * n;
    if (r->len + add > MAX_ANSWER)
        return 0;
    char *b = realloc(r->body, r->len + add + 1);
    if (!b)
        return 0;
    memcpy(b + r->len, data, add);
    r->len += add;
    b[r->len] = '\0';
    r->body = b;
    return add;
}

/* Keeps the value of header line `line` if it is `name` (trimmed). */
static void keep(const char *line, size_t len, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    size_t vl = len - nl - 1;
    while (vl && (*v == ' ' || *v == '\t'))
        v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
        vl--;
    snprintf(out, size, "%.*s", (int)(vl < size ? vl : size - 1), v);
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    bo_wx_resp_t *r = arg;
    size_t len = size * n;
    keep(data, len, "Wechatpay-Timestamp", r->timestamp, sizeof r->timestamp);
    keep(data, len, "Wechatpay-Nonce", r->nonce, sizeof r->nonce);
    keep(data, len, "Wechatpay-Signature", r->signature, sizeof r->signature);
    keep(data, len, "Wechatpay-Serial", r->serial, sizeof r->serial);
    return len;
}

/* Sends one request to url with the Authorization auth. */
static kerr_t send_once(bo_wx_t *wx, const char *method, const char *url, const char *auth, const char *body,
                   bo_wx_resp_t *r, kmsg_t *msg)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char line[1200];
    if (!c)
        return kmsg_set(msg, K_EIO, "out of memory");
    snprintf(line, sizeof line, "Authorization: %s", auth);
    h = curl_slist_append(h, line);
    h = curl_slist_append(h, "Accept: application/json");
    h = curl_slist_append(h, "User-Agent: kiosk-backoffice/" KIOSK_VERSION);
    if (body)
        h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)wx->cfg.timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (wx->cfg.ca_file[0])
        curl_easy_setopt(c, CURLOPT_CAINFO, wx->cfg.ca_file);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (cc != CURLE_OK)
        return kmsg_set(msg, cc == CURLE_OPERATION_TIMEDOUT ? K_ETIMEOUT : K_EIO, "WeChat Pay %s %s: %s", method,
                        url, curl_easy_strerror(cc));
    if (!r->body && !(r->body = calloc(1, 1)))
        return kmsg_set(msg, K_EIO, "out of memory");
    return K_OK;
}

kerr_t bo_wx_call(bo_wx_t *wx, const char *method, const char *path, const char *body, bo_wx_resp_t *r, kmsg_t *msg)
{
    char auth[1100], url[1024];
    *r = (bo_wx_resp_t){0};
    snprintf(url, sizeof url, "%s%s", wx->cfg.base_url, path);
    kerr_t rc = bo_wx_authorization(wx, method, path, body, auth, sizeof auth, msg);
    if (rc == K_OK)
        rc = send_once(wx, method, url, auth, body, r, msg);
    if (rc == K_OK && r->status >= 500 && !r->signature[0]) /* not WeChat Pay's own answer: a proxy's */
        return kmsg_set(msg, K_EIO, "WeChat Pay answered %s %s with HTTP %ld", method, path, r->status);
    if (rc == K_OK && !r->signature[0])
        rc = kmsg_set(msg, K_ECORRUPT, "WeChat Pay's answer to %s %s (HTTP %ld) is not signed", method, path,
                      r->status);
    if (rc == K_OK)
        rc = bo_wx_verify(wx, r->serial, r->timestamp, r->nonce, r->body, r->len, r->signature, msg);
    if (rc == K_ECORRUPT)
        kmsg_prefix(msg, "WeChat Pay's answer to %s %s: ", method, path);
    return rc;
}

kerr_t bo_wx_fetch(bo_wx_t *wx, const char *url, bo_wx_resp_t *r, kmsg_t *msg)
{
    char auth[1100];
    *r = (bo_wx_resp_t){0};
    const char *path = strstr(url, "://");
    path = path ? strchr(path + 3, '/') : NULL;
    if (!path)
        return kmsg_set(msg, K_ECORRUPT, "WeChat Pay gave a download address without a path");
    kerr_t rc = bo_wx_authorization(wx, "GET", path, NULL, auth, sizeof auth, msg);
    if (rc == K_OK)
        rc = send_once(wx, "GET", url, auth, NULL, r, msg);
    if (rc == K_OK && r->status != 200)
        rc = kmsg_set(msg, r->status >= 500 ? K_EIO : K_EDENIED, "downloading the bill: HTTP %ld", r->status);
    return rc;
}

kerr_t bo_wx_refused(const bo_wx_resp_t *r, char *code, size_t code_len, char *text, size_t text_len, kmsg_t *msg)
{
    cJSON *j = cJSON_ParseWithLength(r->body, r->len);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "code");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    snprintf(code, code_len, "%s", cJSON_IsString(c) ? c->valuestring : "");
    snprintf(text, text_len, "%s", cJSON_IsString(m) ? m->valuestring : "");
    cJSON_Delete(j);
    return kmsg_set(msg, r->status >= 500 ? K_EIO : K_EDENIED, "WeChat Pay refused (HTTP %ld): %s %s", r->status,
                    code, text);
}

void bo_wx_resp_free(bo_wx_resp_t *r)
{
    free(r->body);
    r->body = NULL;
}
