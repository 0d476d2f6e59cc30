/* The kiosk's own identity (docs/enrolment.md). The kiosk makes its keys
 * itself, the first time they are needed, in its identity folder
 * (config_identity_dir: site.identity_dir, or "identity" next to the
 * ledger; the folder mode 700, every file mode 600):
 *
 *   tls.key         EC P-256 private key of its client certificate (PEM)
 *   tls.csr         the certificate request last sent (PEM, CN = kiosk id)
 *   upload.key      Ed25519 key that signs its uploads ("ed25519-seed <b64>")
 *   cert.pem        its certificate, signed by the kiosks' CA (once enrolled)
 *   ca.pem          the kiosks' CA (once enrolled)
 *   document.pub    the back office's document-signing key, base64 (pinned)
 *   enrolment.json  kiosk id, site, back office, time of enrolment
 *
 * The enrolment code the kiosk shows ("ABCD-EFGH-JKLM-NP23") is derived
 * from its two public keys (sync_kiosk_code), so staff can check in the
 * back office that the right device enrolled. Private keys never leave
 * the folder and are never logged. Nothing here talks to the network. */
#ifndef PROVISIONING_IDENTITY_H
#define PROVISIONING_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "engine/config.h"
#include "sync/sync_code.h"

typedef struct identity {
    char dir[CFG_PATH_LEN];
    bool has_keys;             /* tls.key and upload.key exist */
    bool enrolled;             /* cert.pem and enrolment.json exist */
    char code[SYNC_CODE_LEN];  /* the code the kiosk shows; "" without keys */
    char upload_key[48];       /* the Ed25519 public key, base64 */
    char kiosk[CFG_STR];       /* as enrolled ("" before) */
    char site[CFG_STR];
    char url[CFG_STR];         /* the back office it enrolled with */
    char fingerprint[80];      /* "sha256:<hex>" of cert.pem */
    int64_t not_after;         /* the certificate's expiry, ms since the epoch */
    int64_t enrolled_at;       /* ms since the epoch */
} identity_t;

/* What the back office gave at enrolment. */
typedef struct identity_enrolment {
    const char *kiosk, *site, *url;
    const char *certificate;    /* PEM */
    const char *ca_certificate; /* PEM */
    const char *document_key;   /* base64 */
    const char *settings;       /* JSON text, kept for staff to read */
    int64_t at;                 /* ms since the epoch */
} identity_enrolment_t;

/* Reads the identity in dir as it stands; a folder without keys is K_OK
 * with has_keys false. K_ECORRUPT (naming the file) if a file is there but
 * cannot be read as what it should be. */
kerr_t identity_load(const char *dir, identity_t *id, kmsg_t *msg);

/* Makes the folder (mode 700) and whichever key is missing (mode 600),
 * then loads the identity. Existing keys are never replaced. */
kerr_t identity_ensure_keys(const char *dir, identity_t *id, kmsg_t *msg);

/* The code the kiosk shows, as text ("" without keys); for the screens. */
const char *identity_code_text(const identity_t *id);

/* The code as a QR code drawn with UTF-8 half blocks, light modules as
 * blocks (a terminal with light text on a dark background), quiet zone
 * included, one string with newlines; the caller frees *out. */
kerr_t identity_code_qr(const identity_t *id, char **out, kmsg_t *msg);

/* A certificate request for the TLS key with CN = kiosk_id, signed by that
 * key; stored as tls.csr and handed back as PEM (the caller frees *pem). */
kerr_t identity_csr(const identity_t *id, const char *kiosk_id, char **pem, kmsg_t *msg);

/* Signs data with the upload key (Ed25519, detached, 64 bytes). */
kerr_t identity_sign(const identity_t *id, const void *data, size_t len, uint8_t sig[64], kmsg_t *msg);

/* Stores what enrolment gave, after checking that the certificate is for
 * the TLS key and signed by the CA given with it; cert.pem is written last,
 * so a kiosk is enrolled only once everything is there. Reloads id. */
kerr_t identity_store(identity_t *id, const identity_enrolment_t *e, kmsg_t *msg);

/* Deletes every file of the identity and the folder; *removed counts the
 * files deleted. A folder that does not exist is K_OK with 0. */
kerr_t identity_erase(const char *dir, int *removed, kmsg_t *msg);

#endif
