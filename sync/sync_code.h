/* Codes people read and type during enrolment (docs/enrolment.md), shared
 * by the kiosk and the back office: the kiosk's own code, derived from its
 * public keys so that staff can check the right device enrolled, and the
 * way a one-time enrolment code is written and normalised. Base32 (RFC
 * 4648 alphabet, A-Z and 2-7), four groups of four: "ABCD-EFGH-JKLM-NP23". */
#ifndef SYNC_SYNC_CODE_H
#define SYNC_SYNC_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_CODE_BYTES 10 /* 80 bits, 16 base32 characters */
#define SYNC_CODE_LEN 20   /* "XXXX-XXXX-XXXX-XXXX" and its NUL */

/* Writes the kiosk's code: the first 80 bits of SHA-256 over the TLS key's
 * SubjectPublicKeyInfo (DER) followed by the 32-byte Ed25519 upload key. */
void sync_kiosk_code(const uint8_t *spki_der, size_t spki_len, const uint8_t upload_pk[32], char out[SYNC_CODE_LEN]);

/* Writes SYNC_CODE_BYTES bytes as grouped base32. */
void sync_code_format(const uint8_t b[SYNC_CODE_BYTES], char out[SYNC_CODE_LEN]);

/* Normalises a code as a person typed it (any case, dashes and spaces
 * anywhere) into 16 upper-case characters; false if anything else is in it
 * or it is not 16 characters long. */
bool sync_code_normalise(const char *typed, char out[17]);

#endif
