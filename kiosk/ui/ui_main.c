/* kiosk: the resident's touchscreen, as installed. Opens the site as
 * kioskctl does, runs recovery, then serves residents on a window (or
 * headless, drawn in memory). The scripts and the gallery are kiosk-demo's
 * (kiosk/ui/demo/). */
#include <stdio.h>

#include "kiosk/app/cli.h"
#include "kiosk/ui/ui_program.h"

typedef struct opts {
    bool headless, table;
} opts_t;

static void usage(FILE *out)
{
    fprintf(out, "Usage: kiosk [--config FILE] [--set section.key=value]... [--headless]\n"
                 "       kiosk --table\n\n"
                 "The resident's touchscreen of the prepaid meter kiosk (docs/ui.md).\n\n"
                 "  --headless          draw into memory, no window\n"
                 "  --table             print the session's state table as Mermaid\n\n"
                 "Exit status: 0 done, 1 failed, 2 bad arguments or configuration.\n");
}

static int option(void *ctx, int ch, const char *arg)
{
    opts_t *o = ctx;
    (void)arg;
    if (ch == 'H')
        o->headless = true;
    else if (ch == 't')
        o->table = true;
    else
        return CLI_USAGE;
    return 0;
}

/* The table as Mermaid: one edge per row, "event control [guard] / action". */
static void print_table(void)
{
    size_t n;
    const session_rule_t *t = session_table(&n);
    printf("stateDiagram-v2\n");
    for (size_t i = 0; i < n; i++) {
        const session_rule_t *r = &t[i];
        const char *from = r->screen == SCR_ANY ? "any" : session_screen_name(r->screen);
        const char *to = r->next == SCR_SAME ? from : session_screen_name(r->next);
        const char *g = session_guard_name(r->guard), *act = session_action_name(r->action);
        printf("    %s --> %s: %s%s%s", from, to, session_event_name(r->kind), r->kind == SEV_TAP ? " " : "",
               r->kind == SEV_TAP ? session_control_name(r->control) : "");
        printf("%s%s%s%s%s\n", g[0] ? " [" : "", g, g[0] ? "]" : "", act[0] ? " / " : "", act);
    }
}

static int early(void *ctx)
{
    const opts_t *o = ctx;
    if (!o->table)
        return -1;
    print_table();
    return 0;
}

static int run(void *ctx, ui_app_t *a, const kiosk_config_t *cfg)
{
    const opts_t *o = ctx;
    return ui_serve(a, cfg, o->headless);
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"headless", no_argument, NULL, 'H'},
        {"table", no_argument, NULL, 't'},
        {0, 0, 0, 0},
    };
    static const ui_program_t kiosk = {.name = "kiosk", .options = longs, .usage = usage, .option = option,
                                       .early = early, .run = run};
    opts_t o = {0};
    return ui_program_main(&kiosk, &o, argc, argv);
}
