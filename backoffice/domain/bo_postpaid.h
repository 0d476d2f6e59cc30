/* Post-paid accounts (后付费, docs/billing.md, "Post-paid bills"): the
 * account's payment flag and floor area, bills per period drafted from the
 * daily billing rows with the charges waiting and the arrears, confirmed by
 * staff, issued, paid (oldest first) or void. Each change is one store
 * transaction with its audit row (bo_op.h); a refusal changes nothing. */
#ifndef BACKOFFICE_DOMAIN_BO_POSTPAID_H
#define BACKOFFICE_DOMAIN_BO_POSTPAID_H

#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/domain/bo_op.h"

/* A bill's states, in the order they come (void ends any but paid). */
typedef enum bo_bill_state {
    BO_BILL_DRAFT,
    BO_BILL_CONFIRMED,
    BO_BILL_ISSUED,
    BO_BILL_PAID,
    BO_BILL_VOID,
    BO_BILL_STATE_COUNT
} bo_bill_state_t;

/* "draft", "confirmed", "issued", "paid", "void". */
const char *bo_bill_state_name(bo_bill_state_t s);

/* Which bills a list shows: of an account or a site (at most one), in a
 * state, of a period "YYYY-MM" (the month of the bill's first day); NULL:
 * any. */
typedef struct bo_bill_filter {
    const char *account, *site, *state, *period;
} bo_bill_filter_t;

/* The bills f names as `bill list` prints them (bo_store_post.h, bills),
 * into out; K_EINVAL for an account and a site both given, a state or a
 * period that is none. */
kerr_t bo_bills_list(bo_store_t *st, const bo_bill_filter_t *f, bo_rows_t *out, kmsg_t *msg);

/* What an account's issued bills still ask: how many, the sum of their
 * own - paid, the oldest one's id (0: none). */
typedef struct bo_bills_owed {
    int n;
    int64_t amount, oldest;
} bo_bills_owed_t;

/* The account's issued bills not paid in full, summed. */
kerr_t bo_bills_owed(bo_store_t *st, const char *account, bo_bills_owed_t *owed, kmsg_t *msg);

/* Puts up to max of payment (already recorded) on the account's issued
 * bills oldest first, each up to what it asks, in the caller's
 * transaction; *applied what went on them. */
kerr_t bo_bills_pay_oldest(bo_store_t *st, const char *account, int64_t payment, int64_t max, int64_t now,
                           int64_t *applied, kmsg_t *msg);

/* Records under write-off writeoff what each of the account's issued
 * bills still asks, in the caller's transaction (the bills stay issued). */
kerr_t bo_bills_write_off(bo_store_t *st, const char *account, int64_t writeoff, kmsg_t *msg);

/* Staff signing a change that needs a permission: the operator and the
 * PIN they gave (checked against the central operators, docs/staff.md). */
typedef struct bo_signer {
    const char *operator_name, *pin;
} bo_signer_t;

/* Sets the account's payment to "prepaid" or "postpaid" (audited
 * account.payment with the reason); needs an operator allowed `accounts`. */
kerr_t bo_account_payment(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, const char *account,
                          const char *payment, const char *reason, kmsg_t *msg);

/* Sets the account's floor area, "85.50" m2 (hundredths; audited
 * account.area). */
kerr_t bo_account_area(bo_store_t *st, const bo_who_t *who, const char *account, const char *area, kmsg_t *msg);

/* The local dates of a period: "YYYY-MM" (the month) into from and to;
 * false if it is not one. */
bool bo_period_month(const char *period, char from[11], char to[11]);

/* Drafts the bill of a post-paid account for the days [from, to]: a line
 * per meter from its bill_day rows (energy, bands, money), a line per
 * charge waiting for a bill, a line with the arrears (what its issued
 * bills still ask), the totals from the lines (audited bill.draft). *id:
 * the bill. Refused for a prepaid or closed account, or when the account
 * has a bill from `from` not void. */
kerr_t bo_bill_draft(bo_store_t *st, const bo_who_t *who, const char *account, const char *from, const char *to,
                     int64_t *id, kmsg_t *msg);

