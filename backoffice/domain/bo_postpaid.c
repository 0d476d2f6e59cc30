/* Post-paid accounts (bo_postpaid.h): the payment flag, the floor area,
 * the month as a period. Drafting is bo_bill_draft.c, the states
 * bo_bill_state.c, paying bo_bill_pay.c. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_postpaid.h"
#include "core/kmath.h"
#include "core/perm.h"

#define AREA_MAX 100000000 /* 1,000,000.00 m2 */

kerr_t bo_account_payment(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, const char *account,
                          const char *payment, const char *reason, kmsg_t *msg)
{
    if (!payment || (strcmp(payment, "prepaid") != 0 && strcmp(payment, "postpaid") != 0))
        return kmsg_set(msg, K_EINVAL, "an account is prepaid or postpaid, not '%s'", payment ? payment : "");
    if (!reason || !reason[0])
        return kmsg_set(msg, K_EINVAL, "changing how an account pays needs --reason TEXT (audited)");
    kerr_t rc = bo_signer_check(st, sig, PERM_ACCOUNTS, msg);
    if (rc)
        return rc;
    bo_op_t op;
    bo_post_account_t a = {0};
    bool found = false, changed = false;
    char detail[96];
    rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->post->account_get(st->ctx, account, &a, &found, msg);
    if (rc == K_OK && !found)
        rc = bo_op_nothing(msg, account);
    if (rc == K_OK && strcmp(a.state, "open") != 0)
        rc = kmsg_set(msg, K_ESTATE, "account %s is %s: nothing changed", account, a.state);
    if (rc == K_OK)
        rc = st->ops->post->account_payment(st->ctx, account, payment, &changed, msg);
    snprintf(detail, sizeof detail, "%s -> %s operator %s", a.payment, payment, sig->operator_name);
    return bo_op_end(&op, rc, "account.payment", account, reason, detail, NULL, NULL);
}

kerr_t bo_account_area(bo_store_t *st, const bo_who_t *who, const char *account, const char *area, kmsg_t *msg)
{
    int64_t v = 0;
    if (!area || kmath_parse_fixed(area, 2, &v, msg) != K_OK || v < 0 || v > AREA_MAX)
        return kmsg_set(msg, K_EINVAL, "an area is square metres with at most two decimals (85.50), not '%s'",
                        area ? area : "");
    bo_op_t op;
    bool changed = false;
    char detail[40];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->post->account_area(st->ctx, account, v, &changed, msg);
    if (rc == K_OK && !changed)
        rc = bo_op_nothing(msg, account);
    snprintf(detail, sizeof detail, "area %s m2", area);
    return bo_op_end(&op, rc, "account.area", account, "", detail, NULL, NULL);
}

bool bo_period_month(const char *period, char from[11], char to[11])
{
    char first[16];
    int64_t day;
    if (!period || strlen(period) != 7)
        return false;
    snprintf(first, sizeof first, "%s-01", period);
    if (!bo_bill_day_parse(first, &day))
        return false;
    bo_bill_day_text(day, from);
    bo_bill_day_text(bo_bill_month_first(day + 31) - 1, to);
    return true;
}
