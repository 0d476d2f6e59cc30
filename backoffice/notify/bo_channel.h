/* A channel that carries notices to residents (docs/notices.md): SMS over
 * SMPP, e-mail over SMTP, a signed webhook for app and official-account
 * pushes. The outbox (bo_outbox.c) owns the retries and the records; a
 * channel only tries to hand one message over and says how it went. */
#ifndef BACKOFFICE_NOTIFY_BO_CHANNEL_H
#define BACKOFFICE_NOTIFY_BO_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef enum bo_channel_kind { BO_CH_SMS, BO_CH_EMAIL, BO_CH_WEBHOOK, BO_CH_COUNT } bo_channel_kind_t;

/* The channel's name in configuration and records: "sms", "email", "webhook". */
const char *bo_channel_name(bo_channel_kind_t k);

/* One message to hand over. Every text is UTF-8; the channel encodes it
 * for its wire (UCS-2 and concatenation for SMS, RFC 2047 and base64 for
 * e-mail, JSON for the webhook). */
typedef struct bo_notice_msg {
    const char *key;     /* the idempotency key: one per event and channel (the webhook sends it, SMTP as Message-ID) */
    const char *to;      /* a mobile number in digits (international, no "+"), an e-mail address; "" for the webhook */
    const char *lang;    /* "zh_CN" or "en" */
    const char *subject; /* e-mail: the subject; others ignore it */
    const char *text;    /* what the resident reads */
    const char *json;    /* webhook: the event as JSON; others ignore it */
} bo_notice_msg_t;

/* How a try went. */
typedef enum bo_send_outcome {
    BO_SEND_OK,       /* handed over; provider_id says under which id (may be "") */
    BO_SEND_RETRY,    /* not now (no connection, throttled, a temporary error): try again later */
    BO_SEND_REJECTED, /* never (a malformed number or address, refused for good): the outbox gives up */
} bo_send_outcome_t;

/* A delivery report that came back (an SMS delivery receipt). */
typedef struct bo_delivery_report {
    char provider_id[72]; /* the id send gave */
    bool delivered;       /* false: the carrier gave up */
    char state[24];       /* the carrier's word: DELIVRD, UNDELIV, EXPIRED, REJECTD ... */
    int64_t at_ms;
} bo_delivery_report_t;

typedef void (*bo_report_cb)(void *arg, const bo_delivery_report_t *r);

/* A channel: a context and these operations. Not thread-safe: the
 * outbox's one worker calls them. */
typedef struct bo_channel_ops {
    bo_channel_kind_t kind;
    /* Tries to hand m over within the channel's own time limit. msg says
     * why on RETRY or REJECTED (never the resident's contact details). */
    bo_send_outcome_t (*send)(void *ctx, const bo_notice_msg_t *m, char provider_id[72], kmsg_t *msg);
    /* Passes on the delivery reports that arrived since the last call
     * (none for channels without them); returns how many. */
    int (*reports)(void *ctx, bo_report_cb fn, void *arg);
    void (*close)(void *ctx);
} bo_channel_ops_t;

typedef struct bo_channel {
    const bo_channel_ops_t *ops;
    void *ctx;
} bo_channel_t;

#endif
