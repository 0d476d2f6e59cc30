/* Between the purchase-count service's files: a meter's lease as stored
 * (bo_count_lease.c), the service's decisions (bo_counts.c) and its
 * endpoints (bo_counts_http.c). */
#ifndef BACKOFFICE_BO_COUNTS_INT_H
#define BACKOFFICE_BO_COUNTS_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_decode.h"
#include "kiosk/core/err.h"

/* The one lease a meter may have: a count handed to one kiosk's sale. */
typedef struct bo_lease {
    bool held;
    char kiosk[65], txn[37];
    int64_t count;
    int64_t granted_at; /* when the sale was first given the count */
    int64_t ends_at;    /* after this another sale may take the count */
} bo_lease_t;

/* Why a count request is refused (bo_counts_http.c answers each with its
 * HTTP status and error code, sync/openapi.yaml). */
typedef enum bo_refusal {
    BO_REFUSE_NONE,
    BO_REFUSE_SCOPE,       /* the meter is not in the kiosk's scope: 403 meter_out_of_scope */
    BO_REFUSE_BUSY,        /* another sale's lease lasts: 409 meter_busy */
    BO_REFUSE_IMPLAUSIBLE, /* the count breaks the count rule, held for staff: 409 count_implausible */
    BO_REFUSE_MOVED,       /* a renewal of a count given to another sale, or too old: 409 count_moved */
    BO_REFUSE_MANY,        /* the kiosk holds leases_per_kiosk leases: 409 too_many_leases */
} bo_refusal_t;

/* A count request's outcome: the lease (or the count alone, for a renewal
 * of a count on the meter already), the highest count, or the refusal. */
typedef struct bo_count_outcome {
    bo_refusal_t refused;
    bo_lease_t lease;
    int64_t count, highest;
} bo_count_outcome_t;

/* One count request of kiosk, inside the server's transaction at now; the
 * refusal's or the failure's message goes to msg. */
typedef struct bo_count_req {
    struct bo_server *s;
    const char *kiosk;
    int64_t now;
    bo_count_outcome_t *out;
    kmsg_t *msg;
} bo_count_req_t;

/* *ok if the kiosk may act for meter; otherwise refused (BO_REFUSE_SCOPE). */
kerr_t bo__counts_in_scope(const bo_count_req_t *q, const char *meter, bool *ok);

/* A reservation, or with rq->count a renewal (bo_counts.c). */
kerr_t bo__counts_reserve(const bo_count_req_t *q, const bo_reserve_t *rq);

/* Ends the sale's lease, recording its count as applied if so. */
kerr_t bo__counts_release(const bo_count_req_t *q, const bo_release_t *rl);

/* The highest count known to be used on meter (0 if none). */
kerr_t bo__count_highest(sqlite3 *db, const char *meter, int64_t *out, kmsg_t *msg);

/* The meter's lease (held false if none). */
kerr_t bo__count_lease(sqlite3 *db, const char *meter, bo_lease_t *l, kmsg_t *msg);

/* Stores l as the meter's lease and records that its count went to its
 * sale (count_grant, one sale per count: the latest). */
kerr_t bo__count_put(sqlite3 *db, const char *meter, const bo_lease_t *l, int64_t now, kmsg_t *msg);

/* Ends the meter's lease, whoever holds it. */
kerr_t bo__count_drop(sqlite3 *db, const char *meter, kmsg_t *msg);

/* The sale count `count` of meter was last given to: kiosk and txn ("" if
 * the service never gave that count). */
kerr_t bo__count_given_to(sqlite3 *db, const char *meter, int64_t count, char kiosk[65], char txn[37], kmsg_t *msg);

/* How many leases kiosk holds that have not ended at now, on meters other
 * than `except`. */
kerr_t bo__count_live(sqlite3 *db, const char *kiosk, const char *except, int64_t now, int64_t *n, kmsg_t *msg);

/* True if l is the lease of kiosk's sale txn. */
bool bo__count_is(const bo_lease_t *l, const char *kiosk, const char *txn);

#endif
