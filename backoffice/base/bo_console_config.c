/* The [console] settings (bo_console_config.h). */
#include "backoffice/base/bo_console_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bo_console_config_defaults(bo_console_config_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->dir, sizeof c->dir, "/usr/share/prepaid-backoffice/console");
    c->idle_s = 30 * 60;
    c->absolute_s = 10 * 3600;
}

/* A whole number of unit seconds from min to max units into *out. */
static bool set_span(const char *value, int64_t min, int64_t max, int64_t unit, int64_t *out)
{
    char *end;
    long long n = strtoll(value, &end, 10);
    if (!*value || *end || n < min || n > max)
        return false;
    *out = n * unit;
    return true;
}

bool bo_console_config_key(bo_console_config_t *c, const char *name, const char *value, bool *known)
{
    *known = true;
    if (strcmp(name, "dir") == 0) {
        if (strlen(value) >= sizeof c->dir)
            return false;
        strcpy(c->dir, value);
        return true;
    }
    if (strcmp(name, "idle_minutes") == 0)
        return set_span(value, 1, 24 * 60, 60, &c->idle_s);
    if (strcmp(name, "absolute_hours") == 0)
        return set_span(value, 1, 24 * 7, 3600, &c->absolute_s);
    *known = false;
    return false;
}
