/* Staff sign-in (staff.h). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "provisioning/staff.h"

_Static_assert(STAFF_HASH_LEN == crypto_pwhash_STRBYTES, "the hash buffer is libsodium's");

bool staff_pin_valid(const char *pin)
{
    size_t n = strlen(pin);
    return n >= STAFF_PIN_MIN && n <= STAFF_PIN_MAX && strspn(pin, "0123456789") == n;
}

kerr_t staff_pin_hash(const char *pin, char out[STAFF_HASH_LEN], kmsg_t *msg)
{
    if (!staff_pin_valid(pin))
        return kmsg_set(msg, K_EINVAL, "a PIN is %d to %d digits", STAFF_PIN_MIN, STAFF_PIN_MAX);
    if (sodium_init() < 0 || crypto_pwhash_str(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return kmsg_set(msg, K_EIO, "hashing the PIN failed (out of memory?)");
    return K_OK;
}

/* Minutes from now until ms, rounded up. */
static long minutes_until(int64_t ms, int64_t now)
{
    return (long)((ms - now + 59999) / 60000);
}

/* Stores a wrong PIN and says what follows. */
static kerr_t wrong_pin(ledger_t *l, const ledger_operator_t *o, int64_t now, kmsg_t *msg)
{
    pin_state_t s = pin_after_attempt((pin_state_t){o->failures, o->locked_until}, false, now);
    bool locked = pin_locked(&s, now);
    kerr_t rc = ledger_operator_attempt(l, o->name, s.failures, s.locked_until, locked ? "locked_out" : "login_failed",
                                        msg);
    if (rc)
        return rc;
    LOG_W("staff", "operator %s: wrong PIN (%d in a row)%s", o->name, s.failures, locked ? ": locked out" : "");
    if (locked)
        return kmsg_set(msg, K_EDENIED, "wrong PIN: operator %s is locked out for %d minutes", o->name,
                        PERM_LOCK_MS / 60000);
    return kmsg_set(msg, K_EDENIED, "wrong PIN for operator %s: %d tries left before a %d-minute lockout", o->name,
                    PERM_MAX_FAILURES - s.failures, PERM_LOCK_MS / 60000);
}

/* The session of operator o, signed in. */
static kerr_t open_session(const ledger_operator_t *o, staff_session_t *out, kmsg_t *msg)
{
    *out = (staff_session_t){.perms = 0};
    snprintf(out->name, sizeof out->name, "%s", o->name);
    snprintf(out->actor, sizeof out->actor, "operator:%s", o->name);
    if (!perm_parse_set(o->perms, &out->perms, NULL, 0))
        return kmsg_set(msg, K_ECORRUPT, "group %s holds an unknown permission: fix it with kioskctl group set",
                        o->group);
    return K_OK;
}

kerr_t staff_login(ledger_t *l, const kclock_t *clk, const char *name, const char *pin, staff_session_t *out,
                   kmsg_t *msg)
{
    ledger_operator_t o;
    bool found;
    int64_t now = kclock_wall(clk);
    kerr_t rc = ledger_operator_get(l, name, &o, &found, msg);
    if (rc)
        return rc;
    if (!found || !o.active) {
        ledger_audit(l, name, "login_refused", name, found ? "disabled" : "unknown operator", "", NULL);
        return kmsg_set(msg, K_EDENIED, "operator %s %s", name, found ? "is disabled" : "does not exist");
    }
    pin_state_t s = {o.failures, o.locked_until};
    if (pin_locked(&s, now))
        return kmsg_set(msg, K_EDENIED, "operator %s is locked out after %d wrong PINs: try again in %ld minutes",
                        name, PERM_MAX_FAILURES, minutes_until(o.locked_until, now));
    if (sodium_init() < 0 || crypto_pwhash_str_verify(o.pin_hash, pin, strlen(pin)) != 0)
        return wrong_pin(l, &o, now, msg);
    if ((rc = ledger_operator_attempt(l, name, 0, 0, "login", msg)))
        return rc;
    return open_session(&o, out, msg);
}

/* The operators whose PIN is the one typed: each active one (not locked
 * out, not the one excepted) is tried, every time, so the time taken does
 * not tell which matched. */
typedef struct pin_match {
    const char *pin;
    const char *except; /* NULL: none */
    int64_t now;
    int n;
    ledger_operator_t first;
} pin_match_t;

