/* alipaysim's asynchronous notifications: a signed form POSTed to the
 * trade's notify_url until the answer's body is "success", the delay
 * doubling after each failure (Alipay's own schedule, scaled down). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "sim/alipaysim/alisim.h"

#define NOTE_ATTEMPTS 8

volatile int as_stop;

static void put_time(as_kv_t *kv, const char *k, int64_t ms)
{
    char when[20];
    if (!ms)
        return;
    as_time_text(ms, when);
    as_kv_put(kv, k, when);
}

/* The notification's form body, signed (sign_type kept out of the text). */
static char *note_body(alisim_t *s, const as_trade_t *t, const as_refund_t *r)
{
    as_kv_t kv = {0};
    char yuan[24], id[64];
    snprintf(id, sizeof id, "2026%016llx", (unsigned long long)++s->next_no * 7919u);
    put_time(&kv, "notify_time", as_now_ms());
    as_kv_put(&kv, "notify_type", "trade_status_sync");
    as_kv_put(&kv, "notify_id", id);
    as_kv_put(&kv, "app_id", s->app_id);
    as_kv_put(&kv, "charset", "utf-8");
    as_kv_put(&kv, "version", "1.0");
    as_kv_put(&kv, "trade_no", t->trade_no);
    as_kv_put(&kv, "out_trade_no", t->out_trade_no);
    as_kv_put(&kv, "buyer_id", "2088102177846880");
    as_kv_put(&kv, "trade_status", as_state_name(t->state));
    as_yuan(t->total, yuan);
    as_kv_put(&kv, "total_amount", yuan);
    as_kv_put(&kv, "receipt_amount", yuan);
    as_kv_put(&kv, "subject", t->subject);
    put_time(&kv, "gmt_create", t->created_ms);
    put_time(&kv, "gmt_payment", t->paid_ms);
    if (r) {
        as_yuan(t->refunded, yuan);
        as_kv_put(&kv, "refund_fee", yuan);
        as_kv_put(&kv, "out_biz_no", r->out_request_no);
        put_time(&kv, "gmt_refund", r->at_ms);
        put_time(&kv, "gmt_close", t->closed_ms);
    }
    char *text = as_signing_text(&kv, true);
    char *sig = text ? as_rsa_sign(s->ali_priv, text, strlen(text)) : NULL;
    as_kv_put(&kv, "sign_type", "RSA2");
    as_kv_put(&kv, "sign", sig ? sig : "");
    char *body = as_form_encode(&kv);
    free(text);
    free(sig);
    as_kv_clear(&kv);
    return body;
}

void as_notify_queue(alisim_t *s, const as_trade_t *t, const as_refund_t *r)
{
    if (!t->notify_url[0])
        return;
    for (int i = 0; i < ALISIM_NOTES; i++) {
        as_note_t *n = &s->notes[i];
        if (n->used)
            continue;
        n->body = note_body(s, t, r);
        if (!n->body)
            return;
        n->used = true;
        snprintf(n->url, sizeof n->url, "%s", t->notify_url);
        snprintf(n->out_trade_no, sizeof n->out_trade_no, "%s", t->out_trade_no);
        n->attempts = 0;
        n->copies = s->faults.dup_notify ? 1 : 0;
        s->faults.dup_notify = false;
        n->due_ms = as_now_ms() + s->faults.late_ms;
        return;
    }
    LOG_W(ALISIM_LOG, "notification table full: %s not notified", t->out_trade_no);
}

typedef struct answer {
    char text[64];
    size_t n;
} answer_t;

static size_t on_answer(char *p, size_t size, size_t n, void *arg)
{
    answer_t *a = arg;
    size_t add = size * n, room = sizeof a->text - 1 - a->n;
    memcpy(a->text + a->n, p, add < room ? add : room);
    a->n += add < room ? add : room;
    a->text[a->n] = '\0';
    return add;
}

/* Posts one notification; true if the merchant answered "success". */
static bool post(const char *url, const char *body)
{
    CURL *h = curl_easy_init();
    answer_t a = {.n = 0};
    if (!h)
        return false;
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_answer);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    char *t = a.text;
    while (*t == ' ' || *t == '\r' || *t == '\n')
        t++;
    return rc == CURLE_OK && strncmp(t, "success", 7) == 0 && strspn(t + 7, " \r\n") == strlen(t + 7);
}

/* Takes one due notification's copy out (under the lock); -1 if none. */
static int take_due(alisim_t *s, char *url, size_t url_len, char **body)
{
    int64_t now = as_now_ms();
    for (int i = 0; i < ALISIM_NOTES; i++)
        if (s->notes[i].used && s->notes[i].due_ms <= now) {
            snprintf(url, url_len, "%s", s->notes[i].url);
            *body = strdup(s->notes[i].body);
            return *body ? i : -1;
        }
    return -1;
}

static void settle(alisim_t *s, int i, bool ok)
{
    as_note_t *n = &s->notes[i];
    as_trade_t *t = as_trade_find(s, n->out_trade_no);
    if (ok && t)
        t->notified++;
    if (ok && n->copies > 0) {
        n->copies--;
        n->due_ms = as_now_ms() + s->retry_ms;
        return;
    }
    if (ok || ++n->attempts >= NOTE_ATTEMPTS) {
        LOG_I(ALISIM_LOG, "%s: notification %s", n->out_trade_no, ok ? "acknowledged" : "given up");
        free(n->body);
        memset(n, 0, sizeof *n);
        return;
    }
    n->due_ms = as_now_ms() + (s->retry_ms << (n->attempts - 1));
}

void *as_notify_thread(void *arg)
{
    alisim_t *s = arg;
    while (!as_stop) {
        char url[512], *body = NULL;
        pthread_mutex_lock(&s->mu);
        int i = take_due(s, url, sizeof url, &body);
        pthread_mutex_unlock(&s->mu);
        if (i < 0) {
            usleep(20000);
            continue;
        }
        bool ok = post(url, body);
        free(body);
        pthread_mutex_lock(&s->mu);
        settle(s, i, ok);
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}
