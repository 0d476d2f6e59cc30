/* The kiosk's side of the back-office link (docs/sync.md): uploads the
 * ledger's outbox in signed batches over HTTPS with mutual TLS (plain HTTP
 * only on loopback), and marks a row sent only once the back office has
 * answered for it, so nothing is lost and a replay is harmless (the back
 * office is idempotent by ledger and outbox seq). Decides nothing about
 * money. */
#ifndef SYNC_SYNC_CLIENT_H
#define SYNC_SYNC_CLIENT_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "engine/config.h"
#include "ledger/ledger.h"

typedef struct sync_client sync_client_t;

/* What signs an upload: a detached Ed25519 signature (64 bytes) of data
 * with the kiosk's upload key, or an error saying what to do (K_ENOTFOUND:
 * no key). The link holds no key of its own: the programs give it the
 * kiosk identity's (provisioning/identity_signer.h). */
typedef struct sync_signer {
    kerr_t (*sign)(void *ctx, const void *data, size_t len, uint8_t sig[64], kmsg_t *msg);
    void *ctx;
} sync_signer_t;

/* What one upload did. */
typedef struct sync_upload_result {
    int sent;                          /* outbox rows taken up (0: the outbox was empty) */
    int accepted, duplicate, rejected; /* the back office's answers, all marked sent */
    int parked;                        /* rows it cannot read (400) or take (413 for one row): marked, not resent */
    int unanswered;                    /* rows its answer left out: they stay unsent */
} sync_upload_result_t;

/* Opens the link the [sync] section names: K_ENOTFOUND if sync.url is
 * empty; K_EINVAL (saying what to fix) for plain HTTP to a host that is not
 * loopback, or HTTPS without the CA, the certificate or its key. */
kerr_t sync_client_open(const kiosk_config_t *cfg, sync_client_t **out, kmsg_t *msg);

/* Closes it (NULL is fine). */
void sync_client_close(sync_client_t *c);

/* Has c's uploads signed by s (s.ctx must live as long as c). Without a
 * signer an upload of any row fails with K_ENOTFOUND. */
void sync_client_set_signer(sync_client_t *c, sync_signer_t s);

/* Sends the oldest unsent outbox rows (up to sync.batch, fewer after the
 * back office said 413 to this client) under the ledger's identity, signed
 * by the client's signer (sync_client_set_signer), and settles those the back office
 * answered for. A batch refused as too large (413) is halved until it
 * fits, and the size that fits is kept for the client's life; a batch
 * refused as unreadable (400) is split until the row at fault is found. A
 * row refused alone is parked: marked sent with a staff alert
 * (sync_parked), so the rest goes on; for a 400, only once an empty upload
 * shows the back office takes this kiosk's uploads at all. K_OK with sent
 * == 0 when nothing was left. K_ETIMEOUT: no answer (connection refused,
 * dropped, timed out); K_EDEVICE: an error status (msg has the back
 * office's message); K_EINVAL: an answer that makes no sense, or one that
 * left rows out (r->unanswered: they stay unsent); K_ENOTFOUND: no upload
 * key. The ledger's link state records a failure. */
kerr_t sync_upload(sync_client_t *c, ledger_t *l, sync_upload_result_t *r, kmsg_t *msg);

/* Reads an upload's answer ({"results": [{seq, status, reason}]}) for the
 * rows sent (their seqs): every result must name a row sent, once, and say
 * accepted, duplicate or rejected, else K_EINVAL and nothing is to be
 * marked. It may leave rows out (*n < sent: the caller says so). ans gets
 * one answer per result (reasons point into doc), r the counts. */
kerr_t sync_results_parse(const cJSON *doc, const int64_t *seqs, size_t sent, ledger_outbox_answer_t *ans, size_t *n,
                          sync_upload_result_t *r, kmsg_t *msg);

#endif
