/* A change staff make (or the server makes on its own), as the domain runs
 * it: one store transaction that checks, writes, records its audit row and
 * moves the document it changes forward, or changes nothing. The domain
 * never prints: the outcome is a kerr_t with the message in msg, which the
 * command line or the HTTP layer presents. */
#ifndef BACKOFFICE_DOMAIN_BO_OP_H
#define BACKOFFICE_DOMAIN_BO_OP_H

#include "backoffice/store/bo_store.h"
#include "base/err.h"

/* Who makes a change and when: the front end says (the command line: the
 * person logged in and the wall clock). */
typedef struct bo_who {
    const char *actor; /* "backoffice:<login>", "staff:<user>", "kiosk:K1" */
    int64_t now;       /* ms */
} bo_who_t;

/* One change in progress. */
typedef struct bo_op {
    bo_store_t *st;
    const bo_who_t *who;
    kmsg_t *msg;
} bo_op_t;

/* Starts the change's transaction (who NULL: a change with no audit row). */
kerr_t bo_op_begin(bo_op_t *op, bo_store_t *st, const bo_who_t *who, kmsg_t *msg);

/* Ends it: when rc is K_OK, writes the audit row of action (target, reason
 * and detail may be NULL; action NULL: no row), moves the document `bump`
 * forward (NULL: none; settings: kiosk's own) and commits; otherwise, or
 * when any of that fails, rolls back. Returns the outcome. */
kerr_t bo_op_end(bo_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                 const char *detail, const char *bump, const char *kiosk);

/* The refusal of a change that found nothing to change: `what` (the id
 * given) or what it names is not known. */
kerr_t bo_op_nothing(kmsg_t *msg, const char *what);

/* Ends a change that writes no audit row and moves no document: commits
 * when rc is K_OK, else rolls back. Returns the outcome. */
kerr_t bo_op_commit(bo_op_t *op, kerr_t rc);

#endif
