/* The web console's sign-in and sessions (bo_console.h). */
#include "backoffice/domain/bo_console.h"

#include <stdio.h>
#include <string.h>

#define TOUCH_MS 5000 /* a session's use is written at most this often */

kerr_t bo_console_password_hash(const char *password, char hash[crypto_pwhash_STRBYTES], kmsg_t *msg)
{
    size_t n = strlen(password);
    if (n < BO_CONSOLE_PW_MIN || n > BO_CONSOLE_PW_MAX)
        return kmsg_set(msg, K_EINVAL, "a console password is %d to %d characters: nothing changed",
                        BO_CONSOLE_PW_MIN, BO_CONSOLE_PW_MAX);
    if (sodium_init() < 0 || crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return kmsg_set(msg, K_EIO, "hashing the password failed (out of memory?): nothing changed");
    return K_OK;
}

/* The operator's group's permissions now; *ok false if the operator is
 * not known, disabled, or the group names a permission no longer known. */
static kerr_t operator_now(bo_store_t *st, const char *name, bo_console_who_t *w, bool *ok, kmsg_t *msg)
{
    char perms[256] = "";
    bool enabled = false, found = false;
    kerr_t rc = st->ops->notice->operator_perms(st->ctx, name, perms, &enabled, &found, msg);
    *ok = rc == K_OK && found && enabled && perm_parse_set(perms, &w->perms, NULL, 0);
    snprintf(w->operator_name, sizeof w->operator_name, "%s", name);
    return rc;
}

kerr_t bo_console_password_set(bo_store_t *st, const bo_who_t *who, const char *name, const char *hash, kmsg_t *msg)
{
    bo_op_t op;
    char perms[256];
    bool enabled = false, found = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->notice->operator_perms(st->ctx, name, perms, &enabled, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "there is no central operator '%s': add one with `operator add`", name);
    if (rc == K_OK)
        rc = st->ops->console->password_put(st->ctx, name, hash, who->now, msg);
    if (rc == K_OK)
        rc = st->ops->console->session_drop_operator(st->ctx, name, msg);
    return bo_op_end(&op, rc, "console.password", name, "", "", NULL, NULL);
}

/* hex of n bytes into out (2n + 1). */
static void hex(const unsigned char *b, size_t n, char *out)
{
    sodium_bin2hex(out, 2 * n + 1, b, n);
}

/* The stored id of a token: the hex SHA-256 of its text. */
static void token_id(const char *token, char id[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    hex(h, sizeof h, id);
}

static void random_hex(char out[BO_CONSOLE_TOKEN_LEN + 1])
{
    unsigned char b[BO_CONSOLE_TOKEN_LEN / 2];
    randombytes_buf(b, sizeof b);
    hex(b, sizeof b, out);
}

/* Whether password is the operator's (*good), tried only when the operator
 * is known and not locked out; the lockout record written after the try,
 * and the action to audit. */
static kerr_t try_password(bo_store_t *st, int64_t now, const char *name, const char *password, bool known,
                           const char **action, bool *good, kmsg_t *msg)
{
    bo_login_rec_t rec;
    bool found = false;
    *good = false;
    kerr_t rc = st->ops->console->login_get(st->ctx, name, &rec, &found, msg);
    if (rc || !found || !known) {
        *action = "console.login_refused";
        return rc;
    }
    pin_state_t ps = {rec.failures, rec.locked_until};
    if (pin_locked(&ps, now)) {
        *action = "console.login_locked";
        return kmsg_set(msg, K_EBUSY,
                        "operator %s is locked out after %d wrong passwords: wait 30 minutes, or have an "
                        "administrator set a new password (`backoffice operator password %s`)",
                        name, PERM_MAX_FAILURES, name);
    }
    *good = crypto_pwhash_str_verify(rec.hash, password, strlen(password)) == 0;
    pin_state_t after = pin_after_attempt(ps, *good, now);
    *action = *good ? "console.login" : after.locked_until ? "console.locked_out" : "console.login_failed";
    return st->ops->console->login_mark(st->ctx, name, after.failures, after.locked_until, msg);
}

/* Ends the session id; returns why. */
static kerr_t end_session(bo_store_t *st, const char *id, kerr_t why, const char *text, kmsg_t *msg)
{
    kmsg_t ignored = {{0}};
    st->ops->console->session_drop(st->ctx, id, &ignored);
    return kmsg_set(msg, why, "%s", text);
}

/* Forgets the sessions that expired (kept until now so that their browser
 * hears "expired" rather than "signed out"). */
static kerr_t purge(bo_store_t *st, int64_t now, const bo_console_config_t *cfg, kmsg_t *msg)
{
    return st->ops->console->session_purge(st->ctx, now - cfg->idle_s * 1000 - 86400000LL,
                                           now - cfg->absolute_s * 1000 - 86400000LL, msg);
}

kerr_t bo_console_sign_in(bo_store_t *st, int64_t now, const bo_console_config_t *cfg, const char *name,
                          const char *password, bo_console_grant_t *out, kmsg_t *msg)
{
    char actor[48];
    snprintf(actor, sizeof actor, "console:%.32s", name);
    bo_who_t who = {actor, now};
    bo_op_t op;
    bool known = false, good = false;
    const char *action = "console.login_refused";
    *out = (bo_console_grant_t){.token = ""};
    kerr_t rc = bo_op_begin(&op, st, &who, msg);
    if (rc == K_OK)
        rc = operator_now(st, name, &out->who, &known, msg);
    if (rc == K_OK)
        rc = try_password(st, now, name, password, known, &action, &good, msg);
    kerr_t refusal = rc == K_EBUSY ? K_EBUSY : K_OK;
    if (refusal)
        rc = K_OK; /* the refusal is audited and committed */
    if (rc == K_OK && good) {
        bo_session_rec_t s = {.created_at = now, .seen_at = now};
        random_hex(out->token);
        random_hex(out->who.csrf);
        token_id(out->token, s.id);
        snprintf(s.operator_name, sizeof s.operator_name, "%s", name);
        snprintf(s.csrf, sizeof s.csrf, "%s", out->who.csrf);
        out->who.created_at = out->who.seen_at = now;
        rc = st->ops->console->session_put(st->ctx, &s, msg);
        if (rc == K_OK)
            rc = purge(st, now, cfg, msg);
    }
    char busy_text[sizeof msg->text];
    snprintf(busy_text, sizeof busy_text, "%s", msg->text);
    rc = bo_op_end(&op, rc, action, name, "", "", NULL, NULL);
    if (rc)
        return rc;
    if (refusal)
        return kmsg_set(msg, refusal, "%s", busy_text);
    if (!good)
        return kmsg_set(msg, K_EDENIED,
                        "wrong operator name or password (%d wrong in a row lock the operator out for 30 minutes)",
                        PERM_MAX_FAILURES);
    return K_OK;
}

kerr_t bo_console_session(bo_store_t *st, int64_t now, const bo_console_config_t *cfg, const char *token,
                          bo_console_who_t *out, kmsg_t *msg)
{
    bo_session_rec_t s;
    char id[65];
    bool found = false, ok = false;
    *out = (bo_console_who_t){.perms = 0};
    token_id(token, id);
    kerr_t rc = st->ops->console->session_get(st->ctx, id, &s, &found, msg);
    if (rc)
        return rc;
    if (!found)
        return kmsg_set(msg, K_ENOTFOUND, "you are not signed in (or you signed out): sign in again");
    if (now - s.seen_at >= cfg->idle_s * 1000 || now - s.created_at >= cfg->absolute_s * 1000)
        return kmsg_set(msg, K_ESTATE, "your session expired: sign in again");
    rc = operator_now(st, s.operator_name, out, &ok, msg);
    if (rc)
        return rc;
    if (!ok)
        return end_session(st, id, K_EDENIED, "this operator is disabled or no longer exists: ask an administrator",
                           msg);
    snprintf(out->csrf, sizeof out->csrf, "%s", s.csrf);
    out->created_at = s.created_at;
    out->seen_at = s.seen_at;
    if (now - s.seen_at >= TOUCH_MS)
        rc = st->ops->console->session_touch(st->ctx, id, now, msg);
    return rc;
}

kerr_t bo_console_sign_out(bo_store_t *st, int64_t now, const char *token, kmsg_t *msg)
{
    bo_session_rec_t s;
    char id[65], actor[48];
    bool found = false;
    bo_op_t op;
    token_id(token, id);
    kerr_t rc = st->ops->console->session_get(st->ctx, id, &s, &found, msg);
    if (rc || !found)
        return rc;
    snprintf(actor, sizeof actor, "console:%s", s.operator_name);
    bo_who_t who = {actor, now};
    rc = bo_op_begin(&op, st, &who, msg);
    if (rc == K_OK)
        rc = st->ops->console->session_drop(st->ctx, id, msg);
    return bo_op_end(&op, rc, "console.logout", s.operator_name, "", "", NULL, NULL);
}
