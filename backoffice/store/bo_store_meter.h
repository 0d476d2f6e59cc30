/* The storage interface (bo_store.h), its meter part: customers, meters,
 * accounts and their bindings, which site serves which meter (scope and
 * grants), and the purchase counts with their leases. */
#ifndef BACKOFFICE_STORE_BO_STORE_METER_H
#define BACKOFFICE_STORE_BO_STORE_METER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* A meter as it is registered. */
typedef struct bo_meter_rec {
    const char *id, *customer, *protocol, *gateway, *kind, *tariff, *site;
} bo_meter_rec_t;

/* A meter as the registry document shows it (docs/accounts.md). */
typedef struct bo_registry_rec {
    const char *meter, *customer, *protocol, *gateway, *kind, *tariff;
    const char *account; /* bound now, else the last one; "" if never bound */
    const char *status;  /* open, unassigned, closed, removed */
    bool first_zero_ok;
} bo_registry_rec_t;

/* An account. */
typedef struct bo_account_rec {
    char customer[65], state[16]; /* open, closed */
    int64_t opened_at, closed_at, balance, settled;
} bo_account_rec_t;

/* Why a meter left service. */
typedef struct bo_removed_rec {
    int64_t at;
    char reason[200];
} bo_removed_rec_t;

/* What the scope check reads for (kiosk, meter). */
typedef struct bo_scope_rec {
    char site[65]; /* the kiosk's site; "" if the kiosk is not known */
    bool known;    /* the meter is registered */
    char home[65]; /* the meter's site ("" if none) */
    bool granted;  /* a live grant gives the kiosk's site the meter */
} bo_scope_rec_t;

/* A grant: a site serves one meter, or every meter of another site. */
typedef struct bo_grant_rec {
    const char *site, *from_site, *meter; /* from_site or meter "" */
    const char *reason, *by;
    int64_t at;
} bo_grant_rec_t;

typedef void (*bo_registry_cb)(void *arg, const bo_registry_rec_t *m);
typedef void (*bo_meter_id_cb)(void *arg, const char *meter);

