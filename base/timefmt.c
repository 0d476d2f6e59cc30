#include "base/timefmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

bool ktime_format_iso(int64_t ms, char *buf, size_t len)
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)secs * 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm))
        return false;
    int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return n > 0 && (size_t)n < len;
}

bool ktime_parse(const char *text, int64_t *ms)
{
    struct tm tm = {0};
    int used = 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3 || used != 10)
        return false;
    const char *rest = text + used;
    if (*rest == 'T' || *rest == ' ') {
        int more = 0;
        if (sscanf(rest + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &more) != 3 ||
            more != 8)
            return false;
        rest += 1 + more;
        if (*rest == 'Z')
            rest++;
    }
    if (*rest != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return false;
    int mday = tm.tm_mday, mon = tm.tm_mon;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != mday || tm.tm_mon != mon - 1) /* 2026-02-30 */
        return false;
    *ms = (int64_t)t * 1000;
    return true;
}

bool ktime_parse_ms(const char *text, int64_t *ms)
{
    char buf[32];
    size_t n = strlen(text);
    if (n < 10 || n >= sizeof buf)
        return false;
    memcpy(buf, text, n + 1);
    int frac = 0;
    char *dot = strchr(buf, '.');
    if (dot) {
        /* Exactly three digits then Z: the form the kiosk writes. */
        if (strlen(dot) != 5 || dot[4] != 'Z')
            return false;
        for (int i = 1; i <= 3; i++) {
            if (dot[i] < '0' || dot[i] > '9')
                return false;
            frac = frac * 10 + (dot[i] - '0');
        }
        dot[0] = 'Z';
        dot[1] = '\0';
    }
    int64_t base;
    if (!ktime_parse(buf, &base))
        return false;
    *ms = base + frac;
    return true;
}
