/* Verifying a signed document from the back office (docs/sync.md, "Signed
 * documents"): shared by the kiosk's sync client and the back office's
 * tests. Ed25519 (libsodium) over the exact bytes of the envelope's
 * "document" string; the version must not go backwards. */
#ifndef SYNC_SYNC_DOC_H
#define SYNC_SYNC_DOC_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SYNC_PUBKEY_BYTES 32

typedef struct sync_doc {
    int64_t version;
    bool same;    /* the version the kiosk already holds: nothing to apply */
    cJSON *body;  /* the verified document's body; free with sync_doc_free */
} sync_doc_t;

/* Decodes a base64 public key (as `backoffice keygen` prints it). */
kerr_t sync_pubkey_parse(const char *b64, uint8_t pk[SYNC_PUBKEY_BYTES], kmsg_t *msg);

/* Verifies envelope (len bytes) against the pinned key pk and accepts it
 * only if its signature holds, it is of kind `kind`, it is meant for
 * `kiosk` (or for every kiosk, "*"), and its version is at least `held`
 * (the version the kiosk applied last; 0 if none). A bad signature is
 * K_ECORRUPT, an older version K_ESTATE, anything malformed K_EINVAL; on
 * K_OK the caller owns out->body. */
kerr_t sync_doc_verify(const uint8_t pk[SYNC_PUBKEY_BYTES], const char *envelope, size_t len, const char *kind,
                       const char *kiosk, int64_t held, sync_doc_t *out, kmsg_t *msg);

/* Verifies the signature of envelope (len bytes: {"document",
 * "signature", ...}) against pk and parses the signed document into *doc
 * (a JSON object the caller frees), checking nothing else: for documents
 * with fields of their own, such as a central command. K_ECORRUPT for a
 * bad signature, K_EINVAL for anything malformed. */
kerr_t sync_doc_open(const uint8_t pk[SYNC_PUBKEY_BYTES], const char *envelope, size_t len, cJSON **doc,
                     kmsg_t *msg);

/* Frees what sync_doc_verify handed over. */
void sync_doc_free(sync_doc_t *d);

#endif
