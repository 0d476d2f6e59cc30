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

/* The touchscreen's service entry, where a PIN alone says who signs in:
 * its audit rows (target, actor) and the reason of a code that signed no
 * one in (what its lockout counts: core/perm.h). */
#define STAFF_ENTRY "service mode"
#define STAFF_ENTRY_ACTOR "system:touchscreen"
#define STAFF_WRONG_CODE "wrong code"

/* A new PIN for operator name (NULL or not yet made: no one excepted),
 * hashed into out: K_EINVAL if it is not a PIN, K_ECONFLICT (not saying
 * whose) if another active operator has it already, as a PIN alone signs
 * in at the touchscreen. Every active operator's hash is tried. */
kerr_t staff_pin_new(ledger_t *l, const char *name, const char *pin, char out[STAFF_HASH_LEN], kmsg_t *msg);

/* Signs in the one active operator, not locked out, whose PIN is pin (the
 * service entry: no name is asked). K_EDENIED, with an audit row
 * login_refused on STAFF_ENTRY, while the entry is locked (*locked_until:
 * until when) or when the code signs no one in: a wrong code counts
 * towards the entry's lockout (*locked_until set if it locks it now); a
 * code two operators share signs neither in. Every active operator's hash
 * is tried each time. *out is the session on K_OK. */
kerr_t staff_login_code(ledger_t *l, const kclock_t *clk, const char *pin, staff_session_t *out,
                        int64_t *locked_until, kmsg_t *msg);

/* When the service entry opens again (wall-clock ms), 0 if it is open. */
kerr_t staff_entry_locked(ledger_t *l, const kclock_t *clk, int64_t *until, kmsg_t *msg);

/* K_OK if the session holds permission p, else K_EDENIED naming it. */
kerr_t staff_require(const staff_session_t *s, perm_t p, kmsg_t *msg);

#endif
