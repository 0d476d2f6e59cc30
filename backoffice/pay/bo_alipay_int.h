/* Shared by the Alipay client's files (bo_alipay*.c), and by nothing
 * else: the context, the parameter lists, signing, the gateway call. */
#ifndef BACKOFFICE_PAY_BO_ALIPAY_INT_H
#define BACKOFFICE_PAY_BO_ALIPAY_INT_H

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "backoffice/pay/bo_alipay.h"

typedef struct ap_ctx {
    bo_alipay_cfg_t cfg;
    EVP_PKEY *priv; /* the app's private key: signs requests */
    EVP_PKEY *pub;  /* Alipay's public key: verifies answers and notifications */
} ap_ctx_t;

/* A request's or a notification's parameters, unsorted; values malloc'd. */
#define AP_PARAMS_MAX 40
typedef struct ap_params {
    struct {
        char key[40];
        char *val;
    } p[AP_PARAMS_MAX];
    int n;
} ap_params_t;

/* Adds key=val (copied); an empty or NULL value is left out, as Alipay's
 * signature leaves it out. False if the list is full or memory ran out. */
bool ap_params_add(ap_params_t *ps, const char *key, const char *val);

/* The value of key, or NULL. */
const char *ap_params_get(const ap_params_t *ps, const char *key);

/* Frees the values. */
void ap_params_free(ap_params_t *ps);

/* The text Alipay signs: every parameter but sign (and but sign_type when
 * drop_sign_type), sorted by key, "k=v" joined by '&', raw values;
 * malloc'd, NULL if out of memory. */
char *ap_sign_text(const ap_params_t *ps, bool drop_sign_type);

/* Signs text (SHA256withRSA) with the app's key into a malloc'd base64
 * string; NULL on failure. */
char *ap_sign(const ap_ctx_t *c, const char *text, size_t len);

/* Whether sig_b64 is Alipay's SHA256withRSA signature of data. */
bool ap_verify(const ap_ctx_t *c, const char *data, size_t len, const char *sig_b64);

/* Reads a key file (PEM, or Alipay's bare base64 of the DER): a private
 * key when priv, else a public key. NULL with msg on failure. */
EVP_PKEY *ap_key_load(const char *path, bool priv, kmsg_t *msg);

/* Percent-encodes s for a URL query or form body into a malloc'd string. */
char *ap_url_encode(const char *s);

/* Parses an application/x-www-form-urlencoded body into ps (values
 * decoded: %XX and '+'). False if it is malformed, names a key twice or
 * is too long. */
bool ap_form_parse(const char *body, size_t len, ap_params_t *ps);

/* Alipay's time text, "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8),
 * from and to ms since the epoch. */
void ap_time_text(int64_t ms, char out[20]);
bool ap_time_parse(const char *text, int64_t *ms);

/* The common parameters of a call (app_id, method, format, charset,
 * sign_type, timestamp, version, notify_url/return_url when given,
 * biz_content) and its sign, into ps. */
kerr_t ap_request(const ap_ctx_t *c, const char *method, const char *biz, const char *notify_url,
                  const char *return_url, ap_params_t *ps, kmsg_t *msg);

/* A call's answer: the verified node, parsed, and its codes. */
typedef struct ap_reply {
    cJSON *node;        /* the "<method>_response" (or error_response) object */
    char code[16];      /* "10000" on success */
    char sub_code[64];  /* the business code when it refused ("ACQ.TRADE_NOT_EXIST") */
    char sub_msg[256];
} ap_reply_t;

/* Calls method with biz (a JSON object text) at the gateway and verifies
 * the answer over the raw text of its node. K_OK with r filled (code may
 * say it refused: see ap_refused), K_EIO when the gateway could not be
 * reached or gave no usable answer, K_ECORRUPT when the signature failed.
 * The caller frees r->node with cJSON_Delete. */
kerr_t ap_call(const ap_ctx_t *c, const char *method, const char *biz, const char *notify_url, ap_reply_t *r,
               kmsg_t *msg);

/* ap_call with biz built as a cJSON object, which it frees (NULL: out of
 * memory, K_EIO). */
kerr_t ap_call_obj(const ap_ctx_t *c, const char *method, cJSON *biz, ap_reply_t *r, kmsg_t *msg);

/* K_EDENIED with the answer's codes in msg (and in code/text when given). */
kerr_t ap_refused(const ap_reply_t *r, const char *what, char *code, size_t code_len, char *text, size_t text_len,
                  kmsg_t *msg);

/* Finds the top-level member key of the JSON object text[0..len) and
 * gives the raw span of its value; false if there is none or the text is
 * no object. */
bool ap_json_member(const char *text, size_t len, const char *key, size_t *start, size_t *end);

/* HTTP GET of url into a malloc'd body (with *len); K_EIO on failure. */
kerr_t ap_http_get(const ap_ctx_t *c, const char *url, char **body, size_t *len, kmsg_t *msg);

/* Copies the string member name of obj into out ("" if absent). */
void ap_json_copy(const cJSON *obj, const char *name, char *out, size_t len);

/* The trade ops (bo_alipay_trade.c), as bo_provider_ops_t says. */
kerr_t ap_create(void *ctx, const bo_prov_order_t *o, bo_prov_answer_t *a, kmsg_t *msg);
kerr_t ap_query(void *ctx, const char *out_trade_no, bo_prov_answer_t *a, kmsg_t *msg);
kerr_t ap_cancel(void *ctx, const char *out_trade_no, kmsg_t *msg);
kerr_t ap_refund(void *ctx, const char *out_trade_no, const char *out_refund_no, int64_t amount, int64_t total,
                 bo_prov_refund_t *r, kmsg_t *msg);
kerr_t ap_refund_query(void *ctx, const char *out_trade_no, const char *out_refund_no, bo_prov_refund_t *r,
                       kmsg_t *msg);

/* The bill op (bo_alipay_bill.c). */
kerr_t ap_bill(void *ctx, const char *day, bo_prov_bill_cb fn, void *arg, kmsg_t *msg);

/* The notification op (bo_alipay_notify.c). */
kerr_t ap_notify(void *ctx, const bo_prov_http_t *req, bo_prov_event_t *ev, kmsg_t *msg);

/* trade_status to the provider vocabulary; paid_before: the answer names
 * a payment time (a closed trade that had been paid was refunded). */
bo_prov_state_t ap_trade_state(const char *trade_status, bool paid_before);

#endif
