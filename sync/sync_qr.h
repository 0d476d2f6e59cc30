/* QR payments through the back office (docs/payments.md, "QR codes"): a
 * payment provider of method "qr" behind the same interface as the card
 * terminal (drivers/payterm/payterm.h). The back office makes the order,
 * the resident pays it with a phone, the kiosk waits for the answer. */
#ifndef SYNC_SYNC_QR_H
#define SYNC_SYNC_QR_H

#include <cjson/cJSON.h>

#include "drivers/payterm/payterm.h"

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

/* Opens the provider on the [sync] link: K_ENOTFOUND unless sync.qr is
 * true; K_EINVAL for a link that cannot be used (sync_client_open). */
kerr_t sync_qr_open(const kiosk_config_t *cfg, payterm_t *out, kmsg_t *msg);

#endif
