/* Options every program takes: --config FILE, --set section.key=value
 * (repeatable), --help, --version. They may appear anywhere on the line;
 * everything else is left, in order, for the program's own parsing. */
#ifndef KIOSK_APP_CLI_H
#define KIOSK_APP_CLI_H

#include <stdbool.h>

#include "engine/config.h"

#define CLI_MAX_SETS 64
#define CLI_USAGE 2 /* exit status for bad arguments or configuration */

typedef struct cli_args {
    const char *config_path;
    const char *sets[CLI_MAX_SETS];
    int n_sets;
    bool help, version;
    char **rest; /* program arguments without the common options */
    int n_rest;
} cli_args_t;

/* Splits argv (argv[0] excluded) into common options and the rest. The
 * rest points into a NULL-terminated array owned by a (cli_free). */
kerr_t cli_split(int argc, char **argv, cli_args_t *a, kmsg_t *msg);

/* Frees what cli_split allocated. */
void cli_free(cli_args_t *a);

/* Builds the configuration: defaults, then the file, then each --set in
 * order, then the cross-key checks; also sets the log level. */
kerr_t cli_load_config(const cli_args_t *a, kiosk_config_t *cfg, kmsg_t *msg);

#endif
