/* Ingest of uploaded outbox rows, inside the caller's SQLite transaction. */
#ifndef BACKOFFICE_BO_INGEST_H
#define BACKOFFICE_BO_INGEST_H

#include <sqlite3.h>
#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/base/bo_decode.h"
#include "backoffice/http/bo_server.h"

/* The header carrying the kiosk's signature over an upload's body. */
#define BO_SIG_HEADER "X-Kiosk-Signature"
#define BO_SIG_TEXT_LEN 100

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

/* Checks the upload's body against its X-Kiosk-Signature with the kiosk's
 * registered upload key, before the body is read; false with the 403
 * answer filled in (no_upload_key, bad_signature) if it does not verify.
 * sig gets the header's text, kept as evidence with the batch. */
bool bo_upload_signed(bo_req_t *q, bo_resp_t *r, char sig[BO_SIG_TEXT_LEN]);

/* Decides, in the batch's transaction, whether rows of ledger l may be
 * stored for kiosk: the kiosk's first ledger becomes its current one; a
 * ledger that began later than the current one replaces it (audited as
 * kiosk.ledger_new); one that began earlier, or was replaced already, is
 * retired: *retired is set and why says so for staff. */
kerr_t bo_ledger_admit(sqlite3 *db, const char *kiosk, const bo_ledger_t *l, int64_t now, bool *retired, kmsg_t *why,
                       kmsg_t *msg);

/* The status's name in answers: accepted, duplicate, rejected. */
const char *bo_row_status_name(bo_row_status_t s);

#endif
