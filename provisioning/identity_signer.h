/* The kiosk's upload key as the back-office link's signer (sync_signer_t,
 * sync/sync_client.h): the link knows no key, the programs hand it this
 * one. The key is the identity folder's (config_identity_dir), loaded at
 * the first upload and kept. */
#ifndef PROVISIONING_IDENTITY_SIGNER_H
#define PROVISIONING_IDENTITY_SIGNER_H

#include <stdbool.h>

#include "provisioning/identity.h"
#include "sync/sync_client.h"

typedef struct identity_signer {
    const kiosk_config_t *cfg;
    identity_t id;
    bool loaded;
} identity_signer_t;

/* Readies s for cfg's identity folder and returns it as a signer, which
 * fails with K_ENOTFOUND (saying how to make and register a key) while the
 * folder holds no upload key. s must live as long as the link it signs for. */
sync_signer_t identity_signer(identity_signer_t *s, const kiosk_config_t *cfg);

#endif
