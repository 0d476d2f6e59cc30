/* Staff sign-in (docs/staff.md): PINs hashed with Argon2id (libsodium),
 * the lockout rule of core/perm.h, and the session a signed-in operator
 * acts under. Every attempt is in the audit log; PINs are never logged or
 * stored. */
#ifndef PROVISIONING_STAFF_H
#define PROVISIONING_STAFF_H

#include "base/clock.h"
#include "core/perm.h"
#include "ledger/ledger.h"

#define STAFF_PIN_MIN 4
#define STAFF_PIN_MAX 12
#define STAFF_HASH_LEN 128 /* libsodium's crypto_pwhash_STRBYTES */

/* A signed-in operator. */
typedef struct staff_session {
    char name[LEDGER_NAME_LEN];
    char actor[LEDGER_NAME_LEN + 9]; /* "operator:NAME", for the audit log */
    perm_set_t perms;
} staff_session_t;

/* Whether pin has the form of a PIN: 4 to 12 digits. */
bool staff_pin_valid(const char *pin);

/* Hashes a PIN (Argon2id, libsodium's interactive limits) into out, in
 * libsodium's string form (salt and parameters included). */
kerr_t staff_pin_hash(const char *pin, char out[STAFF_HASH_LEN], kmsg_t *msg);

/* Signs operator name in with pin at the clock's time: K_EDENIED, saying
 * why, for an unknown or disabled operator, a locked-out one (until when),
 * or a wrong PIN (how many tries are left); each attempt and its outcome is
 * stored and audited. *out is the session on K_OK. */
kerr_t staff_login(ledger_t *l, const kclock_t *clk, const char *name, const char *pin, staff_session_t *out,
                   kmsg_t *msg);

/* K_OK if the session holds permission p, else K_EDENIED naming it. */
kerr_t staff_require(const staff_session_t *s, perm_t p, kmsg_t *msg);

#endif
