/* QR payment orders inside the server (docs/sync.md, "QR payments"). */
#ifndef BACKOFFICE_BO_QR_H
#define BACKOFFICE_BO_QR_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "backoffice/http/bo_server.h"

typedef struct bo_order {
    char id[33], kiosk[65], txn[37], meter[33], currency[4], state[16], gave_up[16];
    int64_t amount, created_at, expires_at, paid_at;
} bo_order_t;

/* Loads order id (the caller holds the lock), first expiring it if it was
 * pending past its time. K_ENOTFOUND if there is none. */
kerr_t bo_qr_load(bo_server_t *s, const char *id, bo_order_t *o, kmsg_t *msg);

/* Applies event (pay, cancel) to order id under the lock; a payment after
 * the kiosk gave up leaves a notice for it. K_ESTATE if refused. */
kerr_t bo_qr_event(bo_server_t *s, const char *id, const char *event, bo_order_t *o, kmsg_t *msg);

/* The order as the API shows it. */
cJSON *bo_qr_json(const bo_server_t *s, const bo_order_t *o);

#endif
