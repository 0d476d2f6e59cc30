/* The fleet's audit trail in the back office: the rows kiosks upload
 * (topic `audit`, bo_ingest.h) and the back office's own staff actions, in
 * one trail; `report audit` lists it. */
#ifndef BACKOFFICE_DOMAIN_BO_AUDIT_H
#define BACKOFFICE_DOMAIN_BO_AUDIT_H

#include "backoffice/store/bo_store.h"
#include "base/err.h"

/* Records one back-office action (a->actor: who did it; a->action: a
 * dotted verb such as `operator.add`; target, reason and detail may be
 * NULL) inside the caller's transaction. K_EINVAL without an actor or an
 * action; K_EIO if the row could not be written (the caller then rolls its
 * transaction back). */
kerr_t bo_audit_record(bo_store_t *st, const bo_audit_rec_t *a, kmsg_t *msg);

/* Records one staff alert of kind (out_of_scope, quarantine, ...) about
 * meter ("" if none) at now, inside the caller's transaction, and logs it
 * as a warning; evidence names the kiosk and what to do. It sits beside
 * the alerts kiosks upload, under kiosk `backoffice`. K_EIO if it could
 * not be written. */
kerr_t bo_alert_staff(bo_store_t *st, int64_t now, const char *kind, const char *meter, const char *evidence,
                      kmsg_t *msg);

#endif
