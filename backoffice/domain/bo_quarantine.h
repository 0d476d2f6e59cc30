/* Quarantine (docs/sync.md, "Quarantine"): rows too implausible to apply
 * (bo_rules.h) are kept with the raw row, the kiosk, the rule and the
 * reason, and staff are alerted; staff then release a row (it is applied
 * as if it had just come in, the rules skipped) or discard it. */
#ifndef BACKOFFICE_BO_QUARANTINE_H
#define BACKOFFICE_BO_QUARANTINE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "backoffice/domain/bo_rules.h"

/* The topic of a count reservation's `seen` held (not an outbox topic). */
#define BO_QUARANTINE_COUNT "count"

/* One row to hold. */
typedef struct bo_held {
    const char *kiosk;
    int64_t seq;         /* the outbox seq; 0 for a count reservation */
    const char *topic;   /* txn, reading, alert, card, or BO_QUARANTINE_COUNT */
    const char *meter;
    const char *payload; /* the row's payload as JSON text, kept as it came */
    bo_rule_t rule;
    const char *why;     /* the rule's numbers, for staff */
} bo_held_t;

/* Holds h inside the caller's transaction and alerts staff; *id is its
 * number. The same payload from the same kiosk held already is not held
 * twice: *fresh is then false and *id the earlier one's. */
kerr_t bo_quarantine_hold(sqlite3 *db, const bo_held_t *h, int64_t now, int64_t *id, bool *fresh, kmsg_t *msg);

/* Applies held row id as if it had just come in from its kiosk, without
 * the rules (a reservation's count is recorded as seen), and marks it
 * released by actor with note; outcome names the row and says what
 * applying it gave. K_ENOTFOUND if there is no such row, K_ESTATE if it
 * was decided already. Inside the caller's transaction. */
kerr_t bo_quarantine_release(sqlite3 *db, int64_t id, const char *actor, const char *note, int64_t now,
                             kmsg_t *outcome, kmsg_t *msg);

/* Marks held row id discarded by actor with note, applying nothing;
 * outcome names the row; refusals as bo_quarantine_release. */
kerr_t bo_quarantine_discard(sqlite3 *db, int64_t id, const char *actor, const char *note, int64_t now,
                             kmsg_t *outcome, kmsg_t *msg);

/* The listing's SQL: held rows (all rows when all), oldest first. */
const char *bo_quarantine_list_sql(bool all);

#endif
