/* The clock seam: all wall and monotonic time, and every pause a retry
 * makes, goes through a kclock_t, so tests can freeze or step it. */
#ifndef BASE_CLOCK_H
#define BASE_CLOCK_H

#include <stdint.h>

typedef struct kclock {
    int64_t (*wall_ms)(void *ctx); /* milliseconds since the epoch, UTC */
    int64_t (*mono_ms)(void *ctx); /* milliseconds on a clock that never jumps */
    void *ctx;
    /* Waits ms milliseconds (a test clock steps itself instead); NULL:
     * the operating system's sleep. */
    void (*sleep_ms)(void *ctx, int64_t ms);
} kclock_t;

/* The operating system's clocks (CLOCK_REALTIME, CLOCK_MONOTONIC). */
const kclock_t *kclock_system(void);

/* Wall time in ms from clk (the system clock if clk is NULL). */
int64_t kclock_wall(const kclock_t *clk);

/* Monotonic time in ms from clk (the system clock if clk is NULL). */
int64_t kclock_mono(const kclock_t *clk);

/* Waits ms milliseconds on clk (the system clock if clk is NULL); nothing
 * for ms <= 0. */
void kclock_sleep(const kclock_t *clk, int64_t ms);

#endif
