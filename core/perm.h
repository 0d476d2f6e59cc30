/* Staff permissions and the PIN lockout rule (docs/staff.md): what an
 * operator's group allows, and whether an operator may try a PIN now. Pure:
 * names, sets and decisions; the PINs themselves never come here. */
#ifndef CORE_PERM_H
#define CORE_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum perm {
    PERM_COLLECT_CASH,   /* empty the cash box, the Z report, the terminal's end of day */
    PERM_DIAGNOSTICS,    /* device status, meter reads and scans, relays */
    PERM_REPRINT,        /* print a receipt again */
    PERM_DELIVERIES,     /* retry and reconcile deliveries */
    PERM_VOID,           /* void or zero a purchase */
    PERM_CARDS,          /* issue and replace meter cards */
    PERM_ACCOUNTS,       /* account operations */
    PERM_SETTINGS,       /* change settings */
    PERM_OPERATORS,      /* manage operators and groups */
    PERM_CONTACTS,       /* residents' contact details (personal data; the back office) */
    PERM_COUNT
} perm_t;

typedef uint32_t perm_set_t; /* bit p set: permission p */

#define PERM_ALL ((perm_set_t)((1u << PERM_COUNT) - 1))

/* The snake_case name of a permission ("collect_cash"). */
const char *perm_name(perm_t p);

/* Parses a comma-separated list of names ("collect_cash,reprint"; "all"
 * for every one, "" for none). False, with the first unknown name copied
 * into bad (may be NULL), if a name is not a permission. */
bool perm_parse_set(const char *text, perm_set_t *out, char *bad, size_t bad_len);

/* Writes the names of a set, comma-separated ("" for none). */
void perm_format_set(perm_set_t set, char *out, size_t len);

/* Whether the set holds p. */
bool perm_allows(perm_set_t set, perm_t p);

/* The lockout rule: this many wrong PINs in a row lock the operator out
 * for PERM_LOCK_MS. */
#define PERM_MAX_FAILURES 5
#define PERM_LOCK_MS (30 * 60 * 1000)

/* An operator's PIN record, as the ledger keeps it. */
typedef struct pin_state {
    int failures;         /* wrong PINs in a row */
    int64_t locked_until; /* ms since the epoch; 0 = not locked */
} pin_state_t;

/* Whether the operator is locked out at now (a PIN is not even tried). */
bool pin_locked(const pin_state_t *s, int64_t now);

/* The record after a PIN was tried at now: a good PIN clears it; a wrong
 * one counts, and the PERM_MAX_FAILURES-th locks until now + PERM_LOCK_MS.
 * A lock that has run out starts a new count. */
pin_state_t pin_after_attempt(pin_state_t s, bool good, int64_t now);

/* The service entry's lockout (the touchscreen, where a PIN alone names the
 * operator): PERM_MAX_FAILURES codes that sign no one in, all within
 * PERM_ENTRY_WINDOW_MS, lock the entry as a whole for PERM_ENTRY_LOCK_MS
 * after the last of them. */
#define PERM_ENTRY_WINDOW_MS (10 * 60 * 1000)
#define PERM_ENTRY_LOCK_MS (10 * 60 * 1000)

/* When the entry opens again, given the times of its newest refused codes
 * (newest first, n of them; only the first PERM_MAX_FAILURES matter): 0 if
 * it is open at now. */
int64_t pin_entry_locked_until(const int64_t *newest_first, int n, int64_t now);

#endif
