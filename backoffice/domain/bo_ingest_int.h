/* Between the files that store uploaded rows (bo_ingest_topic.c,
 * bo_ingest_card.c, bo_ingest_gate.c): one row on its way in. */
#ifndef BACKOFFICE_BO_INGEST_INT_H
#define BACKOFFICE_BO_INGEST_INT_H

#include <stdbool.h>

#include "backoffice/domain/bo_ingest.h"
#include "backoffice/domain/bo_rules.h"

typedef struct bo_in {
    sqlite3 *db;
    const bo_rules_t *rules; /* NULL: released by staff from quarantine, applied as it is */
    const char *kiosk;
    const bo_row_t *row;
    int64_t now;
    bo_row_status_t *status;
    kmsg_t *reason; /* for the answer */
    kmsg_t *msg;    /* a database failure */
} bo_in_t;

/* The context the rules need for this row. */
bo_rule_ctx_t bo__ingest_rule_ctx(const bo_in_t *in);

/* Whether the decoded row, naming meter ("": none), may be applied: out of
 * the kiosk's scope it is rejected and staff are alerted; breaking `rule`
 * (why: the numbers) it is held in quarantine and answered accepted with a
 * reason saying so. *go is false then. A released row always goes. */
kerr_t bo__ingest_admit(const bo_in_t *in, const char *meter, bo_rule_t rule, const kmsg_t *why, bool *go);

/* Stores a card row (topic card) and blocks the cards it ends. */
kerr_t bo__ingest_card(const bo_in_t *in);

#endif
