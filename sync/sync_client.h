/* The kiosk's side of the back-office link (docs/sync.md): uploads the
 * ledger's outbox in batches over HTTPS with mutual TLS (plain HTTP only on
 * loopback), and marks a row sent only once the back office has answered
 * for it, so nothing is lost and a replay is harmless (the back office is
 * idempotent by outbox seq). Decides nothing about money. */
#ifndef SYNC_SYNC_CLIENT_H
#define SYNC_SYNC_CLIENT_H

#include <cjson/cJSON.h>

#include "kiosk/app/config.h"
#include "kiosk/ledger/ledger.h"

typedef struct sync_client sync_client_t;

/* What one upload did. */
typedef struct sync_upload_result {
    int sent;                         /* rows sent in the batch (0: the outbox was empty) */
    int accepted, duplicate, rejected; /* the back office's answers, all marked sent */
} sync_upload_result_t;

/* Opens the link the [sync] section names: K_ENOTFOUND if sync.url is
 * empty; K_EINVAL (saying what to fix) for plain HTTP off loopback, or
 * HTTPS without the CA, the certificate or its key. */
kerr_t sync_client_open(const kiosk_config_t *cfg, sync_client_t **out, kmsg_t *msg);

/* Closes it (NULL is fine). */
void sync_client_close(sync_client_t *c);

/* Sends the oldest unsent outbox rows (up to sync.batch) and settles those
 * the back office answered for. K_OK with sent == 0 when nothing was left.
 * K_ETIMEOUT: no answer (connection refused, dropped, timed out);
 * K_EDEVICE: an error status (msg has the back office's message);
 * K_EINVAL: an answer that makes no sense. Nothing is marked sent then, and
 * the ledger's link state records the failure. */
kerr_t sync_upload(sync_client_t *c, ledger_t *l, sync_upload_result_t *r, kmsg_t *msg);

/* Reads an upload's answer ({"results": [{seq, status, reason}]}) for the
 * rows sent (their seqs): every result must name a row sent and say
 * accepted, duplicate or rejected, else K_EINVAL and nothing is to be
 * marked. ans gets one answer per result (at most `sent`; reasons point
 * into doc), r the counts. */
kerr_t sync_results_parse(const cJSON *doc, const int64_t *seqs, size_t sent, ledger_outbox_answer_t *ans, size_t *n,
                          sync_upload_result_t *r, kmsg_t *msg);

#endif
