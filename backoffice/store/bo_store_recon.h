/* The storage interface (bo_store.h), its reconciliation part (docs/
 * payments-qr.md, "Reconciliation"): the QR orders paid in a period, and
 * the differences a day's comparison with the provider's bill found,
 * listed until staff resolve them. */
#ifndef BACKOFFICE_STORE_BO_STORE_RECON_H
#define BACKOFFICE_STORE_BO_STORE_RECON_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "base/err.h"

/* A QR order paid (paid, paid_late): id, the provider's reference, amount. */
typedef void (*bo_recon_paid_cb)(void *arg, const char *id, const char *ref, int64_t amount);

/* A difference to record (kind: bo_recon_kind_name's). */
typedef struct bo_recon_rec {
    const char *provider, *day, *kind, *out_trade_no, *trade_no, *detail;
    int64_t bill, ours, at;
} bo_recon_rec_t;

typedef struct bo_st_recon {
    /* Calls fn for each kiosk QR order provider took (with unrecorded,
     * those that do not say which: the kiosks' provider's) paid with
     * paid_at in [from, to). */
    kerr_t (*paid_each)(void *ctx, const char *provider, bool unrecorded, int64_t from, int64_t to,
                        bo_recon_paid_cb fn, void *arg, kmsg_t *msg);
    /* Calls fn for each payment from the phone page (docs/phone.md) whose
     * order id carries tag, credited (its command issued) in [from, to):
     * the order, "", the amount. */
    kerr_t (*phone_paid_each)(void *ctx, char tag, int64_t from, int64_t to, bo_recon_paid_cb fn, void *arg,
                              kmsg_t *msg);
    /* Calls fn for each QR refund of an order provider took (with
     * unrecorded, also those whose order does not say, phone orders' among
     * them) that succeeded (its record last changed) in [from, to): the
     * order, the provider's refund id, the amount. */
    kerr_t (*refunded_each)(void *ctx, const char *provider, bool unrecorded, int64_t from, int64_t to,
                            bo_recon_paid_cb fn, void *arg, kmsg_t *msg);
    /* Records d, once per provider, day, kind and order: *added false if
     * it was recorded before (the row left as it was). */
    kerr_t (*add)(void *ctx, const bo_recon_rec_t *d, bool *added, kmsg_t *msg);
    /* Whether difference id exists and whether it is resolved. */
    kerr_t (*state)(void *ctx, int64_t id, bool *found, bool *resolved, kmsg_t *msg);
    /* Marks difference id resolved by op for reason at; *changed false if
     * it was resolved already. */
    kerr_t (*resolve)(void *ctx, int64_t id, const char *op, const char *reason, int64_t at, bool *changed,
                      kmsg_t *msg);
    /* The differences (day "": every day; open_only: those not resolved),
     * newest day first, into out. */
    kerr_t (*list)(void *ctx, const char *day, bool open_only, bo_rows_t *out, kmsg_t *msg);
} bo_st_recon_t;

#endif
