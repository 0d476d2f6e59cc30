/* wxpaysim: WeChat Pay API v3 for tests and demos (docs/sim/wxpaysim.md):
 * the merchant endpoints (Native and H5 orders, query, close, refunds, the
 * trade bill), answers signed with the platform key, notifications signed
 * and encrypted and posted to each order's notify_url, a phone's payment
 * on demand, and faults. Its own codec (wxs_codec.c), written from the
 * documentation and shared with no client. */
#ifndef SIM_WXPAYSIM_WXS_H
#define SIM_WXPAYSIM_WXS_H

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the codec ---- */

/* Base64 of data (malloc'd). */
char *wxs_b64(const unsigned char *data, size_t len);

/* SHA256withRSA of text with key, base64 (malloc'd); NULL on failure. */
char *wxs_sign(EVP_PKEY *key, const char *text, size_t len);

/* Whether base64 sig is key's SHA256withRSA of text. */
bool wxs_verify(EVP_PKEY *key, const char *text, size_t len, const char *sig);

/* AES-256-GCM of plain under key with nonce (12 bytes) and aad: base64 of
 * ciphertext then tag (malloc'd). */
char *wxs_seal(const unsigned char key[32], const char *nonce, const char *aad, const char *plain);

/* Reads a PEM private key, or a public key / certificate's public key. */
EVP_PKEY *wxs_read_key(const char *path, bool private_key);

/* n random characters from [0-9A-Za-z] into out (n + 1 bytes). */
void wxs_random(char *out, size_t n);

/* The fields of a WECHATPAY2-SHA256-RSA2048 Authorization header. */
typedef struct wxs_auth {
    char mchid[40], nonce[80], timestamp[24], serial[80], signature[600];
} wxs_auth_t;

/* Parses an Authorization header; false if it is not of that scheme. */
bool wxs_auth_parse(const char *header, wxs_auth_t *a);

/* RFC 3339 in +08:00 of unix seconds. */
void wxs_time(int64_t s, char *out, size_t size);

/* Parses RFC 3339 with an offset into unix seconds. */
bool wxs_time_parse(const char *text, int64_t *s);

/* ---- the state ---- */

typedef enum wxs_fault {
    WXS_F_TIMEOUT,         /* the next answers come after ms */
    WXS_F_NOTIFY_DUP,      /* the next notifications are sent twice */
    WXS_F_NOTIFY_LATE,     /* the next notifications are sent after ms */
    WXS_F_NOTIFY_DROP,     /* the next notifications are never sent */
    WXS_F_REFUND_FAIL,     /* the next refunds answer 500 SYSTEM_ERROR, refunding nothing */
    WXS_F_REFUND_ABNORMAL, /* the next refunds end ABNORMAL */
    WXS_F_N
} wxs_fault_t;

extern const char *const wxs_fault_names[WXS_F_N];

typedef struct wxs_order {
    char out_trade_no[33], transaction_id[33], code[16], trade_type[8], state[12];
    char description[128], notify_url[256];
    int64_t total, refunded, created, expire, paid_at; /* unix seconds */
} wxs_order_t;

typedef struct wxs_refund {
    char out_refund_no[65], refund_id[33], out_trade_no[33], status[12];
    int64_t amount, total, created, done_at;
    bool abnormal;
} wxs_refund_t;

typedef struct wxs_note {
    char url[256];
    char *body; /* the notification's JSON */
    int64_t due_ms;
    int tries;
} wxs_note_t;

typedef struct wxs {
    pthread_mutex_t lock;
    char mchid[40], appid[40], merchant_serial[80], platform_serial[80], public_url[200];
    EVP_PKEY *merchant, *platform;
    unsigned char apiv3[32];
    wxs_order_t *orders;
    size_t n_orders;
    wxs_refund_t *refunds;
    size_t n_refunds;
    wxs_note_t *notes;
    size_t n_notes;
    int fault_times[WXS_F_N];
    int64_t fault_ms[WXS_F_N];
    cJSON *requests;      /* each request received: method, uri, authorization, body, verified */
    cJSON *deliveries;    /* each notification attempt: id, event, status */
    bool stopping;
} wxs_t;

/* An answer: status, JSON body (malloc'd text, may be empty), content type. */
typedef struct wxs_answer {
    unsigned status;
    char *body;
    const char *type;
    bool sign;
} wxs_answer_t;

/* Answers an API request (method, raw uri, body) whose Authorization was
 * checked (verified false: answer 401). Takes s->lock itself. */
void wxs_api(wxs_t *s, const char *method, const char *uri, const char *body, bool verified, wxs_answer_t *a);

/* Answers a control request under /sim/. */
void wxs_control(wxs_t *s, const char *method, const char *uri, const char *body, wxs_answer_t *a);

/* Pays order o now as a phone would (s->lock held); false if it cannot
 * be paid (closed, expired, paid). */
bool wxs_pay(wxs_t *s, wxs_order_t *o, const char **why);

/* Queues a notification of event with resource plain (s->lock held),
 * applying the notification faults. */
void wxs_notify(wxs_t *s, const char *url, const char *event, const char *summary, const char *original_type,
                const char *plain);

/* Runs the notification sender until s->stopping. */
void *wxs_notifier(void *arg);

/* An error answer {code, message}. */
void wxs_error(wxs_answer_t *a, unsigned status, const char *code, const char *message);

/* A JSON answer of j (freed). */
void wxs_json(wxs_answer_t *a, unsigned status, cJSON *j);

/* The order of out_trade_no, or NULL (s->lock held). */
wxs_order_t *wxs_order(wxs_t *s, const char *out_trade_no);

/* The transaction's JSON as the query and the notification give it. */
cJSON *wxs_order_json(const wxs_t *s, const wxs_order_t *o);

/* The refund's JSON as the API and the notification give it. */
cJSON *wxs_refund_json(const wxs_refund_t *r);

/* Settles refund r if its time came (s->lock held): SUCCESS or ABNORMAL, notified. */
void wxs_refund_settle(wxs_t *s, wxs_refund_t *r, int64_t now);

/* Takes one from the fault's count; true if it applies. */
bool wxs_fault_take(wxs_t *s, wxs_fault_t f);

/* The refund endpoints (wxs_refund.c): POST a refund, GET one. */
void wxs_refund_post(wxs_t *s, const cJSON *j, wxs_answer_t *a);
void wxs_refund_get(wxs_t *s, const char *no, wxs_answer_t *a);

/* The bill endpoints (wxs_bill.c): its address and hash, and the file. */
void wxs_bill(wxs_t *s, const char *uri, wxs_answer_t *a);
void wxs_bill_file(wxs_t *s, const char *uri, wxs_answer_t *a);

#endif
