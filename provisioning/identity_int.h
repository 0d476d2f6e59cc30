/* Internal to provisioning/identity*.c: the folder's file names, and the
 * OpenSSL side of the kiosk's identity (identity_x509.c). */
#ifndef PROVISIONING_IDENTITY_INT_H
#define PROVISIONING_IDENTITY_INT_H

#include "provisioning/identity.h"

#define IDENTITY_TLS_KEY CONFIG_IDENTITY_TLS_KEY
#define IDENTITY_CERT CONFIG_IDENTITY_CERT
#define IDENTITY_DOC_KEY CONFIG_IDENTITY_DOC_KEY
#define IDENTITY_CSR "tls.csr"
#define IDENTITY_UPLOAD_KEY "upload.key"
#define IDENTITY_CA "ca.pem"
#define IDENTITY_ENROLMENT "enrolment.json"
#define IDENTITY_LEDGER CONFIG_IDENTITY_LEDGER

/* Makes a new EC P-256 key as dir/tls.key. */
kerr_t identity__tls_keygen(const char *dir, kmsg_t *msg);
/* The TLS key's SubjectPublicKeyInfo (DER) into buf; *len is its size. */
kerr_t identity__tls_spki(const char *key_path, uint8_t *buf, size_t cap, size_t *len, kmsg_t *msg);
/* A certificate request for the key at key_path, CN = cn, signed by it (PEM). */
kerr_t identity__csr_pem(const char *key_path, const char *cn, char **pem, kmsg_t *msg);
/* Checks cert (PEM) is for the key at key_path and signed by ca (PEM). */
kerr_t identity__cert_check(const char *key_path, const char *cert, const char *ca, kmsg_t *msg);
/* The certificate's fingerprint ("sha256:<hex>") and expiry (ms). */
kerr_t identity__cert_info(const char *cert_path, char *fp, size_t fp_len, int64_t *not_after, kmsg_t *msg);
/* Writes data to dir/name through a temporary file, mode 600. */
kerr_t identity__write(const char *dir, const char *name, const void *data, size_t len, kmsg_t *msg);

#endif
