/* QR payment orders (docs/sync.md, "QR payments"): a kiosk makes one per
 * sale, the resident's phone pays it (here the simulated provider), the
 * kiosk polls it, and a payment after the kiosk gave up leaves it a
 * notice. The states and what each event does are a table
 * (bo_qr_state.h). */
#ifndef BACKOFFICE_DOMAIN_BO_QR_H
#define BACKOFFICE_DOMAIN_BO_QR_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_decode.h"
#include "backoffice/store/bo_store.h"

/* The orders of one request: the store, the server's clock, where codes
 * point, an order's default life; `changed` is set when an order changed
 * (the HTTP layer then wakes long polls); provider: the kiosks' provider
 * now (wechat, alipay; sim for the simulated one), recorded on each new
 * order. */
typedef struct bo_qr_ctx {
    bo_store_t *st;
    int64_t now;
    const char *base_url;
    int64_t ttl_s;
    bool changed;
    const char *provider;
} bo_qr_ctx_t;

/* Loads order id, first expiring it if it was pending past its time.
 * K_ENOTFOUND if there is none. */
kerr_t bo_qr_load(bo_qr_ctx_t *q, const char *id, bo_order_t *o, kmsg_t *msg);

/* Applies event (pay, cancel) to order id; a payment after the kiosk gave
 * up leaves a notice for it, in the same transaction. K_ESTATE if refused
 * (o then holds the order as it is). */
kerr_t bo_qr_event(bo_qr_ctx_t *q, const char *id, const char *event, bo_order_t *o, kmsg_t *msg);

/* Makes kiosk's order for n, or gives the one its sale has already (the
 * same amount and meter, else K_ECONFLICT); K_EDENIED with the reason if
 * the meter is not in the kiosk's scope. */
kerr_t bo_qr_create(bo_qr_ctx_t *q, const char *kiosk, const bo_qr_new_t *n, bo_order_t *o, kmsg_t *msg);

/* Keeps ref (the provider's code_url) as order id's code, unless it has
 * one already; o then holds the order. */
kerr_t bo_qr_placed(bo_qr_ctx_t *q, const char *id, const char *ref, bo_order_t *o, kmsg_t *msg);

/* The provider that took order o: its own, or the kiosks' provider now
 * (q->provider) for an order made before the back office recorded it. */
const char *bo_qr_order_provider(const bo_qr_ctx_t *q, const bo_order_t *o);

/* Books the payment provider (its name) reported for order id (its
 * notification or its answer to a query): paid, or paid_late with a notice
 * for the kiosk; once, however often it is reported. K_ECONFLICT if the
 * provider's amount is not the order's; K_EDENIED, with the staff alert
 * qr_provider_mismatch (once while open), if the order is another
 * provider's (nothing booked either way). */
kerr_t bo_qr_provider_paid(bo_qr_ctx_t *q, const char *id, const char *provider, int64_t amount, bo_order_t *o,
                           kmsg_t *msg);

/* Raises the staff alert qr_provider_missing about order o, whose
 * provider is not open here (no longer in [qr] provider(s)): the order is
 * left as it is, never asked of another provider; once while the alert is
 * open. */
kerr_t bo_qr_provider_missing(bo_qr_ctx_t *q, const bo_order_t *o, kmsg_t *msg);

/* The order as the API shows it: code_url is the provider's code, or the
 * simulated provider's page under base_url. */
cJSON *bo_qr_json(const char *base_url, const bo_order_t *o);

#endif
