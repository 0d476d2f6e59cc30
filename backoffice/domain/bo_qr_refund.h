/* Refunds of QR payments whose credit could not be delivered (docs/
 * payments-qr.md, "Refunds"): the kiosk cannot give QR money back, so it
 * parks the sale and uploads it; ingest records one refund for its order,
 * the server's worker asks the provider for it under a number derived from
 * the order (asking again never refunds twice) and follows it until the
 * provider says it is done; one the provider gives up on, or that keeps
 * failing, is a staff alert and stays listed until staff settle it by
 * hand. */
#ifndef BACKOFFICE_DOMAIN_BO_QR_REFUND_H
#define BACKOFFICE_DOMAIN_BO_QR_REFUND_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_decode.h"
#include "backoffice/domain/bo_op.h"
#include "backoffice/domain/bo_postpaid.h"
#include "backoffice/pay/bo_provider.h"
#include "backoffice/store/bo_store.h"
#include "backoffice/store/bo_store_refund.h"

/* A refund's states (the stored names: bo_qr_refund_state_name). */
typedef enum bo_refund_state {
    BO_REFUND_PENDING,    /* to be asked of the provider (again, after a failure that may pass) */
    BO_REFUND_PROCESSING, /* asked: its outcome to be queried */
    BO_REFUND_SUCCEEDED,  /* the money went back to the payer */
    BO_REFUND_FAILED,     /* the provider gave up on it: staff settle it by hand */
    BO_REFUND_SETTLED,    /* staff settled it by hand */
    BO_REFUND_REVIEW,     /* the credit may have reached the meter: never asked; staff check and settle it */
    BO_REFUND_N_STATES
} bo_refund_state_t;

/* The state's stored name ("pending", ...). */
const char *bo_qr_refund_state_name(bo_refund_state_t s);

/* Whether name is a state's name. */
bool bo_qr_refund_state_valid(const char *name);

/* The refund number of order (its out_refund_no at the provider): the same
 * for the same order, always. */
void bo_qr_refund_no(const char *order, char out[65]);

/* Inside ingest's transaction: records the refund of kiosk's sale t when t
 * is a QR sale parked with money paid and nothing delivered (once per
 * order, however often the sale is uploaded). reason is the kiosk's park
 * reason: only one that says the meter did not take the credit (refused)
 * is refunded by itself; any other is recorded for review, with a staff
 * alert. */
kerr_t bo_qr_refund_on_sale(bo_store_t *st, const char *kiosk, const bo_txn_t *t, const char *reason, int64_t now,
                            kmsg_t *msg);

/* Records the refund of each paid phone order (docs/phone.md) whose
 * credit command ended failed, refused or expired before its kiosk took
 * it (pending), or unknown or expired after its kiosk took it (review,
 * with a staff alert): once per order, however often it runs, in one
 * transaction (commands past their expiry are expired first). *added:
 * how many were recorded now. */
kerr_t bo_phone_refund_scan(bo_store_t *st, int64_t now, int *added, kmsg_t *msg);

/* What the phone page shows for a phone order whose credit failed and
 * that has refund r: refunded (succeeded or settled), checking (review)
 * or refunding. */
const char *bo_phone_refund_stage(const bo_refund_rec_t *r);

/* Inside the caller's transaction: tells the kiosk of r's QR sale that
 * its money went back (r succeeded or settled), by a qr_refunded notice
 * (docs/sync.md), which the kiosk books to its parked sale once. Nothing
 * for a phone order's refund (no kiosk sale). */
kerr_t bo_qr_refund_notice(bo_store_t *st, const bo_refund_rec_t *r, int64_t now, kmsg_t *msg);

/* What the worker needs: the store, taken through lock/unlock (never held
 * across a provider call), the kiosks' provider now, (if not NULL) the
 * provider that took a phone order, and (if not NULL) the open provider
 * of a name (NULL when it is not open). A kiosk sale's refund goes to the
 * provider that took its order (the kiosks' provider now for an order
 * that does not say); one whose provider is not open is left pending with
 * a staff alert, never asked of another. */
typedef struct bo_refund_env {
    bo_store_t *st;
    const bo_provider_t *prov;
    void (*lock)(void *arg);
    void (*unlock)(void *arg);
    void *arg;
    const bo_provider_t *(*phone_prov)(void *arg, const char *order);
    const bo_provider_t *(*named)(void *arg, const char *name);
} bo_refund_env_t;

typedef struct bo_refund_stats {
    int asked, succeeded, failed, alerted;
    int recorded; /* phone orders' refunds recorded now */
} bo_refund_stats_t;

/* Records the phone page's refunds due (bo_phone_refund_scan) under the
 * lock, then asks the provider about each refund due at now (the refund,
 * or its outcome) and records what it answered (a kiosk sale's success
 * with its qr_refunded notice); a failure that may pass is
 * asked again later, less and less often. K_EIO if the store failed. */
kerr_t bo_qr_refund_pass(const bo_refund_env_t *env, int64_t now, bo_refund_stats_t *out, kmsg_t *msg);

/* Staff settle order's refund by hand (the money given back another way,
 * or found given back): sig needs permission `void` and its PIN; audited
 * qr.refund_settle with the reason; the kiosk of a QR sale gets its
 * qr_refunded notice (outcome settled). K_ENOTFOUND if the order has no
 * refund, K_ESTATE if it succeeded or was settled already. */
kerr_t bo_qr_refund_settle(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, const char *order,
                           const char *reason, kmsg_t *msg);

#endif
