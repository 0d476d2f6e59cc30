/* Trying an idempotent request again: one policy for every driver. How
 * many tries, and the pause before each retry, which is the backoff rule
 * of base/backoff.h slept through the clock seam (a test clock steps
 * instead of sleeping). Which requests may be tried again is the caller's
 * business: a credit to a meter or a note's route never is. */
#ifndef BASE_RETRY_H
#define BASE_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/clock.h"

typedef struct kretry {
    unsigned retries; /* tries after the first */
    int64_t base_ms;  /* the pause before the first retry, doubling after; 0: no pause */
    int64_t max_ms;   /* the longest pause */
} kretry_t;

/* The pause before retry number `retry` (1 = the first): the backoff
 * delay at its full length, without jitter (one device, nothing to spread). */
int64_t kretry_delay_ms(const kretry_t *p, unsigned retry);

/* Whether try number `attempt` (0 = the first) may go out under policy p;
 * before a retry it first pauses on clk (NULL: the system clock). Written
 * as a loop:
 *     for (unsigned i = 0; kretry_next(&p, clk, i); i++)
 *         if ((e = ask(...)) is not worth asking again) break; */
bool kretry_next(const kretry_t *p, const kclock_t *clk, unsigned attempt);

#endif
