#include "base/backoff.h"

int64_t backoff_delay_ms(unsigned attempt, int64_t base_ms, int64_t max_ms, uint32_t random)
{
    if (base_ms <= 0)
        return 0;
    int64_t d = base_ms;
    for (unsigned i = 1; i < attempt && d < max_ms; i++)
        d = d > max_ms / 2 ? max_ms : d * 2;
    if (d > max_ms)
        d = max_ms;
    int64_t half = d / 2;
    return half + (int64_t)((uint64_t)(d - half) * random / UINT32_MAX);
}
