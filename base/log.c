#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/timefmt.h"

static log_level_t max_level = LOG_WARN;

void log_set_level(log_level_t level)
{
    max_level = level;
}

bool log_enabled(log_level_t level)
{
    return level <= max_level;
}

bool log_parse_level(const char *text, log_level_t *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (log_level_t)i;
            return true;
        }
    return false;
}

static void stamp(char *buf, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ktime_format_iso((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, buf, len);
}

void log_msg(log_level_t level, const char *module, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char when[32], text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    stamp(when, sizeof when);
    fprintf(stderr, "%s %c %s: %s\n", when, "EWID"[level], module, text);
}

void log_hex(log_level_t level, const char *module, const char *label, const void *buf, size_t len)
{
    if (!log_enabled(level))
        return;
    const unsigned char *p = buf;
    log_msg(level, module, "%s (%zu bytes)", label, len);
    for (size_t off = 0; off < len; off += 16) {
        char line[16 * 3 + 1] = "";
        for (size_t i = off; i < len && i < off + 16; i++)
            snprintf(line + (i - off) * 3, 4, "%02X ", p[i]);
        log_msg(level, module, "  %04zx: %s", off, line);
    }
}