typedef struct bo_st_meters {
    kerr_t (*customer_add)(void *ctx, const char *id, const char *name, kmsg_t *msg); /* K_ECONFLICT: taken */
    kerr_t (*customer_exists)(void *ctx, const char *id, bool *found, kmsg_t *msg);
    /* The meter's site ("" if none); *found false if it is not registered. */
    kerr_t (*meter_site)(void *ctx, const char *id, char site[65], bool *found, kmsg_t *msg);
    /* Registers m: replace, as a new row whatever was there; else only if
     * new (K_ECONFLICT if not). */
    kerr_t (*meter_put)(void *ctx, const bo_meter_rec_t *m, bool replace, kmsg_t *msg);
    /* Registers m (its customer ignored) for account's customer, or updates its protocol,
     * gateway, kind, tariff and site if registered. */
    kerr_t (*meter_install)(void *ctx, const bo_meter_rec_t *m, const char *account, kmsg_t *msg);
    kerr_t (*meter_set_site)(void *ctx, const char *id, const char *site, kmsg_t *msg);
    kerr_t (*meter_set_customer)(void *ctx, const char *id, const char *customer, kmsg_t *msg);
    kerr_t (*removed_get)(void *ctx, const char *meter, bo_removed_rec_t *r, bool *found, kmsg_t *msg);
    kerr_t (*removed_put)(void *ctx, const char *meter, int64_t at, int64_t final_reading, const char *reason,
                          kmsg_t *msg);
    kerr_t (*removed_drop)(void *ctx, const char *meter, kmsg_t *msg);
    kerr_t (*registry_each)(void *ctx, bo_registry_cb fn, void *arg, kmsg_t *msg);
    kerr_t (*account_get)(void *ctx, const char *id, bo_account_rec_t *a, bool *found, kmsg_t *msg);
    kerr_t (*account_add)(void *ctx, const char *id, const char *customer, int64_t at, int64_t balance, kmsg_t *msg);
    kerr_t (*account_set_customer)(void *ctx, const char *id, const char *customer, kmsg_t *msg);
    /* Adds amount to the account's carried balance. */
    kerr_t (*account_credit)(void *ctx, const char *id, int64_t amount, kmsg_t *msg);
    /* Closes it: settled takes the balance (then 0), with the settlement. */
    kerr_t (*account_close)(void *ctx, const char *id, int64_t at, const char *reason, const char *settlement,
                            kmsg_t *msg);
    kerr_t (*account_set_carried_to)(void *ctx, const char *id, const char *to, kmsg_t *msg);
    /* The oldest open account of customer (by opening, then id). */
    kerr_t (*account_first_open)(void *ctx, const char *customer, char id[65], bool *found, kmsg_t *msg);
    /* What closed accounts of customer carried forward and no account took yet. */
    kerr_t (*carried_sum)(void *ctx, const char *customer, int64_t *sum, kmsg_t *msg);
    /* Those balances are taken by account `to`. */
    kerr_t (*carried_take)(void *ctx, const char *customer, const char *to, kmsg_t *msg);
    /* The account meter is bound to now (*found false if none). */
    kerr_t (*binding_of)(void *ctx, const char *meter, char account[65], bool *found, kmsg_t *msg);
    /* Calls fn for each meter bound to account now, in binding order. */
    kerr_t (*bound_each)(void *ctx, const char *account, bo_meter_id_cb fn, void *arg, kmsg_t *msg);
    kerr_t (*bind)(void *ctx, const char *account, const char *meter, int64_t at, kmsg_t *msg);
    /* Ends meter's live binding (final_reading < 0: none known). */
    kerr_t (*unbind)(void *ctx, const char *meter, int64_t at, int64_t final_reading, const char *why, kmsg_t *msg);
    /* Ends the zero first purchase of meter's live binding if it was bound
     * at or before created_at; *changed if it did. Keyed (the meter's). */
    kerr_t (*first_zero_end)(void *ctx, const char *meter, int64_t created_at, bool *changed, kmsg_t *msg);
    kerr_t (*scope_get)(void *ctx, const char *kiosk, const char *meter, bo_scope_rec_t *s, kmsg_t *msg);
    /* The live grant of (site, from_site, meter): its id, 0 if none. */
    kerr_t (*grant_live)(void *ctx, const char *site, const char *from_site, const char *meter, int64_t *id,
                         kmsg_t *msg);
    kerr_t (*grant_add)(void *ctx, const bo_grant_rec_t *g, kmsg_t *msg);
    kerr_t (*grant_revoke)(void *ctx, int64_t id, int64_t at, const char *by, const char *reason, kmsg_t *msg);
} bo_st_meters_t;

/* The one lease a meter may have: a count handed to one kiosk's sale. */
typedef struct bo_lease {
    bool held;
    char kiosk[65], txn[37];
    int64_t count;
    int64_t granted_at; /* when the sale was first given the count */
    int64_t ends_at;    /* after this another sale may take the count */
} bo_lease_t;

typedef struct bo_st_counts {
    /* The highest count known to be used on meter (0 if none). */
    kerr_t (*highest)(void *ctx, const char *meter, int64_t *out, kmsg_t *msg);
    /* Raises the highest count to count if it is higher. Keyed (the meter's). */
    kerr_t (*seen)(void *ctx, const char *meter, int64_t count, int64_t at, kmsg_t *msg);
    kerr_t (*lease_get)(void *ctx, const char *meter, bo_lease_t *l, kmsg_t *msg);
    /* Stores l as the meter's lease and records that its count went to
     * its sale (one sale per count: the latest). */
    kerr_t (*lease_put)(void *ctx, const char *meter, const bo_lease_t *l, int64_t at, kmsg_t *msg);
    kerr_t (*lease_drop)(void *ctx, const char *meter, bool *changed, kmsg_t *msg); /* keyed (the meter's) */
    /* The sale count `count` of meter was last given to ("" if never). */
    kerr_t (*given_to)(void *ctx, const char *meter, int64_t count, char kiosk[65], char txn[37], kmsg_t *msg);
    /* How many leases kiosk holds that have not ended at `at`, on meters
     * other than `except`. */
    kerr_t (*live)(void *ctx, const char *kiosk, const char *except, int64_t at, int64_t *n, kmsg_t *msg);
} bo_st_counts_t;

#endif
