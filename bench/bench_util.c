/* What the benchmarks share (bench_util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench/bench_util.h"

int64_t bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

int64_t bench_pct(int64_t *v, int n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    int rank = (p * n + 99) / 100;
    return v[rank > 0 ? rank - 1 : 0];
}

void bench_die(const char *name, const char *what)
{
    fprintf(stderr, "%s: %s\n", name, what);
    exit(1);
}
