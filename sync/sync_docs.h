/* Signed documents from the back office (docs/sync.md, "Signed
 * documents"): tariffs, registry, blocked-cards, settings and staff fetched with
 * If-None-Match, verified against the pinned key (sync.pubkey) and the
 * version applied last, and stored with their new version in one ledger
 * transaction. A refused document (bad signature, older version) keeps the
 * old one in use and raises an alert for staff. */
#ifndef SYNC_SYNC_DOCS_H
#define SYNC_SYNC_DOCS_H

#include "sync/sync_client.h"

#define SYNC_DOC_KINDS 5

/* The kinds, in the order they are fetched. */
extern const char *const sync_doc_kinds[SYNC_DOC_KINDS];

/* What a round of downloads did. */
typedef struct sync_docs_report {
    int applied;   /* a newer version verified and stored */
    int unchanged; /* 304, or the version held already */
    int refused;   /* bad signature, older version, not for this kiosk: alert raised */
    int missing;   /* the back office has none of that kind yet */
} sync_docs_report_t;

/* Versions the back office says are current (a heartbeat's answer); 0 = unknown. */
typedef struct sync_doc_versions {
    int64_t v[SYNC_DOC_KINDS];
} sync_doc_versions_t;

/* Fetches every kind (or, with current, only those newer than the version
 * applied) and applies what verifies. K_EINVAL without a usable
 * sync.pubkey; K_ETIMEOUT / K_EDEVICE when the back office does not
 * answer. A refused document is counted, not an error. */
kerr_t sync_docs_refresh(sync_client_t *c, ledger_t *l, const sync_doc_versions_t *current, sync_docs_report_t *rep,
                         kmsg_t *msg);

/* Applies a signed envelope of kind from elsewhere (a file staff carry):
 * the same checks as a download. K_ECORRUPT for a bad signature, K_ESTATE
 * for an older version (both with an alert); *applied false when it is the
 * version held. */
kerr_t sync_docs_apply(const kiosk_config_t *cfg, ledger_t *l, const char *kind, const char *envelope, size_t len,
                       bool *applied, kmsg_t *msg);

#endif
