/* The purchase-count service (docs/sync.md, "Purchase counts"). A meter
 * takes a credit only with its count + 1, so the service gives one sale at
 * a time a lease on the next count of a meter: the highest count known
 * (from uploads, readings and releases, or the kiosk's own reading) + 1.
 * While a lease lasts no other sale gets a count for that meter; the same
 * sale asking again gets the same count and a renewed lease. A lease ends
 * with the sale (its final state uploaded, a release, a reading showing the
 * count applied) or by time: lease_seconds after it was granted or last
 * renewed; a sale may renew it only until lease_max_seconds after the
 * grant. Once it ended another sale may take the count; the first sale
 * learns it when it renews before sending again (count_moved) and must not
 * send. A kiosk acts only for the meters in its scope, holds at most
 * leases_per_kiosk leases, and a `seen` count beyond the count rule is
 * held for staff, not used. */
#ifndef BACKOFFICE_DOMAIN_BO_COUNTS_H
#define BACKOFFICE_DOMAIN_BO_COUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/base/bo_decode.h"
#include "backoffice/store/bo_store.h"
#include "base/err.h"

/* Why a count request is refused (the HTTP layer answers each with its
 * status and error code, sync/openapi.yaml). */
typedef enum bo_refusal {
    BO_REFUSE_NONE,
    BO_REFUSE_SCOPE,       /* the meter is not in the kiosk's scope: 403 meter_out_of_scope */
    BO_REFUSE_BUSY,        /* another sale's lease lasts: 409 meter_busy */
    BO_REFUSE_IMPLAUSIBLE, /* the count breaks the count rule, held for staff: 409 count_implausible */
    BO_REFUSE_MOVED,       /* a renewal of a count given to another sale, or too old: 409 count_moved */
    BO_REFUSE_MANY,        /* the kiosk holds leases_per_kiosk leases: 409 too_many_leases */
} bo_refusal_t;

/* A count request's outcome: the lease (or the count alone, for a renewal
 * of a count on the meter already), the highest count, or the refusal
 * (its message in msg). */
typedef struct bo_count_outcome {
    bo_refusal_t refused;
    bo_lease_t lease;
    int64_t count, highest;
} bo_count_outcome_t;

/* Who asks, when, under which settings. */
typedef struct bo_count_ctx {
    bo_store_t *st;
    const bo_config_t *cfg;
    const char *kiosk;
    int64_t now;
} bo_count_ctx_t;

/* A reservation, or with rq->count a renewal, as one transaction; a
 * refusal commits what it wrote (a count held for staff stays held). */
kerr_t bo_count_reserve(const bo_count_ctx_t *c, const bo_reserve_t *rq, bo_count_outcome_t *out, kmsg_t *msg);

/* Ends the sale's lease, recording its count as applied if so; one
 * transaction. */
kerr_t bo_count_release(const bo_count_ctx_t *c, const bo_release_t *rl, bo_count_outcome_t *out, kmsg_t *msg);

/* The meter's highest count and lease, if the kiosk may act for it. */
kerr_t bo_count_get(const bo_count_ctx_t *c, const char *meter, bo_count_outcome_t *out, kmsg_t *msg);

/* Called for each stored transaction state (in the caller's transaction):
 * keeps the highest count and the lease in step. */
kerr_t bo_counts_on_txn(bo_store_t *st, const char *kiosk, const bo_txn_t *t, int64_t now, kmsg_t *msg);

/* Called for each stored meter reading: the count it shows is applied. */
kerr_t bo_counts_seen(bo_store_t *st, const char *meter, int64_t count, int64_t now, kmsg_t *msg);

/* `count release METER`: staff end a lease whose sale will never finish
 * (a kiosk gone for good); K_ENOTFOUND if the meter holds none. */
kerr_t bo_count_drop(bo_store_t *st, const char *meter, kmsg_t *msg);

#endif
