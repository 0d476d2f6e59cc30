/* What the touchscreen's two programs share (ui_program.c): the command
 * line, then the site opened, recovery and serving. `kiosk` (ui_main.c)
 * is the one installed; `kiosk-demo` (kiosk/ui/demo/) adds the scripts and
 * the gallery the tests, the demo and the reference screenshots use. */
#ifndef KIOSK_UI_UI_PROGRAM_H
#define KIOSK_UI_UI_PROGRAM_H

#include <getopt.h>
#include <stdio.h>

#include "kiosk/ui/ui_app.h"

/* A program: its own options and what it does. */
typedef struct ui_program {
    const char *name;              /* in messages: "kiosk" */
    const struct option *options;  /* its long options, besides --config, --set, --help and --version */
    void (*usage)(FILE *out);
    /* One of its options (getopt_long's ch and optarg): 0, or CLI_USAGE
     * having said what is wrong. */
    int (*option)(void *ctx, int ch, const char *arg);
    /* After the options, before the configuration is read: an exit status
     * to stop with (kiosk --table), or -1 to go on. */
    int (*early)(void *ctx);
    /* With the configuration read: runs the app a; the exit status. */
    int (*run)(void *ctx, ui_app_t *a, const kiosk_config_t *cfg);
} ui_program_t;

/* The main of a touchscreen program: splits the command line (docs/ui.md),
 * hands the program its options, answers --help and --version, reads the
 * configuration and runs the program, then closes the app. Returns the
 * exit status: 0 done, 1 failed, 2 bad arguments or configuration. */
int ui_program_main(const ui_program_t *p, void *ctx, int argc, char **argv);

/* Opens the app (headless: drawn in memory) and the site as kioskctl does,
 * runs recovery and serves residents until the app quits; the exit status. */
int ui_serve(ui_app_t *a, const kiosk_config_t *cfg, bool headless);

#endif
