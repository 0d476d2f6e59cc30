/* The webhook channel (bo_ch_webhook.h): libcurl for HTTP, libsodium's
 * HMAC-SHA256 for the signature. */
#include "backoffice/notify/bo_ch_webhook.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct webhook {
    CURL *curl;
    char url[256];
    char secret[128];
    long timeout_s;
} webhook_t;

void bo_webhook_sign(const char *secret, int64_t ts, const char *body, size_t len, char out[72])
{
    uint8_t mac[crypto_auth_hmacsha256_BYTES];
    char prefix[24];
    int n = snprintf(prefix, sizeof prefix, "%lld.", (long long)ts);
    crypto_auth_hmacsha256_state s;
    crypto_auth_hmacsha256_init(&s, (const uint8_t *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&s, (const uint8_t *)prefix, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&s, (const uint8_t *)body, len);
    crypto_auth_hmacsha256_final(&s, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof mac);
}

bo_send_outcome_t bo_webhook_outcome(long status)
{
    if (status >= 200 && status < 300)
        return BO_SEND_OK;
    if (status == 0 || status == 408 || status == 429 || status >= 500 || status < 200)
        return BO_SEND_RETRY;
    return BO_SEND_REJECTED;
}

/* The answer's body is not kept. */
static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p, (void)arg;
    return size * n;
}

static struct curl_slist *headers(const webhook_t *w, const bo_notice_msg_t *m, size_t len)
{
    char sig[72], line[200];
    int64_t ts = (int64_t)time(NULL);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    bo_webhook_sign(w->secret, ts, m->json, len, sig);
    snprintf(line, sizeof line, "X-Notice-Key: %s", m->key);
    h = h ? curl_slist_append(h, line) : NULL;
    snprintf(line, sizeof line, "X-Notice-Timestamp: %lld", (long long)ts);
    h = h ? curl_slist_append(h, line) : NULL;
    snprintf(line, sizeof line, "X-Notice-Signature: %s", sig);
    return h ? curl_slist_append(h, line) : NULL;
}

static bo_send_outcome_t send_json(void *ctx, const bo_notice_msg_t *m, char provider_id[72], kmsg_t *msg)
{
    webhook_t *w = ctx;
    size_t len = strlen(m->json);
    long status = 0;
    struct curl_slist *h = headers(w, m, len);
    if (!h) {
        kmsg_set(msg, K_EIO, "out of memory");
        return BO_SEND_RETRY;
    }
    curl_easy_reset(w->curl);
    curl_easy_setopt(w->curl, CURLOPT_URL, w->url);
    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, m->json);
    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(w->curl, CURLOPT_TIMEOUT, w->timeout_s);
    curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode cc = curl_easy_perform(w->curl);
    curl_slist_free_all(h);
    if (cc == CURLE_OK)
        curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
    bo_send_outcome_t o = bo_webhook_outcome(cc == CURLE_OK ? status : 0);
    if (cc != CURLE_OK)
        kmsg_set(msg, K_EIO, "the webhook did not answer: %s", curl_easy_strerror(cc));
    else if (o != BO_SEND_OK)
        kmsg_set(msg, K_EIO, "the webhook answered HTTP %ld", status);
    snprintf(provider_id, 72, "%s", o == BO_SEND_OK ? m->key : "");
    return o;
}

static void close_webhook(void *ctx)
{
    webhook_t *w = ctx;
    curl_easy_cleanup(w->curl);
    sodium_memzero(w->secret, sizeof w->secret);
    free(w);
}

static const bo_channel_ops_t ops = {
    .kind = BO_CH_WEBHOOK,
    .send = send_json,
    .reports = NULL,
    .close = close_webhook,
};

kerr_t bo_ch_webhook_open(const char *url, const char *secret, int64_t timeout_s, bo_channel_t *out, kmsg_t *msg)
{
    webhook_t *w = calloc(1, sizeof *w);
    if (!w || sodium_init() < 0 || !(w->curl = curl_easy_init())) {
        free(w);
        return kmsg_set(msg, K_EIO, "the webhook channel could not start (out of memory?)");
    }
    snprintf(w->url, sizeof w->url, "%s", url);
    snprintf(w->secret, sizeof w->secret, "%s", secret);
    w->timeout_s = (long)timeout_s;
    *out = (bo_channel_t){&ops, w};
    return K_OK;
}
