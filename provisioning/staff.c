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
    *out = (staff_session_t){.perms = 0};
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->actor, sizeof out->actor, "operator:%s", name);
    if (!perm_parse_set(o.perms, &out->perms, NULL, 0))
        return kmsg_set(msg, K_ECORRUPT, "group %s holds an unknown permission: fix it with kioskctl group set",
                        o.group);
    return K_OK;
}

kerr_t staff_require(const staff_session_t *s, perm_t p, kmsg_t *msg)
{
    if (perm_allows(s->perms, p))
        return K_OK;
    return kmsg_set(msg, K_EDENIED, "operator %s may not do this: it needs the permission %s", s->name, perm_name(p));
}
