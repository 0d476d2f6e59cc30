/* kiosk: the resident's touchscreen. Opens the site as kioskctl does, runs
 * recovery, then serves residents on a window (or headless, replaying a
 * script and saving screenshots). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/cli.h"
#include "kiosk/app/version.h"
#include "kiosk/ui/ui_app.h"
#include "provisioning/identity.h"

typedef struct opts {
    bool headless, table;
    const char *script, *shots, *gallery;
} opts_t;

static void usage(FILE *out)
{
    fprintf(out, "Usage: kiosk [--config FILE] [--set section.key=value]... [--headless] [--script FILE]\n"
                 "             [--shots DIR] [--sim NAME=HOST:PORT]...\n"
                 "       kiosk [--config FILE] --gallery DIR\n"
                 "       kiosk --table\n\n"
                 "The resident's touchscreen of the prepaid meter kiosk (docs/ui.md).\n\n"
                 "  --headless          draw into memory, no window (tests, demos without a display)\n"
                 "  --script FILE       replay touches, keys and device events; exit 0 only if every expect held\n"
                 "  --shots DIR         where the script's shots go (DIR/NAME.png)\n"
                 "  --sim NAME=HOST:PORT  a simulator's control port the script names (sim NAME LINE)\n"
                 "  --gallery DIR       draw every screen in both languages into DIR (no devices are opened);\n"
                 "                      exit 1 if any text does not fit its box\n"
                 "  --table             print the session's state table as Mermaid\n\n"
                 "Exit status: 0 done, 1 a script check or the layout failed, 2 bad arguments or configuration.\n");
}

static int add_sim(ui_app_t *a, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !strchr(eq, ':') || a->n_sims == UI_MAX_SIMS || (size_t)(eq - spec) >= 32) {
        fprintf(stderr, "kiosk: --sim %s: give NAME=HOST:PORT (at most %d)\n", spec, UI_MAX_SIMS);
        return CLI_USAGE;
    }
    snprintf(a->sims[a->n_sims].name, sizeof a->sims[0].name, "%.*s", (int)(eq - spec), spec);
    snprintf(a->sims[a->n_sims].address, sizeof a->sims[0].address, "%s", eq + 1);
    a->n_sims++;
    return 0;
}

static int parse(int argc, char **argv, opts_t *o, ui_app_t *a)
{
    static const struct option longs[] = {
        {"headless", no_argument, NULL, 'H'},     {"script", required_argument, NULL, 's'},
        {"shots", required_argument, NULL, 'o'},  {"sim", required_argument, NULL, 'm'},
        {"gallery", required_argument, NULL, 'g'}, {"table", no_argument, NULL, 't'},
        {0, 0, 0, 0},
    };
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        if (ch == 'H')
            o->headless = true;
        else if (ch == 's')
            o->script = optarg;
        else if (ch == 'o')
            o->shots = optarg;
        else if (ch == 'g')
            o->gallery = optarg;
        else if (ch == 't')
            o->table = true;
        else if (ch != 'm' || add_sim(a, optarg) != 0)
            return CLI_USAGE;
    }
    if (optind != argc) {
        fprintf(stderr, "kiosk: unexpected argument '%s'\n", argv[optind]);
        return CLI_USAGE;
    }
    if (o->script && !o->headless) {
        fprintf(stderr, "kiosk: --script runs headless: add --headless\n");
        return CLI_USAGE;
    }
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

/* On first start the kiosk makes its own keys, and until it is enrolled it
 * says its enrolment code (also on the service mode's settings page). */
static void identity(const kiosk_config_t *cfg)
{
    char dir[CFG_PATH_LEN];
    identity_t id;
    kmsg_t msg;
    if (!config_identity_dir(cfg, dir, sizeof dir) || identity_ensure_keys(dir, &id, &msg) != K_OK)
        fprintf(stderr, "kiosk: the kiosk's identity: %s\n", msg.text);
    else if (!id.enrolled && cfg->sync_url[0] && !cfg->sync_cert_file[0])
        fprintf(stderr, "kiosk: not enrolled; enrolment code %s: enrol with kioskctl enrol --code CODE "
                        "(docs/enrolment.md)\n", identity_code_text(&id));
}

static int serve(ui_app_t *a, ui_site_t *site)
{
    kmsg_t msg;
    identity(site->base.cfg);
    if (ui_site_recover(site, &msg) != K_OK) {
        fprintf(stderr, "kiosk: recovery failed, not serving: %s\n", msg.text);
        return 1;
    }
    a->worker = ui_worker_start(site, ui_app_wake, a);
    if (!a->worker) {
        fprintf(stderr, "kiosk: the worker thread did not start\n");
        return 1;
    }
    session_event_t up = {.kind = SEV_HEALTH, .health = site->health};
    ui_app_handle(a, &up);
    return ui_app_run(a);
}

static int run(const kiosk_config_t *cfg, const opts_t *o, ui_app_t *a)
{
    kmsg_t msg;
    if (ui_app_open(a, cfg, o->headless || o->gallery, &msg) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", msg.text);
        return 1;
    }
    if (o->gallery) {
        int problems = ui_gallery(a, o->gallery);
        if (problems > 0)
            fprintf(stderr, "kiosk: %d layout problem(s)\n", problems);
        return problems == 0 ? 0 : 1;
    }
    ui_site_t site;
    if (ui_site_open(cfg, &site, &msg) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", msg.text);
        return CLI_USAGE;
    }
    int status = serve(a, &site);
    ui_worker_stop(a->worker);
    a->worker = NULL;
    ui_site_close(&site);
    return status;
}

int main(int argc, char **argv)
{
    cli_args_t args;
    kmsg_t msg;
    if (cli_split(argc, argv, &args, &msg) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", msg.text);
        return CLI_USAGE;
    }
    static ui_app_t app;
    opts_t o = {0};
    char **av = calloc((size_t)args.n_rest + 2, sizeof *av); /* getopt wants the program's name first */
    if (!av)
        return 1;
    av[0] = argv[0];
    memcpy(av + 1, args.rest, (size_t)args.n_rest * sizeof *av);
    int status = parse(args.n_rest + 1, av, &o, &app);
    free(av);
    if (args.help || args.version || o.table || status) {
        if (args.help)
            usage(stdout);
        else if (args.version)
            printf("kiosk %s\n", KIOSK_VERSION);
        else if (o.table)
            print_table();
        cli_free(&args);
        return status;
    }
    kiosk_config_t cfg;
    if (cli_load_config(&args, &cfg, &msg) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", msg.text);
        cli_free(&args);
        return CLI_USAGE;
    }
    if (o.script && ui_script_load(o.script, &app.script, &msg) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", msg.text);
        cli_free(&args);
        return CLI_USAGE;
    }
    app.shots = o.shots;
    status = run(&cfg, &o, &app);
    ui_script_free(app.script);
    ui_app_close(&app);
    cli_free(&args);
    return status;
}
