/* Enrolment (docs/enrolment.md): staff add a kiosk and get a one-time
 * code; the kiosk presents it with a certificate request at POST
 * /v1/enrol and gets its certificate, signed by the kiosks' CA. A code is
 * random (80 bits), stored only as its SHA-256, valid for some days, and
 * good for one enrolment of one kiosk. */
#ifndef BACKOFFICE_BO_ENROL_H
#define BACKOFFICE_BO_ENROL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "backoffice/cli/bo_cli.h"
#include "kiosk/core/err.h"
#include "sync/sync_code.h"

#define BO_ENROL_CODE_DAYS 7

/* What a presented code is worth. */
typedef enum bo_code_verdict {
    BO_CODE_OK,      /* unused, not expired: the kiosk may enrol */
    BO_CODE_UNKNOWN, /* no such code (mistyped, or superseded by a fresh one) */
    BO_CODE_EXPIRED, /* past its expiry */
    BO_CODE_USED,    /* a kiosk enrolled with it already */
} bo_code_verdict_t;

/* The rule, as a table of the code's row at time now (ms): found or not,
 * its expiry, whether it was used. A used code stays used after expiry. */
bo_code_verdict_t bo_enrol_code_verdict(bool found, int64_t expires_at, bool used, int64_t now);

/* The stored form of a code as a person typed it (hex SHA-256 of the
 * normalised code); false if it cannot be a code (wrong length or
 * characters), which then is unknown. */
bool bo_enrol_code_hash(const char *typed, char hex[65]);

/* Issues a fresh code for kiosk inside the caller's transaction: the
 * kiosk's unused codes are dropped, the new code's hash stored with its
 * expiry (now + days), the kiosk set `enrolling`. K_ENOTFOUND for an
 * unknown kiosk, K_ESTATE for a blocked one. */
kerr_t bo_enrol_code_issue(sqlite3 *db, const char *kiosk, int64_t now, int64_t days, char code[SYNC_CODE_LEN],
                           kmsg_t *msg);

/* `kiosk add ID --site SITE [--by-hand [--upload-key KEY]] [--days N]` and
 * `kiosk enrol-code ID [--days N]`: prints the code; --by-hand adds the
 * kiosk active with no code (its certificate made by hand, its upload key
 * given with --upload-key or `kiosk upload-key`). Returns an exit status. */
int bo_enrol_cli(sqlite3 *db, const bo_args_t *a, FILE *out);

/* Registers kiosk's Ed25519 upload key (base64 of 32 bytes) inside the
 * caller's transaction, audited (kiosk.upload_key); K_EINVAL for text that
 * is not a key, K_ENOTFOUND for an unknown kiosk. */
kerr_t bo_kiosk_set_upload_key(sqlite3 *db, const char *kiosk, const char *key, kmsg_t *msg);

/* `kiosk upload-key ID KEY`: registers the key; returns an exit status. */
int bo_kiosk_key_cli(sqlite3 *db, const bo_args_t *a);

/* Internal: runs sql with the text parameters ?1 (and ?2 if not NULL) and
 * the integer parameters ?3 and ?4 where the statement has them. */
kerr_t bo__enrol_run(sqlite3 *db, const char *sql, const char *p1, const char *p2, int64_t n3, int64_t n4, kmsg_t *msg);

/* A kiosk certificate signed from a request (bo_enrol_ca.c). */
typedef struct bo_kiosk_cert {
    char *pem;            /* malloc'd */
    char fingerprint[80]; /* "sha256:<hex>" of the DER */
    int64_t not_after;    /* ms */
    uint8_t spki[512];    /* the request's public key (SubjectPublicKeyInfo, DER) */
    size_t spki_len;
} bo_kiosk_cert_t;

/* Checks csr (PEM: its own signature holds, an EC key, CN = kiosk) and
 * signs a client certificate for kiosk with the CA (files ca_path and
 * ca_key_path, the key mode 600), valid from now_s for days. K_EINVAL for a
 * bad request, K_ECONFLICT if its CN is another kiosk, K_EIO for the CA's
 * files (the message says what to fix). */
kerr_t bo_enrol_sign(const char *ca_path, const char *ca_key_path, const char *csr, const char *kiosk, int64_t now_s,
                     int64_t days, bo_kiosk_cert_t *out, kmsg_t *msg);

/* Frees what bo_enrol_sign handed over. */
void bo_kiosk_cert_free(bo_kiosk_cert_t *c);

#endif
