/* One HTTP exchange with the back office on libcurl (sync_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "sync/sync_int.h"

/* A response body growing as libcurl hands it over (capped). */
typedef struct body {
    char *text;
    size_t n;
} body_t;

#define BODY_MAX (4 << 20)

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    body_t *b = ctx;
    size_t add = size * n;
    if (b->n + add > BODY_MAX)
        return 0; /* too large: the transfer fails */
    char *grown = realloc(b->text, b->n + add + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->n, p, add);
    b->n += add;
    grown[b->n] = '\0';
    b->text = grown;
    return add;
}

/* Keeps the ETag header's value. */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    sync_answer_t *a = ctx;
    size_t len = size * n;
    if (len > 5 && strncasecmp(p, "ETag:", 5) == 0) {
        size_t from = 5, to = len;
        while (from < to && (p[from] == ' ' || p[from] == '\t'))
            from++;
        while (to > from && (p[to - 1] == '\r' || p[to - 1] == '\n' || p[to - 1] == ' '))
            to--;
        snprintf(a->etag, sizeof a->etag, "%.*s", (int)(to - from), p + from);
    }
    return len;
}

typedef struct abort_ctx {
    sync_abort_fn fn;
    void *ctx;
    bool fired;
} abort_ctx_t;

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    abort_ctx_t *a = ctx;
    if (a->fn && a->fn(a->ctx))
        a->fired = true;
    return a->fired;
}

static void set_tls(CURL *h, const kiosk_config_t *cfg)
{
    curl_easy_setopt(h, CURLOPT_CAINFO, cfg->sync_ca_file); /* the pinned CA, never the system store */
    curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    if (cfg->sync_cert_file[0]) { /* none while enrolling: the code stands for the kiosk then */
        curl_easy_setopt(h, CURLOPT_SSLCERT, cfg->sync_cert_file);
        curl_easy_setopt(h, CURLOPT_SSLKEY, cfg->sync_key_file);
    }
}

static struct curl_slist *headers(const char *body, const char *if_none_match, const char *signature)
{
    /* a body is JSON; a POST without one says no type (libcurl would say a form) */
    struct curl_slist *h = curl_slist_append(NULL, body ? "Content-Type: application/json" : "Content-Type:");
    char line[200];
    if (if_none_match && if_none_match[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", if_none_match);
        h = curl_slist_append(h, line);
    }
    if (signature) {
        snprintf(line, sizeof line, "X-Kiosk-Signature: %s", signature);
        h = curl_slist_append(h, line);
    }
    return h;
}

/* The answer's body as JSON, and its error code if it is an error. */
static void read_body(sync_answer_t *a, body_t *b)
{
    a->json = b->text ? cJSON_Parse(b->text) : NULL;
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(a->json, "error"), "code"));
    if (code)
        snprintf(a->code, sizeof a->code, "%s", code);
    a->text = b->text;
    a->len = b->n;
}

/* The extras a request may carry. */
typedef struct req_opts {
    long timeout_ms;
    sync_abort_fn abort;
    void *abort_ctx;
    const char *if_none_match, *signature;
} req_opts_t;

static kerr_t exchange(sync_client_t *c, const char *method, const char *path, const char *body, const req_opts_t *o,
                       sync_answer_t *a, kmsg_t *msg)
{
    long timeout_ms = o->timeout_ms;
    sync_abort_fn abort = o->abort;
    void *abort_ctx = o->abort_ctx;
    memset(a, 0, sizeof *a);
    char url[512];
    snprintf(url, sizeof url, "%s%s", c->cfg->sync_url, path);
    CURL *h = c->curl;
    curl_easy_reset(h);
    struct curl_slist *hdr = headers(body, o->if_none_match, o->signature);
    body_t b = {0};
    abort_ctx_t ab = {abort, abort_ctx, false};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    if (body)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    else if (strcmp(method, "POST") == 0)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : (long)c->cfg->sync_timeout_ms);
    if (abort) {
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &ab);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    if (strncmp(url, "https://", 8) == 0)
        set_tls(h, c->cfg);
    CURLcode cc = curl_easy_perform(h);
    curl_slist_free_all(hdr);
    if (cc != CURLE_OK) {
        free(b.text);
        a->aborted = ab.fired;
        a->unreachable = cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST;
        return kmsg_set(msg, K_ETIMEOUT, "the back office did not answer (%s)",
                        ab.fired ? "abandoned" : curl_easy_strerror(cc));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
    read_body(a, &b);
    LOG_D("sync", "%s %s: %ld", method, path, a->status);
    return K_OK;
}

kerr_t sync__request(sync_client_t *c, const char *method, const char *path, const char *body, long timeout_ms,
                     sync_abort_fn abort, void *abort_ctx, const char *if_none_match, sync_answer_t *a, kmsg_t *msg)
{
    req_opts_t o = {timeout_ms, abort, abort_ctx, if_none_match, NULL};
    return exchange(c, method, path, body, &o, a, msg);
}

kerr_t sync__post_signed(sync_client_t *c, const char *path, const char *body, const char *signature,
                         sync_answer_t *a, kmsg_t *msg)
{
    req_opts_t o = {.signature = signature};
    return exchange(c, "POST", path, body, &o, a, msg);
}

void sync__quote(const char *text, size_t len, char *out, size_t out_len)
{
    size_t n = 0;
    for (size_t i = 0; text && i < len && n + 4 < out_len && i < SYNC_QUOTE_MAX; i++) {
        unsigned char ch = (unsigned char)text[i];
        out[n++] = ch >= 0x20 && ch < 0x7f && ch != '\'' ? (char)ch : '?';
    }
    if (text && len > SYNC_QUOTE_MAX && n + 4 < out_len)
        out[n++] = '.', out[n++] = '.', out[n++] = '.';
    out[n] = '\0';
}

void sync__answer_free(sync_answer_t *a)
{
    cJSON_Delete(a->json);
    free(a->text);
    a->json = NULL;
    a->text = NULL;
}

kerr_t sync__refused(const sync_answer_t *a, kmsg_t *msg)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(a->json, "error"), "message"));
    if (text || a->json || !a->text)
        return kmsg_set(msg, K_EDEVICE, "the back office answered %ld: %s", a->status, text ? text : "(no message)");
    char quoted[SYNC_QUOTE_MAX + 8];
    sync__quote(a->text, a->len, quoted, sizeof quoted);
    return kmsg_set(msg, K_EDEVICE, "the back office answered %ld, not JSON: '%s'", a->status, quoted);
}

void sync__note(sync_client_t *c, ledger_t *l, bool ok, const char *why)
{
    kmsg_t note = {""};
    if (l && !(ok && c && c->upload_failed))
        ledger_sync_note(l, ok, why, &note);
}

bool sync__int(const cJSON *o, const char *name, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v) || v->valuedouble > 9007199254740992.0 || v->valuedouble < -9007199254740992.0)
        return false;
    int64_t i = (int64_t)v->valuedouble;
    if ((double)i != v->valuedouble)
        return false;
    *out = i;
    return true;
}

bool sync__str(const cJSON *o, const char *name, char *dst, size_t len)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    if (!s || strlen(s) >= len)
        return false;
    memcpy(dst, s, strlen(s) + 1);
    return true;
}
