/* The back office's Ed25519 signing key and signed documents. The key file
 * holds the 32-byte seed as base64 on one line ("ed25519-seed <b64>"), mode
 * 600; it is never logged or printed. */
#ifndef BACKOFFICE_BO_SIGN_H
#define BACKOFFICE_BO_SIGN_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "base/err.h"

typedef struct bo_key {
    uint8_t sk[64]; /* libsodium's secret key: seed and public key */
    uint8_t pk[32];
} bo_key_t;

/* Creates a new key at path (refusing to overwrite one), mode 600, and
 * writes the public key as base64 into pk_b64 (at least 45 bytes). */
kerr_t bo_key_generate(const char *path, char *pk_b64, size_t len, kmsg_t *msg);

/* Loads the key at path; refused if anyone but the owner may read it. */
kerr_t bo_key_load(const char *path, bo_key_t *key, kmsg_t *msg);

/* Writes the public key as base64 into out (at least 45 bytes). */
void bo_key_public_b64(const bo_key_t *key, char *out, size_t len);

/* Builds the signed envelope of a document of kind for kiosk ("*" for every
 * kiosk) at version, whose body is body (not freed): the document text is
 * signed as it stands, and carried as a string so that no re-encoding can
 * change the signed bytes (docs/sync.md, "Signed documents"). The caller
 * frees *out with free(). */
kerr_t bo_sign_document(const bo_key_t *key, const char *kind, const char *kiosk, int64_t version, int64_t issued_at,
                        const cJSON *body, char **out, kmsg_t *msg);

/* Signs text (a document with its own kind and fields, such as a central
 * command's) as it stands and builds the envelope {"id", "document",
 * "signature", "key"} (docs/sync.md, "Signed documents"); the caller
 * frees *out with free(). */
kerr_t bo_sign_text(const bo_key_t *key, const char *id, const char *text, char **out, kmsg_t *msg);

#endif
