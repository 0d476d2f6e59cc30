#include "kiosk/app/clock.h"

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

static const kclock_t system_clock = {sys_wall, sys_mono, NULL};

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
