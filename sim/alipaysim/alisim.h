/* alipaysim: Alipay's open API gateway for tests and demos
 * (docs/sim/alipaysim.md): gateway.do with the trade methods and the
 * bill, answers signed with "Alipay's" key, asynchronous notifications
 * posted (and posted again) until the merchant answers success, trades
 * paid from the control port as a phone would, faults on demand. */
#ifndef SIM_ALIPAYSIM_ALISIM_H
#define SIM_ALIPAYSIM_ALISIM_H

#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALISIM_LOG "alipaysim"
#define ALISIM_TRADES 256
#define ALISIM_REFUNDS 4
#define ALISIM_NOTES 256

/* A trade's state: NEW is precreated but not scanned (Alipay has no such
 * trade yet); WAIT is scanned (or opened as a wap page), not paid. */
typedef enum as_state { AS_NEW, AS_WAIT, AS_SUCCESS, AS_CLOSED } as_state_t;

typedef struct as_refund {
    char out_request_no[65];
    int64_t amount, at_ms;
} as_refund_t;

typedef struct as_trade {
    bool used;
    char out_trade_no[65], trade_no[33], subject[129], notify_url[512];
    int64_t total, created_ms, paid_ms, closed_ms, refunded;
    int64_t expire_ms; /* time_expire, 0: none */
    as_state_t state;
    as_refund_t refunds[ALISIM_REFUNDS];
    int n_refunds;
    int notified; /* notifications acknowledged with success */
} as_trade_t;

/* A notification waiting to be posted. */
typedef struct as_note {
    bool used;
    char url[512], out_trade_no[65];
    char *body;
    int attempts, copies; /* copies: how many more times to send it after a success */
    int64_t due_ms;
} as_note_t;

/* Faults set from the control port. */
typedef struct as_faults {
    int stall;          /* the next N gateway calls answer after stall_ms */
    int64_t stall_ms;
    int refund_fail;    /* the next N refunds answer ACQ.SYSTEM_ERROR without refunding */
    bool dup_notify;    /* the next notification is sent twice */
    int64_t late_ms;    /* notifications wait this long before their first post */
} as_faults_t;

typedef struct alisim {
    pthread_mutex_t mu;
    char app_id[33];
    EVP_PKEY *app_pub;  /* verifies the merchant's requests */
    EVP_PKEY *ali_priv; /* signs answers and notifications */
    int http_port;
    int64_t retry_ms;   /* the notifications' first retry delay (doubling after) */
    uint64_t next_no;
    as_trade_t trades[ALISIM_TRADES];
    as_note_t notes[ALISIM_NOTES];
    as_faults_t faults;
} alisim_t;

/* ---- wire.c: the simulator's own codec (not the client's) ---- */

/* Name/value pairs from a query or form; values decoded and malloc'd. */
#define AS_KV_MAX 48
typedef struct as_kv {
    char *k[AS_KV_MAX], *v[AS_KV_MAX];
    int n;
} as_kv_t;

bool as_kv_put(as_kv_t *kv, const char *k, const char *v);
const char *as_kv_get(const as_kv_t *kv, const char *k);
void as_kv_clear(as_kv_t *kv);
/* Adds the pairs of a form body (k=v&..., %XX and '+' decoded). */
bool as_form_decode(as_kv_t *kv, const char *body, size_t len);
/* "k=v&..." of every pair but sign (and sign_type when drop), sorted. */
char *as_signing_text(const as_kv_t *kv, bool drop_sign_type);
/* The pairs as a form body, percent-encoded. */
char *as_form_encode(const as_kv_t *kv);
/* RSA-SHA256 in base64, both ways. */
char *as_rsa_sign(EVP_PKEY *k, const char *text, size_t len);
bool as_rsa_verify(EVP_PKEY *k, const char *text, size_t len, const char *b64);
EVP_PKEY *as_key_read(const char *path, bool priv);
/* Beijing time text "yyyy-MM-dd HH:mm:ss" and date "yyyy-MM-dd". */
void as_time_text(int64_t ms, char out[20]);
bool as_time_parse(const char *text, int64_t *ms);
/* Yuan text with 2 decimals; and back (false if not such a text). */
void as_yuan(int64_t fen, char out[24]);
bool as_fen(const char *text, int64_t *fen);
int64_t as_now_ms(void);

/* A JSON object written as the gateway writes it ('/' as "\/"). */
typedef struct as_json {
    char *p;
    size_t n, cap;
} as_json_t;
void as_json_str(as_json_t *j, const char *k, const char *v);
void as_json_raw(as_json_t *j, const char *k, const char *raw);
/* Closes the object and gives its text (malloc'd). */
char *as_json_end(as_json_t *j);

/* ---- trades.c: the methods ---- */

/* Answers method with biz (a parsed JSON object text); returns the node's
 * JSON text (malloc'd). Called with the lock held. */
char *as_method(alisim_t *s, const char *method, const char *biz, const as_kv_t *common);
/* The trade named out_trade_no, or NULL. */
as_trade_t *as_trade_find(alisim_t *s, const char *out_trade_no);
/* The buyer scans the code / pays: false with why if it cannot. */
bool as_scan(alisim_t *s, as_trade_t *t, const char **why);
bool as_pay(alisim_t *s, as_trade_t *t, const char **why);
const char *as_state_name(as_state_t st);

/* ---- notify.c ---- */

/* Queues the trade's notification (refund: refund_fee etc. included). */
void as_notify_queue(alisim_t *s, const as_trade_t *t, const as_refund_t *r);
/* The notifier thread: posts due notifications until stop is set. */
void *as_notify_thread(void *arg);
extern volatile int as_stop;

/* ---- bill.c ---- */

/* The day's bill (yyyy-MM-dd, Beijing) as a zip of GBK CSV files. */
unsigned char *as_bill_zip(alisim_t *s, const char *day, size_t *len);

/* ---- control.c ---- */

char *as_control(void *ctx, char *line);

/* ---- gateway.c ---- */

/* Serves gateway.do and /bill/ on addr:port; NULL on failure. */
struct MHD_Daemon *as_gateway_start(alisim_t *s, const char *addr, int port);

#endif
