/* Retry delays: exponential backoff with jitter, pure (the random input is
 * the caller's). */
#ifndef BASE_BACKOFF_H
#define BASE_BACKOFF_H

#include <stdint.h>

/* Delay before retry number `attempt` (1 = first retry): base * 2^(attempt-1),
 * capped at max, then scaled into [50 %, 100 %] of itself by `random`
 * (any 32-bit value), so kiosks that failed together do not retry together. */
int64_t backoff_delay_ms(unsigned attempt, int64_t base_ms, int64_t max_ms, uint32_t random);

#endif
