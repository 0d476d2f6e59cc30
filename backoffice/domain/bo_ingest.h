/* Ingest of uploaded outbox rows (docs/sync.md, "Uploading the outbox"):
 * a signed batch in, one answer per row out. Idempotent by (kiosk, ledger,
 * outbox seq): the first answer to a row is stored with a digest of the
 * row and given again, word for word, when the row comes back. The batch
 * is one store transaction; the signed body is kept with the answers it
 * got (evidence). */
#ifndef BACKOFFICE_DOMAIN_BO_INGEST_H
#define BACKOFFICE_DOMAIN_BO_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/base/bo_decode.h"
#include "backoffice/store/bo_store.h"

/* The header carrying the kiosk's signature over an upload's body. */
#define BO_SIG_HEADER "X-Kiosk-Signature"
#define BO_SIG_TEXT_LEN 100

typedef enum bo_row_status { BO_ACCEPTED, BO_DUPLICATE, BO_REJECTED } bo_row_status_t;

/* The status's name in answers: accepted, duplicate, rejected. */
const char *bo_row_status_name(bo_row_status_t s);

/* One row's answer: its status's name and the reason (for a duplicate, a
 * rejection, or a row held for review). */
typedef struct bo_answer {
    char status[16];
    kmsg_t reason;
} bo_answer_t;

/* A signed batch of one kiosk to store at now. */
typedef struct bo_upload {
    const bo_rules_t *rules; /* what makes a row implausible (docs/sync.md, "Quarantine") */
    const bo_notices_cfg_t *notices; /* what notices readings and sales queue (docs/notices.md); NULL none */
    const char *kiosk;
    const bo_batch_t *batch;
    const char *body, *signature; /* the body as received and its signature: evidence */
    size_t body_len;
    int64_t now;
} bo_upload_t;

/* Stores the batch as one transaction and answers each of its rows into
 * out (batch->n of them). A storage failure is K_EIO and nothing is
 * stored. */
kerr_t bo_ingest_batch(bo_store_t *st, const bo_upload_t *u, bo_answer_t *out, kmsg_t *msg);

/* Forgets first answers, events seen and signed bodies older than
 * dedup_days before now. */
kerr_t bo_ingest_purge(bo_store_t *st, int64_t now, int64_t dedup_days, kmsg_t *msg);

/* Stores one row of `kiosk` that was never answered before; returns what
 * the answer is, with the reason for a duplicate or a rejection in msg. A
 * row naming a meter outside the kiosk's scope is rejected (bo_scope.h);
 * one breaking a rule (bo_rules.h) is held in quarantine and answered
 * accepted with a reason saying so. rules NULL: the row was released by
 * staff from quarantine and is applied as it is. A storage failure is
 * K_EIO (the whole batch is then rolled back). */
kerr_t bo_ingest_row(bo_store_t *st, const bo_rules_t *rules, const char *kiosk, const bo_row_t *row, int64_t now,
                     bo_row_status_t *status, kmsg_t *reason, kmsg_t *msg);

/* Whether an upload's signature holds. */
typedef enum bo_sig_verdict {
    BO_SIG_GOOD,
    BO_SIG_NO_KEY,    /* no upload key on record for the kiosk */
    BO_SIG_MISSING,   /* no signature header */
    BO_SIG_MALFORMED, /* not the base64 of a 64-byte Ed25519 signature */
    BO_SIG_WRONG,     /* it does not verify over the body with the kiosk's key */
} bo_sig_verdict_t;

/* Checks header (the X-Kiosk-Signature text, NULL if none) over the exact
 * body with the kiosk's upload key (base64, "" if none), before anything
 * in the body is read (docs/sync.md, "Signed uploads"). */
bo_sig_verdict_t bo_upload_verify(const char *key_b64, const char *header, const char *body, size_t len);

#endif
