#include "base/retry.h"

#include "base/backoff.h"

int64_t kretry_delay_ms(const kretry_t *p, unsigned retry)
{
    return backoff_delay_ms(retry, p->base_ms, p->max_ms, UINT32_MAX);
}

bool kretry_next(const kretry_t *p, const kclock_t *clk, unsigned attempt)
{
    if (attempt > p->retries)
        return false;
    if (attempt > 0)
        kclock_sleep(clk, kretry_delay_ms(p, attempt));
    return true;
}
