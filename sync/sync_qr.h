/* QR payments through the back office (docs/payments.md, "QR codes"): a
 * payment provider of method "qr" behind the same interface as the card
 * terminal (drivers/payterm/payterm.h). The back office makes the order,
 * the resident pays it with a phone, the kiosk waits for the answer. */
#ifndef SYNC_SYNC_QR_H
#define SYNC_SYNC_QR_H

#include <cjson/cJSON.h>

#include "base/clock.h"
#include "base/retry.h"
#include "drivers/payterm/payterm.h"
#include "sync/sync_client.h"

/* A QR order as the back office describes it. */
typedef struct sync_qr_order {
    char id[40];
    char txn[40];
    char meter[16];
    char currency[4];
    char state[16]; /* pending, paid, expired, cancelled, paid_late */
    char code_url[400];
    char gave_up[16]; /* paid_late: how the kiosk had given it up */
    int64_t amount; /* minor units */
    int64_t expires_at; /* ms since the epoch */
} sync_qr_order_t;

/* Reads an order (QrOrder in sync/openapi.yaml); K_EINVAL, saying what is
 * wrong, unless id, meter, amount and state are there and sensible. */
kerr_t sync_qr_order_parse(const cJSON *o, sync_qr_order_t *out, kmsg_t *msg);

/* What the QR provider is opened with besides its link. */
typedef struct sync_qr_opts {
    const char *kiosk_id; /* this kiosk in the back office's paths (copied) */
    int64_t ttl_s;        /* how long an order may be paid */
    kretry_t wait_retry;  /* the pause before asking again about an order after no answer */
    const kclock_t *clk;  /* NULL: the system clock */
} sync_qr_opts_t;

/* Opens the provider on the back-office link, which it takes over (closed
 * with the provider, or at once if it cannot be opened). */
kerr_t sync_qr_open(sync_client_t *link, const sync_qr_opts_t *o, payterm_t *out, kmsg_t *msg);

#endif
