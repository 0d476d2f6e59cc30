/* A payment a kiosk took for an account's post-paid bills (topic
 * bill_payment, docs/sync.md): the account in the kiosk's scope, recorded
 * once by its reference (the kiosk's sale id), on the issued bills oldest
 * first; what the bills no longer ask is parked for staff with an alert. */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_ingest_int.h"
#include "backoffice/domain/bo_postpaid.h"

#define MONEY_MAX 1000000000000LL

typedef struct bill_row {
    char txn_id[40], account[65], method[16], ref[65];
    int64_t amount;
} bill_row_t;

static kerr_t decode(const cJSON *p, bill_row_t *b, kmsg_t *why)
{
    kerr_t rc = bo_json_str(p, "txn_id", b->txn_id, sizeof b->txn_id, why);
    if (rc == K_OK)
        rc = bo_json_str(p, "account", b->account, sizeof b->account, why);
    if (rc == K_OK)
        rc = bo_json_int(p, "amount", 1, MONEY_MAX, &b->amount, why);
    if (rc == K_OK)
        rc = bo_json_str(p, "method", b->method, sizeof b->method, why);
    if (rc == K_OK)
        rc = bo_json_str(p, "ref", b->ref, sizeof b->ref, why);
    if (rc == K_OK && strcmp(b->method, "kiosk") != 0)
        rc = kmsg_set(why, K_EINVAL, "'method' of a kiosk's bill payment is kiosk, not '%s'", b->method);
    if (rc == K_OK && (!b->txn_id[0] || !b->account[0] || !b->ref[0]))
        rc = kmsg_set(why, K_EINVAL, "'txn_id', 'account' and 'ref' must not be empty");
    return rc;
}

/* Out of scope or unknown: rejected, and staff alerted (the money is the
 * kiosk's sale: its ledger keeps it). */
static kerr_t refuse(const bo_in_t *in, const kmsg_t *why)
{
    char evidence[512];
    *in->status = BO_REJECTED;
    kmsg_set(in->reason, K_OK, "%s", why->text);
    snprintf(evidence, sizeof evidence, "kiosk %s uploaded a bill payment (outbox seq %lld) refused: %s", in->kiosk,
             (long long)in->row->seq, why->text);
    return bo_alert_staff(in->st, in->now, "out_of_scope", "", evidence, in->msg);
}

/* The part no bill asks: kept with the payment, staff alerted. */
static kerr_t park(const bo_in_t *in, const bill_row_t *b, int64_t payment, int64_t unapplied)
{
    char evidence[512];
    snprintf(evidence, sizeof evidence,
             "kiosk %s took %lld for account %s (payment %lld, sale %s) and its issued bills asked %lld of it: "
             "%lld is on no bill; refund it or credit it to the account",
             in->kiosk, (long long)b->amount, b->account, (long long)payment, b->txn_id,
             (long long)(b->amount - unapplied), (long long)unapplied);
    kmsg_set(in->reason, K_OK, "recorded as payment %lld; %lld more than the bills ask, held for staff", (long long)payment,
             (long long)unapplied);
    return bo_alert_staff(in->st, in->now, "bill_overpaid", "", evidence, in->msg);
}

kerr_t bo__ingest_bill_payment(const bo_in_t *in)
{
    bill_row_t b;
    kmsg_t why = {{0}};
    if (decode(in->row->payload, &b, in->reason) != K_OK) {
        *in->status = BO_REJECTED;
        return K_OK;
    }
    kerr_t rc = in->rules ? bo_account_scope(in->st, in->kiosk, b.account, &why) : K_OK;
    if (rc == K_EIO)
        return kmsg_set(in->msg, K_EIO, "%s", why.text);
    if (rc)
        return refuse(in, &why);
    const bo_kiosk_pay_t p = {in->kiosk, b.account, b.ref, b.amount};
    int64_t payment = 0, unapplied = 0;
    char dup[160];
    snprintf(dup, sizeof dup, "this bill payment (reference %s) was received before", b.ref);
    rc = bo__ingest_once(in, bo_bill_pay_kiosk(in->st, &p, in->now, &payment, &unapplied, in->msg), dup);
    if (rc || *in->status == BO_DUPLICATE || unapplied == 0)
        return rc;
    return park(in, &b, payment, unapplied);
}
