/* Quarantine (docs/sync.md, "Quarantine"): rows too implausible to apply
 * (bo_rules.h) are kept with the raw row, the kiosk, the rule and the
 * reason, and staff are alerted; staff then release a row (it is applied
 * as if it had just come in, the rules skipped) or discard it. */
#ifndef BACKOFFICE_DOMAIN_BO_QUARANTINE_H
#define BACKOFFICE_DOMAIN_BO_QUARANTINE_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/domain/bo_op.h"
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
kerr_t bo_quarantine_hold(bo_store_t *st, const bo_held_t *h, int64_t now, int64_t *id, bool *fresh, kmsg_t *msg);

/* Staff's decision on held row id, as one transaction audited as
 * quarantine.release or quarantine.discard (note: why): released, it is
 * applied as if it had just come in from its kiosk, without the rules (a
 * reservation's count is recorded as seen); discarded, nothing is applied.
 * outcome names the row and says what came of it. K_ENOTFOUND if there is
 * no such row, K_ESTATE if it was decided already. */
kerr_t bo_quarantine_decide(bo_store_t *st, const bo_who_t *who, int64_t id, bool release, const char *note,
                            kmsg_t *outcome, kmsg_t *msg);

#endif
