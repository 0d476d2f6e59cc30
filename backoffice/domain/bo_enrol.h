/* Enrolment (docs/enrolment.md): staff add a kiosk and get a one-time
 * code (bo_kiosk.h); the kiosk presents it with a certificate request at
 * POST /v1/enrol and gets its certificate, signed by the kiosks' CA. A
 * code is random (80 bits), stored only as its SHA-256, valid for some
 * days, and good for one enrolment of one kiosk. */
#ifndef BACKOFFICE_DOMAIN_BO_ENROL_H
#define BACKOFFICE_DOMAIN_BO_ENROL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/domain/bo_op.h"
#include "base/err.h"
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
kerr_t bo_enrol_code_issue(bo_store_t *st, const char *kiosk, int64_t now, int64_t days, char code[SYNC_CODE_LEN],
                           kmsg_t *msg);

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

/* An enrolment request, decoded. */
typedef struct bo_enrol_req {
    char code[64];
    char *csr; /* PEM */
    char upload_key[64];
    uint8_t upload_pk[32];
    char kiosk_code[32];
} bo_enrol_req_t;

/* Why a code does not enrol (the HTTP layer answers each with its status). */
typedef enum bo_enrol_refusal {
    BO_ENROL_GOOD,
    BO_ENROL_UNKNOWN,       /* 403 code_unknown */
    BO_ENROL_EXPIRED,       /* 403 code_expired */
    BO_ENROL_USED,          /* 403 code_used */
    BO_ENROL_NOT_ENROLLING, /* 409 conflict: the kiosk is not waiting for its enrolment */
} bo_enrol_refusal_t;

/* An enrolment's outcome: the code's kiosk, the refusal, the certificate. */
typedef struct bo_enrolment {
    bo_code_rec_t code;
    bo_enrol_refusal_t refused;
    bo_kiosk_cert_t cert; /* freed with bo_kiosk_cert_free */
} bo_enrolment_t;

/* Enrols the kiosk the code was issued for, as one transaction at now:
 * checks the code, signs the request with the kiosks' CA (cfg's [tls] and
 * [enrol] settings), makes the kiosk active with its certificate pinned
 * (audited kiosk.enrol); the kiosk it enrolled asking again while the code
 * lasts (its answer lost) gets a fresh certificate (kiosk.enrol_again).
 * K_EDENIED with out->refused for a code that does not enrol; K_ECONFLICT
 * for a request naming another kiosk; K_EIO for the CA; nothing is
 * changed then. */
kerr_t bo_enrol_kiosk(bo_store_t *st, const bo_config_t *cfg, int64_t now, const bo_enrol_req_t *in,
                      bo_enrolment_t *out, kmsg_t *msg);

/* The answer to an enrolment: the kiosk, its site, its certificate with
 * the CA's (read from ca_path), the document key (base64) and its
 * settings. NULL with the message if the CA cannot be read. */
cJSON *bo_enrol_answer(bo_store_t *st, const char *ca_path, const char *document_key, const bo_enrolment_t *e,
                       kmsg_t *msg);

#endif