/* Moves a bill on: confirm (draft -> confirmed, needs an operator allowed
 * `accounts`), issue (confirmed -> issued; bo_bills_on_issued is called
 * with the notices' settings ncfg, NULL: no notice),
 * void (draft, confirmed or issued -> void with a reason, needs the
 * permission; an issued bill with payments on it cannot be void). Audited
 * bill.confirm, bill.issue, bill.void. K_ESTATE naming the state for a
 * move out of order. */
kerr_t bo_bill_confirm(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, int64_t id, kmsg_t *msg);
kerr_t bo_bill_issue(bo_store_t *st, const bo_who_t *who, const bo_notices_cfg_t *ncfg, int64_t id, kmsg_t *msg);
kerr_t bo_bill_void(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, int64_t id, const char *reason,
                    kmsg_t *msg);

/* Where a bill's notice starts: called in the transaction that issues the
 * bill, with the bill as issued, it queues the bill issued notice for the
 * account's contact (bo_notice_bill: a row per channel in the notices'
 * outbox, keyed bill:ACCOUNT:BILL-ID, so one notice per bill); ncfg NULL
 * queues nothing. A failure to queue fails the issue. */
kerr_t bo_bills_on_issued(bo_store_t *st, const bo_notices_cfg_t *ncfg, const bo_bill_rec_t *bill, int64_t now,
                          kmsg_t *msg);

/* Records a payment of amount (minor units) for the account of bill `id`
 * by method (counter, bank, kiosk) with its reference (unique per
 * method): it goes to the account's issued bills oldest first, each up to
 * what it still asks; a bill paid in full becomes paid. Refused when the
 * bill is not issued, or amount is more than the account's issued bills
 * ask. Audited bill.pay. */
kerr_t bo_bill_pay(bo_store_t *st, const bo_who_t *who, int64_t id, int64_t amount, const char *method,
                   const char *ref, kmsg_t *msg);

/* A payment a kiosk took for an account's bills (topic bill_payment). */
typedef struct bo_kiosk_pay {
    const char *kiosk, *account, *ref; /* ref: the kiosk's sale id, unique per method kiosk */
    int64_t amount;
} bo_kiosk_pay_t;

/* Records the kiosk's payment (method kiosk) inside the caller's
 * transaction: on the account's issued bills oldest first, as bo_bill_pay;
 * what is more than they ask (a bill paid meanwhile, an overpayment) is
 * recorded with the payment but put on no bill: *unapplied says how much,
 * for staff to refund or credit. K_ECONFLICT if the reference was recorded
 * before. Audited bill.pay as kiosk:K, target the account. */
kerr_t bo_bill_pay_kiosk(bo_store_t *st, const bo_kiosk_pay_t *p, int64_t now, int64_t *payment,
                         int64_t *unapplied, kmsg_t *msg);

/* The most bills a kiosk is shown; more are counted in the total. */
#define BO_DUE_MAX 24

/* One issued bill not paid in full, as a kiosk shows it. */
typedef struct bo_due_bill {
    int64_t id, total, paid, due; /* due = own - paid */
    char from[11], to[11];
} bo_due_bill_t;

/* What an account owes (docs/billing.md, "At the kiosk"). */
typedef struct bo_due {
    char account[65], payment[16], currency[8];
    int64_t owed; /* every open bill's due, summed */
    int n, more;  /* bills listed, and those left out */
    bo_due_bill_t bill[BO_DUE_MAX];
} bo_due_t;

/* Whether kiosk may act for account: K_OK if one of the meters bound to
 * it is in the kiosk's scope (bo_scope.h); K_ENOTFOUND for an account not
 * known, K_EDENIED otherwise, why saying so for staff; K_EIO. */
kerr_t bo_account_scope(bo_store_t *st, const char *kiosk, const char *account, kmsg_t *why);

/* What account owes, for kiosk (its scope checked as bo_account_scope):
 * its issued bills not paid in full, oldest first. */
kerr_t bo_bill_due(bo_store_t *st, const char *kiosk, const char *account, bo_due_t *d, kmsg_t *msg);

/* Whether the staff member may do what needs permission `perm` (a
 * core/perm.h perm_t): an enabled central operator whose group holds it
 * and whose PIN is right. K_EDENIED saying what is missing. */
kerr_t bo_signer_check(bo_store_t *st, const bo_signer_t *sig, int perm, kmsg_t *msg);

#endif
