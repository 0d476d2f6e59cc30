/* What the benchmarks share: a microsecond clock, percentiles, and dying
 * with a message. */
#ifndef BENCH_BENCH_UTIL_H
#define BENCH_BENCH_UTIL_H

#include <stdint.h>

/* Microseconds on the monotonic clock. */
int64_t bench_now_us(void);

/* The p-th percentile (nearest rank) of v[0..n); sorts v. */
int64_t bench_pct(int64_t *v, int n, int p);

/* Prints "NAME: what" on stderr and exits 1. */
_Noreturn void bench_die(const char *name, const char *what);

#endif
