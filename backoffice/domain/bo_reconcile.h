/* Reconciliation's comparison (docs/payments-qr.md, "Reconciliation"): a
 * provider's daily bill against what the back office holds as paid and
 * refunded that day, as a list of differences. Pure: arrays in, each
 * difference handed to a callback; no store, no provider, no clock. */
#ifndef BACKOFFICE_DOMAIN_BO_RECONCILE_H
#define BACKOFFICE_DOMAIN_BO_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* What kind of difference. */
typedef enum bo_recon_kind {
    BO_RECON_UNKNOWN_HERE,      /* paid at the provider, unknown or not paid here */
    BO_RECON_MISSING_FROM_BILL, /* paid here, not in the provider's bill */
    BO_RECON_AMOUNT,            /* paid on both sides, the amounts differ */
    BO_RECON_REFUND,            /* the trade's refunds of the day differ (either side may be 0) */
    BO_RECON_KIND_N
} bo_recon_kind_t;

/* The kind's name ("unknown_here", "missing_from_bill", "amount", "refund"). */
const char *bo_recon_kind_name(bo_recon_kind_t k);

/* One payment or one refund, on either side (amount in fen, positive). */
typedef struct bo_recon_entry {
    char out_trade_no[65]; /* the back office's order id */
    char trade_no[65];     /* the provider's id ("" when not known) */
    int64_t amount;
} bo_recon_entry_t;

/* One side: its payments and refunds of the day (a trade's refunds may be
 * several rows: they are summed per trade). */
typedef struct bo_recon_side {
    const bo_recon_entry_t *paid;
    size_t n_paid;
    const bo_recon_entry_t *refunds;
    size_t n_refunds;
} bo_recon_side_t;

/* One difference: bill and ours are the amounts on each side (0 where a
 * side has none). */
typedef struct bo_recon_diff {
    bo_recon_kind_t kind;
    const char *out_trade_no, *trade_no;
    int64_t bill, ours;
} bo_recon_diff_t;

typedef void (*bo_recon_diff_cb)(void *arg, const bo_recon_diff_t *d);

/* Whether the back office holds out_trade_no as paid amount at another
 * time (a payment it learned of just across midnight): such a bill row is
 * no difference. NULL: never. */
typedef bool (*bo_recon_paid_fn)(void *arg, const char *out_trade_no, int64_t amount);

/* Compares bill with here and calls fn once for each difference, bill's
 * payments in order first, then here's payments missing from the bill,
 * then the refunds by trade. K_OK, or K_EIO if out of memory (no
 * difference reported then). *n: how many were reported. */
kerr_t bo_recon_compare(const bo_recon_side_t *bill, const bo_recon_side_t *here, bo_recon_paid_fn paid,
                        void *paid_arg, bo_recon_diff_cb fn, void *arg, size_t *n);

#endif
