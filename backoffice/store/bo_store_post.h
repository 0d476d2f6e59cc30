/* The storage interface (bo_store.h), its post-paid part (docs/billing.md,
 * "Post-paid bills", "Other charges", "Apportionment"): the account's
 * payment flag and floor area, bills with their lines and payments, charge
 * items and the charges applied, apportionment groups and their runs.
 * Periods are local dates "YYYY-MM-DD" (inclusive) of bill_day; a charge's
 * period is "YYYY-MM" or "once". Money in minor units, areas in hundredths
 * of a square metre, energy in milli-units. */
#ifndef BACKOFFICE_STORE_BO_STORE_POST_H
#define BACKOFFICE_STORE_BO_STORE_POST_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "base/err.h"

/* An account as billing sees it (site: its meters' site, "" if none;
 * opened_at: ms). */
typedef struct bo_post_account {
    char id[65], state[16], payment[16], site[65];
    int64_t area, balance, opened_at;
} bo_post_account_t;

/* One meter's use in a period, summed from its bill_day rows. */
typedef struct bo_post_use {
    const char *meter, *currency;
    bool bands;
    int64_t energy, band[4], money;
} bo_post_use_t;

/* A bill's header. */
typedef struct bo_bill_rec {
    int64_t id;
    char account[65], site[65], from[11], to[11], currency[8], state[16];
    int64_t energy, band[4], amount, charges, own, arrears, total, paid;
} bo_bill_rec_t;

/* A bill's line as drafted (kind: energy, charge, arrears). */
typedef struct bo_bill_line {
    const char *kind, *item, *meter;
    int64_t energy, band[4], amount;
    bool bands;
} bo_bill_line_t;

/* A charge item of a site (basis fixed: rate is the amount; area: minor
 * units per m2; every: month or once; created_at: ms, as read back). */
typedef struct bo_charge_item {
    char id[33], site[65], name[65], basis[8], every[8];
    int64_t rate, created_at;
} bo_charge_item_t;

/* A charge applied to an account for a period. */
typedef struct bo_charge_rec {
    const char *item, *account, *period, *name, *mode, *detail;
    int64_t amount, balance_after; /* balance_after: deducted ones only */
    int64_t at;
} bo_charge_rec_t;

/* An apportionment group. */
typedef struct bo_apportion_group {
    char id[33], site[65], master[65], common[16], split[8];
    int64_t price; /* minor units per 1000 milli-units (per kWh, per m3) */
} bo_apportion_group_t;

/* A group's run for a period. */
typedef struct bo_apportion_run {
    const char *group, *period, *warning;
    int64_t master, subs, common, amount, at;
} bo_apportion_run_t;

typedef void (*bo_post_use_cb)(void *arg, const bo_post_use_t *u);
typedef void (*bo_post_account_cb)(void *arg, const bo_post_account_t *a);
typedef void (*bo_bill_cb)(void *arg, const bo_bill_rec_t *b);
typedef void (*bo_charge_item_cb)(void *arg, const bo_charge_item_t *c);
/* A charge waiting for a bill: its row id, item name and amount. */
typedef void (*bo_charge_due_cb)(void *arg, int64_t id, const char *item, const char *name, int64_t amount);
/* An apportionment member: its meter, weight, account ("" if on none)
 * and the account's area. */
typedef void (*bo_member_cb)(void *arg, const char *meter, int64_t weight, const char *account, int64_t area);

/* Which bills a listing holds. */
typedef enum bo_bill_list { BO_BILLS_ACCOUNT, BO_BILLS_SITE, BO_BILLS_STATE, BO_BILLS_ALL } bo_bill_list_t;

