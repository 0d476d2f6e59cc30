#include "backoffice/base/bo_clock.h"

#include <time.h>

int64_t bo_clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void bo_clock_date(int64_t ms, bool minutes, char *out, size_t len)
{
    time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    if (len == 0)
        return;
    out[0] = '\0';
    if (gmtime_r(&s, &tm))
        strftime(out, len, minutes ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
}
