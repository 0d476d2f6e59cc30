/* The fleet's audit trail in the back office: the rows kiosks upload
 * (topic `audit`) and the back office's own staff actions, in one table. */
#ifndef BACKOFFICE_BO_AUDIT_H
#define BACKOFFICE_BO_AUDIT_H

#include <sqlite3.h>
#include <stdint.h>

#include "kiosk/core/err.h"

/* The kiosk column of the back office's own rows. */
#define BO_AUDIT_SELF "backoffice"

/* Records one back-office action (actor: who did it, e.g. the operator or
 * the Unix user; action: a dotted verb such as `operator.add`; target,
 * reason and detail may be NULL) inside the caller's transaction, stamped
 * with the wall clock. K_EINVAL without an actor or an action; K_EIO if
 * the row could not be written (the caller then rolls its transaction
 * back). */
kerr_t bo_audit_record(sqlite3 *db, const char *actor, const char *action, const char *target, const char *reason,
                       const char *detail, kmsg_t *msg);

/* The actor of staff verbs run at the back office's command line:
 * "staff:<the Unix user running it>" (a static buffer). */
const char *bo_audit_staff_actor(void);

/* Prepares the audit report: rows of kiosk (NULL or "": every kiosk and the
 * back office; "backoffice": its own) at or after since (ms), of action
 * (NULL or "": any), oldest first. The caller steps and finalizes *st. */
kerr_t bo_audit_query(sqlite3 *db, const char *kiosk, int64_t since, const char *action, sqlite3_stmt **st,
                      kmsg_t *msg);

#endif
