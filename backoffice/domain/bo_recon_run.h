/* Reconciliation's run (docs/payments-qr.md, "Reconciliation"): a day's
 * bill downloaded from the provider, compared (bo_reconcile.h) with the QR
 * orders the back office holds as paid that day, each difference recorded
 * once (a staff alert raised for each new one) and listed until staff
 * resolve it. A day is the provider's: China time, +08:00. */
#ifndef BACKOFFICE_DOMAIN_BO_RECON_RUN_H
#define BACKOFFICE_DOMAIN_BO_RECON_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/domain/bo_op.h"
#include "backoffice/domain/bo_postpaid.h"
#include "backoffice/domain/bo_reconcile.h"
#include "backoffice/pay/bo_provider.h"
#include "backoffice/store/bo_store.h"

/* A downloaded bill: its payments and refunds (amounts positive). */
typedef struct bo_recon_bill {
    bo_recon_entry_t *paid, *refunds;
    size_t n_paid, n_refunds, cap_paid, cap_refunds;
    bool oom;
} bo_recon_bill_t;

/* What a run did. */
typedef struct bo_recon_stats {
    size_t rows;  /* the bill's rows */
    size_t found; /* differences found */
    size_t added; /* of those, recorded now (not by an earlier run) */
} bo_recon_stats_t;

/* Downloads p's bill of day into b (free it with bo_recon_bill_free).
 * Blocks for the provider's timeout: hold no lock. The provider's kerr_t. */
kerr_t bo_recon_fetch(const bo_provider_t *p, const char *day, bo_recon_bill_t *b, kmsg_t *msg);

void bo_recon_bill_free(bo_recon_bill_t *b);

/* Compares bill b of day with the orders paid that day and records the
 * differences of provider (its name) in one transaction (the back office's
 * side: the kiosks' QR orders that provider took and their refunds, and,
 * when kiosk_orders (the provider that takes the kiosks' orders now, [qr]
 * provider), those whose order does not say which took it), with a staff
 * alert `qr_difference` for each new one and the run recorded (job
 * qr_reconcile:PROVIDER, period day) and audited (`qr.reconcile`).
 * Running a day again adds nothing already recorded. K_EINVAL: not a day. */
kerr_t bo_recon_apply(bo_store_t *st, const bo_who_t *who, const char *provider, bool kiosk_orders, const char *day,
                      const bo_recon_bill_t *b, bo_recon_stats_t *stats, kmsg_t *msg);

/* Fetches and applies day's run with provider p (the command line's). */
kerr_t bo_recon_day(bo_store_t *st, const bo_who_t *who, const bo_provider_t *p, bool kiosk_orders, const char *day,
                    bo_recon_stats_t *stats, kmsg_t *msg);

/* The day whose run is due at now for provider: yesterday (China time)
 * once now's hour there is ready_hour or later and yesterday's run is not
 * recorded; *due false otherwise. */
kerr_t bo_recon_due(bo_store_t *st, const char *provider, int64_t now, int ready_hour, char day[11], bool *due,
                    kmsg_t *msg);

/* Marks difference id resolved, signed by an operator allowed `accounts`
 * (PIN checked), with reason (required); audited `qr.difference.resolve`.
 * K_ENOTFOUND: no such difference; K_ESTATE: resolved already. */
kerr_t bo_recon_resolve(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, int64_t id, const char *reason,
                        kmsg_t *msg);

#endif
