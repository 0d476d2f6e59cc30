/* A bill's states and the moves between them (bo_postpaid.h):
 *
 *   draft --confirm*--> confirmed --issue--> issued --payments--> paid
 *     |                     |                  |
 *     +-------void*---------+------void*-------+   (* needs `accounts`)
 *
 * Paying is bo_bill_pay.c; an issued bill with payments on it stays. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_notice.h"
#include "backoffice/domain/bo_postpaid.h"
#include "core/perm.h"

static const char *const state_names[BO_BILL_STATE_COUNT] = {
    [BO_BILL_DRAFT] = "draft", [BO_BILL_CONFIRMED] = "confirmed", [BO_BILL_ISSUED] = "issued",
    [BO_BILL_PAID] = "paid",   [BO_BILL_VOID] = "void",
};

const char *bo_bill_state_name(bo_bill_state_t s)
{
    return (unsigned)s < BO_BILL_STATE_COUNT ? state_names[s] : "?";
}

/* A verb's move: from which states, to which, whether it needs the
 * permission, its audit action. */
typedef struct move {
    const char *verb;
    unsigned from; /* bit per bo_bill_state_t */
    bo_bill_state_t to;
    bool signed_;
    const char *action;
} move_t;

#define BIT(s) (1u << (s))

static const move_t moves[] = {
    {"confirm", BIT(BO_BILL_DRAFT), BO_BILL_CONFIRMED, true, "bill.confirm"},
    {"issue", BIT(BO_BILL_CONFIRMED), BO_BILL_ISSUED, false, "bill.issue"},
    {"void", BIT(BO_BILL_DRAFT) | BIT(BO_BILL_CONFIRMED) | BIT(BO_BILL_ISSUED), BO_BILL_VOID, true, "bill.void"},
};

static int state_of(const char *name)
{
    for (int s = 0; s < BO_BILL_STATE_COUNT; s++)
        if (strcmp(state_names[s], name) == 0)
            return s;
    return -1;
}

/* Whether bill b may make move m; K_ESTATE saying why not. */
static kerr_t may(const move_t *m, const bo_bill_rec_t *b, kmsg_t *msg)
{
    int s = state_of(b->state);
    if (s < 0 || !(m->from & BIT(s)))
        return kmsg_set(msg, K_ESTATE, "bill %lld is %s: it cannot %s now", (long long)b->id, b->state, m->verb);
    if (m->to == BO_BILL_VOID && b->paid > 0)
        return kmsg_set(msg, K_ESTATE, "bill %lld has payments on it (%lld): it cannot be void", (long long)b->id,
                        (long long)b->paid);
    return K_OK;
}

/* Makes move m on bill id; an issue queues its notice under ncfg. */
static kerr_t move(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, const bo_notices_cfg_t *ncfg,
                   const move_t *m, int64_t id, const char *reason, kmsg_t *msg)
{
    bo_op_t op;
    bo_bill_rec_t b = {0};
    bool found = false, changed = false;
    char target[24], detail[160];
    if (m->signed_) {
        kerr_t rc = bo_signer_check(st, sig, PERM_ACCOUNTS, msg);
        if (rc)
            return rc;
    }
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->post->bill_get(st->ctx, id, &b, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "bill %lld is not known; see `bill list`", (long long)id);
    if (rc == K_OK)
        rc = may(m, &b, msg);
    if (rc == K_OK)
        rc = st->ops->post->bill_state(st->ctx, id, b.state, state_names[m->to], sig ? sig->operator_name : "",
                                       reason, who->now, &changed, msg);
    if (rc == K_OK && m->to == BO_BILL_ISSUED)
        rc = bo_bills_on_issued(st, ncfg, &b, who->now, msg);
    snprintf(target, sizeof target, "bill %lld", (long long)id);
    snprintf(detail, sizeof detail, "account %s %s..%s total %lld %s -> %s%s%s", b.account, b.from, b.to,
             (long long)b.total, b.state, state_names[m->to], sig && sig->operator_name ? " operator " : "",
             sig && sig->operator_name ? sig->operator_name : "");
    return bo_op_end(&op, rc, m->action, target, reason, detail, NULL, NULL);
}

kerr_t bo_bill_confirm(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, int64_t id, kmsg_t *msg)
{
    return move(st, who, sig, NULL, &moves[0], id, "", msg);
}

kerr_t bo_bill_issue(bo_store_t *st, const bo_who_t *who, const bo_notices_cfg_t *ncfg, int64_t id, kmsg_t *msg)
{
    return move(st, who, NULL, ncfg, &moves[1], id, "", msg);
}

kerr_t bo_bill_void(bo_store_t *st, const bo_who_t *who, const bo_signer_t *sig, int64_t id, const char *reason,
                    kmsg_t *msg)
{
    if (!reason || !reason[0])
        return kmsg_set(msg, K_EINVAL, "voiding a bill needs --reason TEXT (audited)");
    return move(st, who, sig, NULL, &moves[2], id, reason, msg);
}

kerr_t bo_bills_on_issued(bo_store_t *st, const bo_notices_cfg_t *ncfg, const bo_bill_rec_t *bill, int64_t now,
                          kmsg_t *msg)
{
    return bo_notice_bill(st, ncfg, bill, now, msg);
}