static void try_pin(void *ctx, const ledger_operator_t *o)
{
    pin_match_t *m = ctx;
    pin_state_t s = {o->failures, o->locked_until};
    if (!o->active || pin_locked(&s, m->now) || (m->except && strcmp(o->name, m->except) == 0))
        return;
    if (crypto_pwhash_str_verify(o->pin_hash, m->pin, strlen(m->pin)) != 0)
        return;
    if (m->n++ == 0)
        m->first = *o;
}

static kerr_t match_pin(ledger_t *l, pin_match_t *m, kmsg_t *msg)
{
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium does not start");
    return ledger_operators(l, try_pin, m, msg);
}

kerr_t staff_pin_new(ledger_t *l, const char *name, const char *pin, char out[STAFF_HASH_LEN], kmsg_t *msg)
{
    pin_match_t m = {.pin = pin, .except = name};
    kerr_t rc = staff_pin_valid(pin) ? match_pin(l, &m, msg) : K_OK;
    if (rc == K_OK && m.n > 0)
        return kmsg_set(msg, K_ECONFLICT, "another operator has this PIN: choose another (at the touchscreen a PIN "
                                          "alone says who signs in)");
    return rc ? rc : staff_pin_hash(pin, out, msg);
}

/* When the service entry opens again (0: open now), from the audit's
 * refused codes. */
static kerr_t entry_until(ledger_t *l, int64_t now, int64_t *until, kmsg_t *msg)
{
    int64_t t[PERM_MAX_FAILURES];
    int n;
    kerr_t rc = ledger_audit_times(l, "login_refused", STAFF_ENTRY, STAFF_WRONG_CODE, PERM_MAX_FAILURES, t, &n, msg);
    *until = rc == K_OK ? pin_entry_locked_until(t, n, now) : 0;
    return rc;
}

kerr_t staff_entry_locked(ledger_t *l, const kclock_t *clk, int64_t *until, kmsg_t *msg)
{
    return entry_until(l, kclock_wall(clk), until, msg);
}

/* Audits a code refused at the entry, and says why (in English, for the
 * log; the screen says only that the code was not accepted). */
static kerr_t refuse_code(ledger_t *l, const char *why, const char *detail, kmsg_t *msg)
{
    kerr_t rc = ledger_audit(l, STAFF_ENTRY_ACTOR, "login_refused", STAFF_ENTRY, why, detail, msg);
    return rc ? rc : kmsg_set(msg, K_EDENIED, "service entry: %s%s%s", why, detail[0] ? ": " : "", detail);
}

kerr_t staff_login_code(ledger_t *l, const kclock_t *clk, const char *pin, staff_session_t *out,
                        int64_t *locked_until, kmsg_t *msg)
{
    int64_t now = kclock_wall(clk);
    kerr_t rc = entry_until(l, now, locked_until, msg);
    if (rc == K_OK && *locked_until)
        return refuse_code(l, "entry locked", "after wrong codes", msg);
    pin_match_t m = {.pin = pin, .now = now};
    if (rc == K_OK && (!staff_pin_valid(pin) || (rc = match_pin(l, &m, msg)) == K_OK) && m.n == 0) {
        if ((rc = ledger_audit(l, STAFF_ENTRY_ACTOR, "login_refused", STAFF_ENTRY, STAFF_WRONG_CODE, "", msg)) ||
            (rc = entry_until(l, now, locked_until, msg)))
            return rc;
        LOG_W("staff", "service entry: a code that signs no one in%s", *locked_until ? ": the entry is locked" : "");
        return kmsg_set(msg, K_EDENIED, "service entry: the code signs no one in%s",
                        *locked_until ? "; the entry is locked after wrong codes" : "");
    }
    if (rc == K_OK && m.n > 1) {
        LOG_W("staff", "service entry: %d operators share a PIN: give them new ones (kioskctl operator pin)", m.n);
        return refuse_code(l, "shared code", "operators share it: give them new PINs", msg);
    }
    if (rc == K_OK)
        rc = ledger_operator_attempt(l, m.first.name, 0, 0, "login", msg);
    return rc ? rc : open_session(&m.first, out, msg);
}

kerr_t staff_require(const staff_session_t *s, perm_t p, kmsg_t *msg)
{
    if (perm_allows(s->perms, p))
        return K_OK;
    return kmsg_set(msg, K_EDENIED, "operator %s may not do this: it needs the permission %s", s->name, perm_name(p));
}
