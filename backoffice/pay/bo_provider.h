/* A QR money provider (docs/payments-qr.md): the merchant API a QR order's
 * money really moves through (WeChat Pay API v3, Alipay open API), as a
 * context plus a const ops table, so the domain runs every provider the
 * same way and never sees a provider's wire format. Merchant keys live in
 * the context; nothing here logs them.
 *
 * Each op makes its HTTPS calls itself (libcurl) and may block for the
 * provider's timeout: callers hold no lock while calling. Every op returns
 * kerr_t with the human text in msg: K_EIO when the provider could not be
 * reached or answered nothing usable (try again later), K_ECORRUPT when its
 * answer or notification failed its signature or could not be decoded,
 * K_EDENIED when it refused the request (its code in the answer). Amounts
 * are int64 minor units (fen); a provider that speaks yuan converts at its
 * boundary, exactly, without floating point. */
#ifndef BACKOFFICE_PAY_BO_PROVIDER_H
#define BACKOFFICE_PAY_BO_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Which page the payer meets. */
typedef enum bo_prov_kind {
    BO_PROV_NATIVE, /* a code the kiosk shows (WeChat Native, Alipay precreate) */
    BO_PROV_H5,     /* a page a phone's browser opens (WeChat H5, Alipay wap.pay) */
} bo_prov_kind_t;

/* A trade's state as the provider reports it, in one vocabulary. */
typedef enum bo_prov_state {
    BO_PROV_UNKNOWN,  /* the provider has no such trade (yet) */
    BO_PROV_PENDING,  /* created, not paid */
    BO_PROV_PAID,     /* paid: money is the merchant's */
    BO_PROV_CLOSED,   /* closed or cancelled before payment */
    BO_PROV_REFUNDED, /* paid, then refunded in full */
    BO_PROV_FAILED,   /* the payment failed */
} bo_prov_state_t;

/* The state's name ("unknown", "pending", "paid", ...). */
const char *bo_prov_state_name(bo_prov_state_t s);

/* An order to place. out_trade_no is the back office's order id. */
typedef struct bo_prov_order {
    bo_prov_kind_t kind;
    const char *out_trade_no;
    int64_t amount;         /* fen */
    const char *currency;   /* "CNY" */
    const char *description;
    const char *notify_url; /* the back office's address for the provider's notification; a provider
                               configured with an address of its own (behind a proxy) uses that */
    const char *client_ip;  /* BO_PROV_H5: the payer's address */
    const char *return_url; /* BO_PROV_H5: where the page goes back to */
    int64_t expires_at;     /* ms since the epoch (UTC); 0: the provider's default */
} bo_prov_order_t;

/* What the provider says about a trade or a refund. */
typedef struct bo_prov_answer {
    bo_prov_state_t state;
    char out_trade_no[65];
    char trade_no[65];     /* the provider's own id (transaction_id / trade_no) */
    char url[2048];        /* create: the code_url / qr_code, or the H5 page's address */
    int64_t amount;        /* fen paid (or refunded, for a refund) */
    int64_t paid_at;       /* ms since the epoch, 0 if not paid */
    char code[64];         /* the provider's code when it refused, else "" */
    char text[256];        /* its message when it refused, else "" */
} bo_prov_answer_t;

/* A refund's outcome. */
typedef enum bo_prov_refund_state {
    BO_PROV_REFUND_PROCESSING,
    BO_PROV_REFUND_SUCCESS,
    BO_PROV_REFUND_FAILED, /* the provider gave up on it: staff must settle it */
} bo_prov_refund_state_t;

typedef struct bo_prov_refund {
    bo_prov_refund_state_t state;
    char refund_no[65];    /* the provider's refund id */
    int64_t amount;        /* fen */
    char code[64], text[256];
} bo_prov_refund_t;

/* An HTTP request as received, for notifications: headers by name
 * (case-insensitive lookup through get_header; each value it returns stays
 * valid until notify returns) and the raw body. */
typedef struct bo_prov_http {
    const char *(*get_header)(void *arg, const char *name); /* NULL if absent */
    void *arg;
    const char *content_type;
    const char *body;
    size_t body_len;
} bo_prov_http_t;

/* A notification, verified and decoded. */
typedef struct bo_prov_event {
    char id[65];           /* the notification's own id, for idempotency ("" if none) */
    bool is_refund;        /* a refund's notification, not a payment's */
    bo_prov_answer_t trade;
} bo_prov_event_t;

/* One line of the provider's daily bill. */
typedef struct bo_prov_bill_row {
    char out_trade_no[65], trade_no[65];
    int64_t amount;        /* fen; negative for a refund */
    int64_t at;            /* ms since the epoch */
    bool refund;
} bo_prov_bill_row_t;

typedef void (*bo_prov_bill_cb)(void *arg, const bo_prov_bill_row_t *row);

typedef struct bo_provider_ops {
    const char *name; /* "wechat", "alipay" */
    /* Frees the context. */
    void (*close)(void *ctx);
    /* Places o; a->url is the code or page the payer opens. */
    kerr_t (*create)(void *ctx, const bo_prov_order_t *o, bo_prov_answer_t *a, kmsg_t *msg);
    /* Asks the state of out_trade_no. */
    kerr_t (*query)(void *ctx, const char *out_trade_no, bo_prov_answer_t *a, kmsg_t *msg);
    /* Closes (cancels) an unpaid trade; a trade the provider never saw is
     * closed already (K_OK). K_ESTATE if it had been paid (Alipay's cancel
     * then refunds it: query it and book the refund). */
    kerr_t (*cancel)(void *ctx, const char *out_trade_no, kmsg_t *msg);
    /* Refunds amount of out_trade_no's total under the back office's
     * refund id out_refund_no; asking again with the same out_refund_no
     * never refunds twice. */
    kerr_t (*refund)(void *ctx, const char *out_trade_no, const char *out_refund_no, int64_t amount, int64_t total,
                     bo_prov_refund_t *r, kmsg_t *msg);
    /* Asks the state of refund out_refund_no of out_trade_no; K_ENOTFOUND
     * if the provider has no such refund (ask again with the same number). */
    kerr_t (*refund_query)(void *ctx, const char *out_trade_no, const char *out_refund_no, bo_prov_refund_t *r,
                           kmsg_t *msg);
    /* Verifies req's signature and decodes it into ev; K_ECORRUPT if it is not
     * the provider's. ack/ack_status: what to answer on success. */
    kerr_t (*notify)(void *ctx, const bo_prov_http_t *req, bo_prov_event_t *ev, kmsg_t *msg);
    const char *ack_body;
    unsigned ack_status;
    /* Downloads day's bill (YYYY-MM-DD, the provider's time zone) and calls
     * fn for each trade and refund in it. */
    kerr_t (*bill)(void *ctx, const char *day, bo_prov_bill_cb fn, void *arg, kmsg_t *msg);
} bo_provider_ops_t;

/* An open provider. */
typedef struct bo_provider {
    void *ctx;
    const bo_provider_ops_t *ops;
} bo_provider_t;

#endif
