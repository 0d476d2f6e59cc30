/* Offline selling (docs/sync.md, "What the kiosk's client must do", 4):
 * whether a sale may go on while the back office is not answering. Pure:
 * the facts (the link's state from the ledger, what was sold since the
 * last answer) come from the caller. */
#ifndef CORE_OFFLINE_H
#define CORE_OFFLINE_H

#include <stdbool.h>
#include <stdint.h>

/* The limits (from [sync], or the back office's signed settings). */
typedef struct offline_limits {
    int64_t after_ms;     /* no answer for this long means offline */
    int64_t max_purchase; /* minor units, per sale while offline */
    int64_t total;        /* minor units, all sales since the last answer together */
    int64_t hours;        /* no sale once offline this long */
} offline_limits_t;

/* What is known about the link and the sales. */
typedef struct offline_facts {
    int64_t now;          /* ms since the epoch */
    int64_t last_contact; /* the back office's last answer, ms; 0 = never */
    bool last_failed;     /* the last request got no answer (or an error) */
    int64_t sold_since;   /* money taken by sales opened since last_contact, minor units */
} offline_facts_t;

typedef enum offline_verdict {
    OFFLINE_ONLINE,    /* the back office answers: no offline limit applies */
    OFFLINE_OK,        /* offline, within the limits */
    OFFLINE_OVER_SALE, /* offline: more than max_purchase for one sale */
    OFFLINE_OVER_TOTAL,/* offline: the total since the last answer would pass `total` */
    OFFLINE_TOO_LONG,  /* offline longer than `hours`: no sale */
} offline_verdict_t;

/* Whether the kiosk counts as offline now: the last request failed, the
 * back office never answered, or its last answer is older than after_ms. */
bool offline_is_offline(const offline_limits_t *l, const offline_facts_t *f);

/* Decides whether a sale of amount may go on. A kiosk that never reached
 * its back office has no offline start, so only the money limits apply. */
offline_verdict_t offline_check(const offline_limits_t *l, const offline_facts_t *f, int64_t amount);

/* The verdict in words, for the resident and staff ("offline: ..."). */
const char *offline_verdict_text(offline_verdict_t v);

#endif