typedef struct bo_st_post {
    /* The account (*found false if not known). */
    kerr_t (*account_get)(void *ctx, const char *id, bo_post_account_t *a, bool *found, kmsg_t *msg);
    /* Sets its payment flag or its area (*changed false: not known). */
    kerr_t (*account_payment)(void *ctx, const char *id, const char *payment, bool *changed, kmsg_t *msg);
    kerr_t (*account_area)(void *ctx, const char *id, int64_t area, bool *changed, kmsg_t *msg);
    /* The open accounts with a live meter on site, by id. */
    kerr_t (*accounts_of_site)(void *ctx, const char *site, bo_post_account_cb fn, void *arg, kmsg_t *msg);
    /* Each meter the account holds or held, with its bill_day rows of
     * [from, to] summed (meters without rows then are left out). */
    kerr_t (*use_each)(void *ctx, const char *account, const char *from, const char *to, bo_post_use_cb fn,
                       void *arg, kmsg_t *msg);
    /* What the account's issued bills still ask (own - paid, summed). */
    kerr_t (*unpaid)(void *ctx, const char *account, int64_t *amount, kmsg_t *msg);
    /* The account's billed charges no bill has taken yet, oldest first. */
    kerr_t (*charges_due)(void *ctx, const char *account, bo_charge_due_cb fn, void *arg, kmsg_t *msg);
    /* Stores a draft's header (b->id set); K_ECONFLICT if the account has
     * a bill from the same day not void. */
    kerr_t (*bill_add)(void *ctx, bo_bill_rec_t *b, int64_t at, kmsg_t *msg);
    /* Stores line n of bill; for a charge line, the charge row `charge`
     * is taken by the bill. */
    kerr_t (*line_add)(void *ctx, int64_t bill, int n, const bo_bill_line_t *l, int64_t charge, kmsg_t *msg);
    kerr_t (*bill_get)(void *ctx, int64_t id, bo_bill_rec_t *b, bool *found, kmsg_t *msg);
    /* Moves the bill from state `from` to `to`, stamping the time (and who
     * confirmed, the reason of a void); *changed false if it was not in
     * `from`. A void bill gives its charges back (taken by the next draft). */
    kerr_t (*bill_state)(void *ctx, int64_t id, const char *from, const char *to, const char *who,
                         const char *reason, int64_t at, bool *changed, kmsg_t *msg);
    /* The account's issued bills not paid in full, oldest first. */
    kerr_t (*open_each)(void *ctx, const char *account, bo_bill_cb fn, void *arg, kmsg_t *msg);
    /* Records a payment (*id); K_ECONFLICT if method and ref were used. */
    kerr_t (*payment_add)(void *ctx, const char *account, int64_t amount, const char *method, const char *ref,
                          const char *actor, int64_t at, int64_t *id, kmsg_t *msg);
    /* Puts part of payment on bill (paid in full: state paid at `at`). */
    kerr_t (*payment_part)(void *ctx, int64_t payment, int64_t bill, int64_t amount, int64_t at, kmsg_t *msg);
    /* Listings: bills (which: by account, site, state or all), a bill with
     * its lines, the arrears by account (site "" every site). */
    kerr_t (*bills)(void *ctx, bo_bill_list_t which, const char *id, bo_rows_t *out, kmsg_t *msg);
    kerr_t (*bill_lines)(void *ctx, int64_t id, bo_rows_t *out, kmsg_t *msg);
    kerr_t (*arrears)(void *ctx, const char *site, bo_rows_t *out, kmsg_t *msg);
} bo_st_post_t;

typedef struct bo_st_charge {
    /* Charge items: stored (K_ECONFLICT: the id is taken), a site's. */
    kerr_t (*item_add)(void *ctx, const bo_charge_item_t *c, int64_t at, kmsg_t *msg);
    kerr_t (*items_each)(void *ctx, const char *site, bo_charge_item_cb fn, void *arg, kmsg_t *msg);
    kerr_t (*items)(void *ctx, const char *site, bo_rows_t *out, kmsg_t *msg);
    /* Records a charge applied; *added false if (item, account, period)
     * was applied already (nothing written). */
    kerr_t (*charge_add)(void *ctx, const bo_charge_rec_t *c, bool *added, kmsg_t *msg);
    /* An account's charges applied (all accounts of site when account is
     * NULL), newest first. */
    kerr_t (*charges)(void *ctx, const char *account, const char *site, bo_rows_t *out, kmsg_t *msg);
    /* Apportionment groups: one stored with its members (K_ECONFLICT: the
     * id is taken), read, its members with their accounts now. */
    kerr_t (*group_add)(void *ctx, const bo_apportion_group_t *g, int64_t at, kmsg_t *msg);
    kerr_t (*member_add)(void *ctx, const char *group, const char *meter, int64_t weight, kmsg_t *msg);
    kerr_t (*group_get)(void *ctx, const char *id, bo_apportion_group_t *g, bool *found, kmsg_t *msg);
    kerr_t (*members_each)(void *ctx, const char *group, bo_member_cb fn, void *arg, kmsg_t *msg);
    /* A meter's energy billed on the days [from, to]. */
    kerr_t (*meter_energy)(void *ctx, const char *meter, const char *from, const char *to, int64_t *energy,
                           kmsg_t *msg);
    /* Records a run; *added false if the group ran for the period already. */
    kerr_t (*run_add)(void *ctx, const bo_apportion_run_t *r, bool *added, kmsg_t *msg);
    /* A group with its members and its runs. */
    kerr_t (*group_rows)(void *ctx, const char *id, bo_rows_t *out, kmsg_t *msg);
} bo_st_charge_t;

#endif
