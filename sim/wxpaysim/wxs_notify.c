/* wxpaysim's payments and notifications: a phone's payment, and each
 * notification (encrypted resource, signed body) posted to notify_url
 * until it is acknowledged with 200 or 204, a few times at most. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/wxpaysim/wxs.h"

#define RETRIES 5
#define RETRY_MS 500

const char *const wxs_fault_names[WXS_F_N] = {"timeout", "notify_duplicate", "notify_late", "notify_drop",
                                               "refund_fail", "refund_abnormal"};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool wxs_fault_take(wxs_t *s, wxs_fault_t f)
{
    if (s->fault_times[f] <= 0)
        return false;
    s->fault_times[f]--;
    return true;
}

bool wxs_pay(wxs_t *s, wxs_order_t *o, const char **why)
{
    int64_t now = time(NULL);
    if (strcmp(o->state, "NOTPAY") == 0 && now >= o->expire)
        snprintf(o->state, sizeof o->state, "CLOSED");
    if (strcmp(o->state, "NOTPAY") != 0) {
        *why = strcmp(o->state, "CLOSED") == 0 ? "the order is closed" : "the order is paid already";
        return false;
    }
    static unsigned seq;
    snprintf(o->transaction_id, sizeof o->transaction_id, "42000%015lld%08u", (long long)now, ++seq);
    snprintf(o->state, sizeof o->state, "SUCCESS");
    o->paid_at = now;
    cJSON *j = wxs_order_json(s, o);
    char *plain = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (plain)
        wxs_notify(s, o->notify_url, "TRANSACTION.SUCCESS", "支付成功", "transaction", plain);
    free(plain);
    return true;
}

static void queue(wxs_t *s, const char *url, const char *body, int64_t due)
{
    wxs_note_t *g = realloc(s->notes, (s->n_notes + 1) * sizeof *g);
    if (!g)
        return;
    s->notes = g;
    wxs_note_t *n = &s->notes[s->n_notes++];
    *n = (wxs_note_t){.body = strdup(body), .due_ms = due};
    snprintf(n->url, sizeof n->url, "%s", url);
}

void wxs_notify(wxs_t *s, const char *url, const char *event, const char *summary, const char *original_type,
                const char *plain)
{
    char nonce[13], id[37], t[40];
    wxs_random(nonce, 12);
    wxs_random(id, 36);
    char *ct = wxs_seal(s->apiv3, nonce, original_type, plain);
    if (!ct || wxs_fault_take(s, WXS_F_NOTIFY_DROP)) {
        free(ct);
        return;
    }
    cJSON *j = cJSON_CreateObject(), *r;
    cJSON_AddStringToObject(j, "id", id);
    wxs_time(time(NULL), t, sizeof t);
    cJSON_AddStringToObject(j, "create_time", t);
    cJSON_AddStringToObject(j, "resource_type", "encrypt-resource");
    cJSON_AddStringToObject(j, "event_type", event);
    cJSON_AddStringToObject(j, "summary", summary);
    r = cJSON_AddObjectToObject(j, "resource");
    cJSON_AddStringToObject(r, "original_type", original_type);
    cJSON_AddStringToObject(r, "algorithm", "AEAD_AES_256_GCM");
    cJSON_AddStringToObject(r, "ciphertext", ct);
    cJSON_AddStringToObject(r, "associated_data", original_type);
    cJSON_AddStringToObject(r, "nonce", nonce);
    char *body = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    free(ct);
    int64_t due = now_ms();
    if (wxs_fault_take(s, WXS_F_NOTIFY_LATE))
        due += s->fault_ms[WXS_F_NOTIFY_LATE];
    if (body) {
        queue(s, url, body, due);
        if (wxs_fault_take(s, WXS_F_NOTIFY_DUP))
            queue(s, url, body, due + 100);
    }
    free(body);
}

static size_t discard(char *d, size_t size, size_t n, void *arg)
{
    (void)d, (void)arg;
    return size * n;
}

/* Posts one notification, signed now; its HTTP status (0: no answer). */
static long post(wxs_t *s, const wxs_note_t *n)
{
    char ts[24], nonce[33], line[1200];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    wxs_random(nonce, 32);
    size_t len = strlen(ts) + strlen(nonce) + strlen(n->body) + 4;
    char *text = malloc(len);
    if (!text)
        return 0;
    snprintf(text, len, "%s\n%s\n%s\n", ts, nonce, n->body);
    char *sig = wxs_sign(s->platform, text, strlen(text));
    free(text);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    long status = 0;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, (snprintf(line, sizeof line, "Wechatpay-Timestamp: %s", ts), line));
    h = curl_slist_append(h, (snprintf(line, sizeof line, "Wechatpay-Nonce: %s", nonce), line));
    h = curl_slist_append(h, (snprintf(line, sizeof line, "Wechatpay-Signature: %s", sig ? sig : ""), line));
    h = curl_slist_append(h, (snprintf(line, sizeof line, "Wechatpay-Serial: %s", s->platform_serial), line));
    h = curl_slist_append(h, "Wechatpay-Signature-Type: WECHATPAY2-SHA256-RSA2048");
    if (c && sig) {
        curl_easy_setopt(c, CURLOPT_URL, n->url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, n->body);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        if (curl_easy_perform(c) == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(sig);
    return status;
}

/* Records one attempt (s->lock held). */
static void record(wxs_t *s, const wxs_note_t *n, long status)
{
    cJSON *j = cJSON_Parse(n->body), *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "id", cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
    cJSON_AddStringToObject(d, "event_type", cJSON_GetStringValue(cJSON_GetObjectItem(j, "event_type")));
    cJSON_AddNumberToObject(d, "status", (double)status);
    cJSON_AddItemToArray(s->deliveries, d);
    cJSON_Delete(j);
}

/* Takes the first due notification out of the queue (s->lock held). */
static bool take_due(wxs_t *s, wxs_note_t *out)
{
    int64_t now = now_ms();
    for (size_t i = 0; i < s->n_notes; i++)
        if (s->notes[i].due_ms <= now) {
            *out = s->notes[i];
            memmove(&s->notes[i], &s->notes[i + 1], (s->n_notes - i - 1) * sizeof *out);
            s->n_notes--;
            return true;
        }
    return false;
}

void *wxs_notifier(void *arg)
{
    wxs_t *s = arg;
    for (;;) {
        wxs_note_t n;
        pthread_mutex_lock(&s->lock);
        bool stop = s->stopping, due = !stop && take_due(s, &n);
        for (size_t i = 0; !stop && i < s->n_refunds; i++)
            wxs_refund_settle(s, &s->refunds[i], time(NULL));
        pthread_mutex_unlock(&s->lock);
        if (stop)
            return NULL;
        if (!due) {
            usleep(20 * 1000);
            continue;
        }
        long status = post(s, &n);
        pthread_mutex_lock(&s->lock);
        record(s, &n, status);
        if ((status == 200 || status == 204) || ++n.tries >= RETRIES) {
            free(n.body);
        } else {
            queue(s, n.url, n.body, now_ms() + RETRY_MS);
            s->notes[s->n_notes - 1].tries = n.tries;
            free(n.body);
        }
        pthread_mutex_unlock(&s->lock);
    }
}
