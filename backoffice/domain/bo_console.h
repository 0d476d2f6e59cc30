/* Signing in to the web console (docs/console.md): central operators with
 * a console password (Argon2id), the kiosk's lockout rule (core/perm.h:
 * five wrong in a row lock the operator out for 30 minutes), and sessions
 * with an idle and an absolute expiry. The browser holds a session's
 * token; the store keeps only its SHA-256. Every sign-in, refusal,
 * lockout, sign-out and new password is audited with actor
 * console:<operator> (or the command line's user). */
#ifndef BACKOFFICE_DOMAIN_BO_CONSOLE_H
#define BACKOFFICE_DOMAIN_BO_CONSOLE_H

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_console_config.h"
#include "backoffice/domain/bo_op.h"
#include "core/perm.h"

#define BO_CONSOLE_PW_MIN 10
#define BO_CONSOLE_PW_MAX 128
#define BO_CONSOLE_TOKEN_LEN 64 /* hex characters of a session token and of a CSRF token */

/* A signed-in operator, as a request sees it. */
typedef struct bo_console_who {
    char operator_name[33];
    perm_set_t perms;
    char csrf[BO_CONSOLE_TOKEN_LEN + 1];
    int64_t created_at, seen_at;
} bo_console_who_t;

/* What signing in hands the browser: the session's token (for the cookie)
 * and who signed in. */
typedef struct bo_console_grant {
    char token[BO_CONSOLE_TOKEN_LEN + 1];
    bo_console_who_t who;
} bo_console_grant_t;

/* The stored form of a console password: 10 to 128 characters, hashed with
 * Argon2id (libsodium's crypto_pwhash_str, interactive limits). K_EINVAL
 * for one too short or too long. */
kerr_t bo_console_password_hash(const char *password, char hash[crypto_pwhash_STRBYTES], kmsg_t *msg);

/* Gives central operator name the console password hash, lifting a
 * lockout and ending the operator's sessions (console.password);
 * K_ENOTFOUND if there is no such operator. */
kerr_t bo_console_password_set(bo_store_t *st, const bo_who_t *who, const char *name, const char *hash, kmsg_t *msg);

/* Signs operator name in with password at now: a new session in out.
 * K_EDENIED with a message that does not say whether the name exists for
 * a wrong name or password, a disabled operator or one without a console
 * password; K_EBUSY while the operator is locked out (the password is not
 * even tried). The lockout record and the audit row are committed either
 * way. Sessions expired over a day ago are forgotten then. */
kerr_t bo_console_sign_in(bo_store_t *st, int64_t now, const bo_console_config_t *cfg, const char *name,
                          const char *password, bo_console_grant_t *out, kmsg_t *msg);

/* The session of token at now under cfg's expiries, with the operator's
 * group's permissions as they are now: K_OK with out filled (the session's
 * use noted); K_ENOTFOUND if there is no such session (signed out);
 * K_ESTATE if it expired (the row stays a day, so that it keeps saying so); K_EDENIED if the operator was
 * disabled or removed since (it is ended). */
kerr_t bo_console_session(bo_store_t *st, int64_t now, const bo_console_config_t *cfg, const char *token,
                          bo_console_who_t *out, kmsg_t *msg);

/* Ends the session of token (console.logout by its operator). */
kerr_t bo_console_sign_out(bo_store_t *st, int64_t now, const char *token, kmsg_t *msg);

#endif
