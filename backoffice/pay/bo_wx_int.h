/* WeChat Pay's insides shared by its files (bo_wx*.c): the context, the
 * signatures and the signed HTTP call. */
#ifndef BACKOFFICE_PAY_BO_WX_INT_H
#define BACKOFFICE_PAY_BO_WX_INT_H

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/pay/bo_wx.h"

#define BO_WX_PLATFORM_KEYS 2

typedef struct bo_wx {
    bo_wx_config_t cfg;
    EVP_PKEY *merchant;
    struct {
        char id[80]; /* the Wechatpay-Serial that names it */
        EVP_PKEY *key;
    } platform[BO_WX_PLATFORM_KEYS];
    unsigned char apiv3[32];
} bo_wx_t;

/* An answer, its signature headers kept for checking. */
typedef struct bo_wx_resp {
    long status;
    char *body; /* malloc'd, NUL-terminated */
    size_t len;
    char timestamp[24], nonce[64], signature[512], serial[80];
} bo_wx_resp_t;

/* Base64 of data into out (NUL-terminated); false if out is too small. */
bool bo_wx_b64(const unsigned char *data, size_t len, char *out, size_t size);

/* Decodes base64 text into a malloc'd buffer; NULL if it is not base64. */
unsigned char *bo_wx_unb64(const char *text, size_t *len);

/* SHA256withRSA of text with key, base64 into out. */
kerr_t bo_wx_sign(EVP_PKEY *key, const char *text, size_t len, char *out, size_t size, kmsg_t *msg);

/* Checks base64 signature sig of "timestamp\nnonce\nbody\n" against the
 * platform key named serial; K_ECORRUPT if unknown or wrong. */
kerr_t bo_wx_verify(const bo_wx_t *wx, const char *serial, const char *timestamp, const char *nonce,
                    const char *body, size_t len, const char *sig, kmsg_t *msg);

/* Opens an AEAD_AES_256_GCM resource with the APIv3 key into a malloc'd
 * NUL-terminated text; K_ECORRUPT if it does not authenticate. */
kerr_t bo_wx_open_resource(const bo_wx_t *wx, const char *ciphertext_b64, const char *nonce, const char *aad,
                           char **plain, kmsg_t *msg);

/* Reads the merchant and platform keys and the APIv3 key of wx->cfg. */
kerr_t bo_wx_load_keys(bo_wx_t *wx, kmsg_t *msg);

/* Frees the keys. */
void bo_wx_free_keys(bo_wx_t *wx);

/* Makes a signed call (path with its query, body NULL for GET) and checks
 * the answer's signature; r->body then holds the answer. K_EIO if nothing
 * usable came back, K_ECORRUPT if it was not signed by the platform. */
kerr_t bo_wx_call(bo_wx_t *wx, const char *method, const char *path, const char *body, bo_wx_resp_t *r, kmsg_t *msg);

/* Fetches an absolute URL signed but unchecked (the bill's file). */
kerr_t bo_wx_fetch(bo_wx_t *wx, const char *url, bo_wx_resp_t *r, kmsg_t *msg);

/* The Authorization header's value for method, path and body. */
kerr_t bo_wx_authorization(bo_wx_t *wx, const char *method, const char *path, const char *body, char *out,
                           size_t size, kmsg_t *msg);

/* Translates a refusal (4xx {code, message}) or failure into a kerr_t:
 * K_EDENIED with the code in code/text, K_EIO for 5xx. */
kerr_t bo_wx_refused(const bo_wx_resp_t *r, char *code, size_t code_len, char *text, size_t text_len, kmsg_t *msg);

/* Parses RFC 3339 with an offset ("2026-12-06T10:00:00+08:00") into ms. */
bool bo_wx_time_parse(const char *text, int64_t *ms);

/* Formats ms as RFC 3339 in China's time (+08:00). */
void bo_wx_time_format(int64_t ms, char *out, size_t size);

/* Parses a day's trade bill (WeChat's CSV) and calls fn for each row. */
kerr_t bo_wx_bill_parse(const char *text, bo_prov_bill_cb fn, void *arg, kmsg_t *msg);

/* Frees r's body. */
void bo_wx_resp_free(bo_wx_resp_t *r);



/* Reads a transaction (a query's answer, a notification's resource) into a. */
void bo_wx_trade_answer(const cJSON *t, bo_prov_answer_t *a);

/* Reads a refund (an answer, a notification's resource) into r. */
void bo_wx_refund_answer(const cJSON *t, bo_prov_refund_t *r);
/* Makes a call whose body is j (freed), answering JSON; *out NULL when the
 * answer has no body (204). */
kerr_t bo_wx_call_json(bo_wx_t *wx, const char *method, const char *path, cJSON *j, bo_wx_resp_t *r, cJSON **out,
                       kmsg_t *msg);

/* The ops of bo_wx_refund.c, bo_wx_notify.c and bo_wx_bill.c. */
kerr_t bo_wx__refund(void *ctx, const char *out_trade_no, const char *out_refund_no, int64_t amount, int64_t total,
                     bo_prov_refund_t *r, kmsg_t *msg);
kerr_t bo_wx__refund_query(void *ctx, const char *out_trade_no, const char *out_refund_no, bo_prov_refund_t *r,
                           kmsg_t *msg);
kerr_t bo_wx__notify(void *ctx, const bo_prov_http_t *req, bo_prov_event_t *ev, kmsg_t *msg);
kerr_t bo_wx__bill(void *ctx, const char *day, bo_prov_bill_cb fn, void *arg, kmsg_t *msg);

#endif
