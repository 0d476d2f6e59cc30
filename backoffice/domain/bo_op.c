#include "backoffice/domain/bo_op.h"

#include "backoffice/domain/bo_audit.h"

kerr_t bo_op_begin(bo_op_t *op, bo_store_t *st, const bo_who_t *who, kmsg_t *msg)
{
    *op = (bo_op_t){st, who, msg};
    msg->text[0] = '\0';
    return st->ops->begin(st->ctx, msg);
}

kerr_t bo_op_end(bo_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                 const char *detail, const char *bump, const char *kiosk)
{
    bo_store_t *st = op->st;
    if (rc == K_OK && action && op->who) {
        bo_audit_rec_t a = {op->who->actor, action, target, reason, detail, op->who->now};
        rc = bo_audit_record(st, &a, op->msg);
    }
    if (rc == K_OK && bump)
        rc = st->ops->docs->bump(st->ctx, bump, kiosk, op->msg);
    if (rc == K_OK)
        rc = st->ops->commit(st->ctx, op->msg);
    if (rc)
        st->ops->rollback(st->ctx);
    return rc;
}

kerr_t bo_op_commit(bo_op_t *op, kerr_t rc)
{
    return bo_op_end(op, rc, NULL, NULL, NULL, NULL, NULL, NULL);
}

kerr_t bo_op_nothing(kmsg_t *msg, const char *what)
{
    return kmsg_set(msg, K_ENOTFOUND,
                    "nothing changed: '%s' or what it names is not known; check the ids with the list verbs", what);
}
