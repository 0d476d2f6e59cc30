/* Keys as the simulators hold them: key files (32 hex digits, readable by
 * their owner only) and AES-128-CMAC (NIST SP 800-38B, RFC 4493), the
 * primitive every MAC of docs/protocols/dlt645-prepaid.md ("The MACs")
 * and docs/card.md ("Keys") is built on. Keys never reach a log. */
#ifndef SIM_COMMON_SIMKEY_H
#define SIM_COMMON_SIMKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SIMKEY_LEN 16

/* Reads the key file at path: exactly 32 hex digits, spaces and line
 * breaks allowed; refuses a file that others than its owner may read.
 * K_EINVAL with the path and the reason in msg. */
kerr_t simkey_load(const char *path, uint8_t key[SIMKEY_LEN], kmsg_t *msg);

/* AES-128-CMAC of msg under key into out; false if the crypto library
 * fails. */
bool simkey_cmac(const uint8_t key[SIMKEY_LEN], const uint8_t *msg, size_t len, uint8_t out[16]);

/* The first n (1..16) bytes of simkey_cmac. */
bool simkey_mac(const uint8_t key[SIMKEY_LEN], const uint8_t *msg, size_t len, uint8_t *out, size_t n);

/* Whether two MACs of n bytes are equal, in time that does not depend on
 * where they differ. */
bool simkey_same(const uint8_t *a, const uint8_t *b, size_t n);

#endif
