/* Ingest of uploaded outbox rows, inside the caller's SQLite transaction. */
#ifndef BACKOFFICE_BO_INGEST_H
#define BACKOFFICE_BO_INGEST_H

#include <sqlite3.h>
#include <stdint.h>

#include "backoffice/bo_config.h"
#include "backoffice/bo_decode.h"

typedef enum bo_row_status { BO_ACCEPTED, BO_DUPLICATE, BO_REJECTED } bo_row_status_t;

/* Stores one row of `kiosk` that was never answered before; returns what
 * the answer is, with the reason for a duplicate or a rejection in msg. A
 * row naming a meter outside the kiosk's scope is rejected (bo_scope.h);
 * one breaking a rule (bo_rules.h) is held in quarantine and answered
 * accepted with a reason saying so. rules NULL: the row was released by
 * staff from quarantine and is applied as it is. A database failure is
 * K_EIO (the whole batch is then rolled back). */
kerr_t bo_ingest_row(sqlite3 *db, const bo_rules_t *rules, const char *kiosk, const bo_row_t *row, int64_t now,
                     bo_row_status_t *status, kmsg_t *reason, kmsg_t *msg);

/* Stores one audit row of `kiosk` (topic audit, bo_audit.c); a row held
 * already under the kiosk's audit id is a duplicate. */
kerr_t bo_audit_ingest(sqlite3 *db, const char *kiosk, const bo_row_t *row, int64_t now, bo_row_status_t *status,
                       kmsg_t *reason, kmsg_t *msg);

/* Called for each stored transaction state: keeps the purchase-count
 * service's record (highest count, the lease) in step. */
kerr_t bo_counts_on_txn(sqlite3 *db, const char *kiosk, const bo_txn_t *t, int64_t now, kmsg_t *msg);

/* Called for each stored meter reading: the count it shows is applied. */
kerr_t bo_counts_seen(sqlite3 *db, const char *meter, int64_t count, int64_t now, kmsg_t *msg);

/* The status's name in answers: accepted, duplicate, rejected. */
const char *bo_row_status_name(bo_row_status_t s);

#endif
