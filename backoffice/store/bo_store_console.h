/* The store's part for the web console (docs/console.md): each central
 * operator's console password with its lockout record, and the signed-in
 * sessions. A session is kept by the SHA-256 of its token (hex), never by
 * the token the browser holds. */
#ifndef BACKOFFICE_STORE_BO_STORE_CONSOLE_H
#define BACKOFFICE_STORE_BO_STORE_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* An operator's console password, as stored. */
typedef struct bo_login_rec {
    char hash[128];       /* Argon2id (crypto_pwhash_str); "" if none was set */
    int failures;         /* wrong passwords in a row */
    int64_t locked_until; /* ms; 0: not locked */
} bo_login_rec_t;

/* A console session, as stored. */
typedef struct bo_session_rec {
    char id[65];        /* hex SHA-256 of the cookie's token */
    char operator_name[33];
    char csrf[65];      /* the token every change must carry in X-CSRF-Token */
    int64_t created_at, seen_at;
} bo_session_rec_t;

typedef struct bo_st_console {
    /* The operator's password record; *found false if none was set. */
    kerr_t (*login_get)(void *ctx, const char *name, bo_login_rec_t *out, bool *found, kmsg_t *msg);
    /* Sets the operator's password hash, clearing its lockout. */
    kerr_t (*password_put)(void *ctx, const char *name, const char *hash, int64_t at, kmsg_t *msg);
    /* Records the lockout state after a try. */
    kerr_t (*login_mark)(void *ctx, const char *name, int failures, int64_t locked_until, kmsg_t *msg);
    kerr_t (*session_put)(void *ctx, const bo_session_rec_t *s, kmsg_t *msg);
    /* The session of id; *found false if there is none. */
    kerr_t (*session_get)(void *ctx, const char *id, bo_session_rec_t *out, bool *found, kmsg_t *msg);
    /* Notes that the session was used at. */
    kerr_t (*session_touch)(void *ctx, const char *id, int64_t at, kmsg_t *msg);
    /* Ends the session of id (nothing if there is none). */
    kerr_t (*session_drop)(void *ctx, const char *id, kmsg_t *msg);
    /* Ends every session of the operator (a new password, a disabled operator). */
    kerr_t (*session_drop_operator)(void *ctx, const char *name, kmsg_t *msg);
    /* Forgets sessions last used before idle_before or made before made_before. */
    kerr_t (*session_purge)(void *ctx, int64_t idle_before, int64_t made_before, kmsg_t *msg);
} bo_st_console_t;

#endif
