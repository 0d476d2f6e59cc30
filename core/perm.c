/* Staff permissions and the PIN lockout rule (perm.h). */
#include <stdio.h>
#include <string.h>

#include "core/perm.h"

static const char *const names[PERM_COUNT] = {
    [PERM_COLLECT_CASH] = "collect_cash", [PERM_DIAGNOSTICS] = "diagnostics", [PERM_REPRINT] = "reprint",
    [PERM_DELIVERIES] = "deliveries",     [PERM_VOID] = "void",               [PERM_CARDS] = "cards",
    [PERM_ACCOUNTS] = "accounts",         [PERM_SETTINGS] = "settings",       [PERM_OPERATORS] = "operators",
    [PERM_CONTACTS] = "contacts",
};

const char *perm_name(perm_t p)
{
    return p < PERM_COUNT ? names[p] : "?";
}

/* The permission named by text[0..n), or PERM_COUNT. */
static perm_t find(const char *text, size_t n)
{
    for (int p = 0; p < PERM_COUNT; p++)
        if (strlen(names[p]) == n && strncmp(names[p], text, n) == 0)
            return (perm_t)p;
    return PERM_COUNT;
}

bool perm_parse_set(const char *text, perm_set_t *out, char *bad, size_t bad_len)
{
    *out = 0;
    if (strcmp(text, "all") == 0) {
        *out = PERM_ALL;
        return true;
    }
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, ",");
        perm_t perm = find(p, n);
        if (perm == PERM_COUNT) {
            if (bad)
                snprintf(bad, bad_len, "%.*s", (int)n, p);
            return false;
        }
        *out |= 1u << perm;
        p += n + (p[n] == ',');
    }
    return true;
}

void perm_format_set(perm_set_t set, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int p = 0; p < PERM_COUNT; p++)
        if (set & (1u << p) && used < len)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", names[p]);
}

bool perm_allows(perm_set_t set, perm_t p)
{
    return p < PERM_COUNT && (set & (1u << p)) != 0;
}

bool pin_locked(const pin_state_t *s, int64_t now)
{
    return s->locked_until > now;
}

pin_state_t pin_after_attempt(pin_state_t s, bool good, int64_t now)
{
    if (s.locked_until && s.locked_until <= now)
        s = (pin_state_t){0}; /* the lock ran out: a new count */
    if (good)
        return (pin_state_t){0};
    s.failures++;
    if (s.failures >= PERM_MAX_FAILURES)
        s.locked_until = now + PERM_LOCK_MS;
    return s;
}

int64_t pin_entry_locked_until(const int64_t *newest_first, int n, int64_t now)
{
    if (n < PERM_MAX_FAILURES || newest_first[0] - newest_first[PERM_MAX_FAILURES - 1] >= PERM_ENTRY_WINDOW_MS)
        return 0;
    int64_t until = newest_first[0] + PERM_ENTRY_LOCK_MS;
    return until > now ? until : 0;
}
