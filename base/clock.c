#include "base/clock.h"

#include <errno.h>
#include <time.h>

static int64_t read_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t sys_wall(void *ctx)
{
    (void)ctx;
    return read_clock(CLOCK_REALTIME);
}

static int64_t sys_mono(void *ctx)
{
    (void)ctx;
    return read_clock(CLOCK_MONOTONIC);
}

/* Sleeps on the monotonic clock, to the end even if a signal comes. */
static void sys_sleep(void *ctx, int64_t ms)
{
    (void)ctx;
    struct timespec left = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &left, &left) == EINTR) {
    }
}

static const kclock_t system_clock = {.wall_ms = sys_wall, .mono_ms = sys_mono, .ctx = NULL, .sleep_ms = sys_sleep};

const kclock_t *kclock_system(void)
{
    return &system_clock;
}

int64_t kclock_wall(const kclock_t *clk)
{
    clk = clk ? clk : &system_clock;
    return clk->wall_ms(clk->ctx);
}

int64_t kclock_mono(const kclock_t *clk)
{
    clk = clk ? clk : &system_clock;
    return clk->mono_ms(clk->ctx);
}

void kclock_sleep(const kclock_t *clk, int64_t ms)
{
    if (ms <= 0)
        return;
    if (clk && clk->sleep_ms)
        clk->sleep_ms(clk->ctx, ms);
    else
        sys_sleep(NULL, ms);
}
