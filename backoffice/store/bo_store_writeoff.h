/* The storage interface (bo_store.h), its write-offs part (docs/
 * accounts.md, "Closing an account that owes"): the debt staff write off
 * when they close an account that owes, and what of each unpaid bill it
 * covered. */
#ifndef BACKOFFICE_STORE_BO_STORE_WRITEOFF_H
#define BACKOFFICE_STORE_BO_STORE_WRITEOFF_H

#include <stdint.h>

#include "base/err.h"

/* A write-off: the account's negative balance and its bills' unpaid parts
 * (minor units), the operator who signed it, why, when. */
typedef struct bo_writeoff_rec {
    const char *account, *operator_name, *reason;
    int64_t balance, bills, at;
} bo_writeoff_rec_t;

typedef struct bo_st_writeoff {
    /* Records w (*id its number). */
    kerr_t (*add)(void *ctx, const bo_writeoff_rec_t *w, int64_t *id, kmsg_t *msg);
    /* Records that write-off id covered amount of bill. */
    kerr_t (*bill)(void *ctx, int64_t id, int64_t bill, int64_t amount, kmsg_t *msg);
} bo_st_writeoff_t;

#endif
