/* The back office's own audit rows and staff alerts (bo_audit.h). */
#include "backoffice/domain/bo_audit.h"

#include "base/log.h"

kerr_t bo_audit_record(bo_store_t *st, const bo_audit_rec_t *a, kmsg_t *msg)
{
    if (!a->actor || !a->actor[0] || !a->action || !a->action[0])
        return kmsg_set(msg, K_EINVAL, "an audit row needs an actor and an action");
    kerr_t rc = st->ops->log->audit_self(st->ctx, a, msg);
    return rc ? K_EIO : K_OK; /* the message says what failed */
}

kerr_t bo_alert_staff(bo_store_t *st, int64_t now, const char *kind, const char *meter, const char *evidence,
                      kmsg_t *msg)
{
    kerr_t rc = st->ops->log->alert_self(st->ctx, now, kind, meter, evidence, msg);
    if (rc == K_OK)
        LOG_W("backoffice", "alert %s%s%s: %s", kind, meter[0] ? " meter " : "", meter, evidence);
    return rc ? K_EIO : K_OK;
}
