/* Between the files that store uploaded rows (bo_ingest_topic.c,
 * bo_ingest_card.c, bo_ingest_audit.c, bo_ingest_gate.c, bo_ledger.c):
 * one row on its way in. */
#ifndef BACKOFFICE_DOMAIN_BO_INGEST_INT_H
#define BACKOFFICE_DOMAIN_BO_INGEST_INT_H

#include <stdbool.h>

#include "backoffice/domain/bo_ingest.h"
#include "backoffice/domain/bo_rules.h"

typedef struct bo_in {
    bo_store_t *st;
    const bo_rules_t *rules; /* NULL: released by staff from quarantine, applied as it is */
    const bo_notices_cfg_t *notices; /* NULL: no notices queued (a released row) */
    const char *kiosk;
    const bo_row_t *row;
    int64_t now;
    bo_row_status_t *status;
    kmsg_t *reason; /* for the answer */
    kmsg_t *msg;    /* a storage failure */
} bo_in_t;

/* Stores one row never answered before, as bo_ingest_row. */
kerr_t bo__ingest_row(const bo_in_t *in);

/* The context the rules need for this row. */
bo_rule_ctx_t bo__ingest_rule_ctx(const bo_in_t *in);

/* Whether the decoded row, naming meter ("": none), may be applied: out of
 * the kiosk's scope it is rejected and staff are alerted; breaking `rule`
 * (why: the numbers) it is held in quarantine and answered accepted with a
 * reason saying so. *go is false then. A released row always goes. */
kerr_t bo__ingest_admit(const bo_in_t *in, const char *meter, bo_rule_t rule, const kmsg_t *why, bool *go);

/* The result of a store op adding the row once: a uniqueness breach makes
 * the row a duplicate, with `dup` as its reason. */
kerr_t bo__ingest_once(const bo_in_t *in, kerr_t rc, const char *dup);

/* Stores a card row (topic card) and blocks the cards it ends. */
kerr_t bo__ingest_card(const bo_in_t *in);

/* Stores an audit row (topic audit); one held already under the kiosk's
 * audit id (from that ledger) is a duplicate. */
kerr_t bo__ingest_audit(const bo_in_t *in);

/* Records a kiosk's bill payment (topic bill_payment, bo_ingest_bill.c);
 * one whose reference was recorded already is a duplicate. */
kerr_t bo__ingest_bill_payment(const bo_in_t *in);

/* Decides, in the batch's transaction, whether rows of ledger l may be
 * stored for kiosk: the kiosk's first ledger becomes its current one; a
 * ledger that began later than the current one replaces it (audited as
 * kiosk.ledger_new); one that began earlier, or was replaced already, is
 * retired: *retired is set and why says so for staff (bo_ledger.c). */
kerr_t bo__ledger_admit(bo_store_t *st, const char *kiosk, const bo_ledger_t *l, int64_t now, bool *retired,
                        kmsg_t *why, kmsg_t *msg);

#endif
