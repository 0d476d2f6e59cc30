/* The storage interface (bo_store.h), its QR refunds part (docs/
 * payments-qr.md, "Refunds"): one refund per QR order whose credit could
 * not be delivered, asked of the provider under a number derived from the
 * order, followed until the provider says it is done or staff settle it by
 * hand. */
#ifndef BACKOFFICE_STORE_BO_STORE_REFUND_H
#define BACKOFFICE_STORE_BO_STORE_REFUND_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "base/err.h"

/* A refund as stored. state: pending (to be asked, again after a failure
 * that may be passing), processing (asked: its outcome to be queried),
 * succeeded, failed (the provider gave up: staff settle it), settled (by
 * hand), review (never asked: staff check and settle it). */
typedef struct bo_refund_rec {
    char order[65], out_refund_no[65], kiosk[65], txn[37], meter[33];
    char source[8]; /* kiosk (a kiosk's QR sale) or phone (the phone page's payment; "" is kiosk) */
    char state[16], refund_ref[65], last_error[256], settled_by[65], reason[256];
    int64_t amount, total; /* minor units: what is given back, and the order's whole amount */
    int64_t attempts, next_at, created_at, updated_at;
    bool alerted; /* staff were alerted about it */
    char provider[16]; /* read only: the provider that took a kiosk's order ("": unrecorded, or a phone order) */
} bo_refund_rec_t;

/* A phone page's credit command that ended without reaching the meter
 * (or may not have) and has no refund yet. */
typedef struct bo_refund_cand {
    char order[65], kiosk[65], meter[33], state[16], txn[37], outcome[256];
    char params[1024]; /* the command's parameters (JSON text): its amount */
    int64_t sent_at;   /* when its kiosk was handed it (0: never) */
} bo_refund_cand_t;

typedef struct bo_st_refund {
    /* Adds r (in r->state) unless its order has a refund already (*fresh says). */
    kerr_t (*add)(void *ctx, const bo_refund_rec_t *r, bool *fresh, kmsg_t *msg);
    /* Up to max refunds pending or processing whose next_at has come, oldest first. */
    kerr_t (*due)(void *ctx, int64_t now, bo_refund_rec_t *out, int max, int *n, kmsg_t *msg);
    /* The refund of order. */
    kerr_t (*get)(void *ctx, const char *order, bo_refund_rec_t *r, bool *found, kmsg_t *msg);
    /* Writes r's state and progress if its stored state is still `was`
     * (*changed says: false when another change came first). */
    kerr_t (*set)(void *ctx, const bo_refund_rec_t *r, const char *was, bool *changed, kmsg_t *msg);
    /* The refunds in state ("": all), newest first, as the command line lists them. */
    kerr_t (*list)(void *ctx, const char *state, bo_rows_t *out, kmsg_t *msg);
    /* Up to max credit commands of the phone page (operator phone) ended
     * failed, refused, expired or unknown whose order has no refund yet,
     * oldest first. */
    kerr_t (*phone_ended)(void *ctx, bo_refund_cand_t *out, int max, int *n, kmsg_t *msg);
} bo_st_refund_t;

#endif
