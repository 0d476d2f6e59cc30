/* The [console] settings (backoffice.ini.sample, docs/console.md): where
 * the web console's built files are and how long a console session lives. */
#ifndef BACKOFFICE_BASE_BO_CONSOLE_CONFIG_H
#define BACKOFFICE_BASE_BO_CONSOLE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bo_console_config {
    char dir[512];       /* dir: the built console (index.html and its assets); empty: not served */
    int64_t idle_s;      /* idle_minutes: a session unused this long ends */
    int64_t absolute_s;  /* absolute_hours: a session ends this long after signing in, used or not */
} bo_console_config_t;

/* Fills c with the defaults: the Debian package's folder, 30 minutes idle,
 * 10 hours at most. */
void bo_console_config_defaults(bo_console_config_t *c);

/* Applies one [console] key. Returns false if the value is bad; *known is
 * false if name is no [console] key. */
bool bo_console_config_key(bo_console_config_t *c, const char *name, const char *value, bool *known);

#endif
