/* What a post-paid account owes, asked of the back office (docs/sync.md,
 * "Bill payments"; docs/billing.md, "At the kiosk"): its issued bills not
 * paid in full, oldest first, for an account the kiosk may act for. */
#ifndef SYNC_SYNC_BILL_H
#define SYNC_SYNC_BILL_H

#include "sync/sync_client.h"

/* The most bills kept of an answer (the back office lists at most 24). */
#define SYNC_DUE_MAX 24

/* One issued bill not paid in full. */
typedef struct sync_bill_due {
    int64_t id, total, paid, due; /* due: what the bill itself still asks */
    char from[11], to[11];        /* its period, local days YYYY-MM-DD */
} sync_bill_due_t;

/* What the account owes. */
typedef struct sync_due {
    char account[65], payment[16], currency[8];
    int64_t owed, more; /* every open bill's due summed; bills not listed */
    int n;
    sync_bill_due_t bill[SYNC_DUE_MAX];
} sync_due_t;

/* GET accounts/{account}/due. K_ENOTFOUND for an account the back office
 * does not know, K_EDENIED for one whose meters are not the kiosk's to act
 * for (the back office's message in msg), K_EINVAL for an account id that
 * is not 1 to 64 of [A-Za-z0-9._-] or an answer that makes no sense,
 * K_EDEVICE for another refusal; whether the back office answered is
 * recorded in l's link state (l may be NULL). */
kerr_t sync_account_due(sync_client_t *c, ledger_t *l, const char *account, sync_due_t *d, kmsg_t *msg);

/* Whether a payment of amount may be taken for the account d describes,
 * before any money is: K_ESTATE "no bill is due for account A" when it
 * owes nothing, K_EINVAL when amount is more than it owes (the kiosk
 * gives no change, and an overpayment is the staff's to refund). */
kerr_t sync_bill_payable(const sync_due_t *d, int64_t amount, kmsg_t *msg);

/* Whether the back office answers now (GET /v1/health): K_OK if it does;
 * what a bill payment needs before it may be offered. */
kerr_t sync_health(sync_client_t *c, kmsg_t *msg);

#endif
