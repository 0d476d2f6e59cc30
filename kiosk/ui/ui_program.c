/* The touchscreen's programs: the command line they share, and serving
 * (identity, recovery, the worker, the main loop). */
#include "kiosk/ui/ui_program.h"

#include <stdlib.h>
#include <string.h>

#include "base/version.h"
#include "kiosk/app/cli.h"
#include "provisioning/identity.h"

/* The program's own options, from args (getopt wants the program's name first). */
static int parse(const ui_program_t *p, void *ctx, const cli_args_t *args, char *argv0)
{
    char **av = calloc((size_t)args->n_rest + 2, sizeof *av);
    if (!av)
        return 1;
    av[0] = argv0;
    memcpy(av + 1, args->rest, (size_t)args->n_rest * sizeof *av);
    int ch, status = 0;
    optind = 0;
    while (status == 0 && (ch = getopt_long(args->n_rest + 1, av, "", p->options, NULL)) != -1)
        status = ch == '?' ? CLI_USAGE : p->option(ctx, ch, optarg);
    if (status == 0 && optind != args->n_rest + 1) {
        fprintf(stderr, "%s: unexpected argument '%s'\n", p->name, av[optind]);
        status = CLI_USAGE;
    }
    free(av);
    return status;
}

/* With the configuration read: the program's run, then the app closed. */
static int run(const ui_program_t *p, void *ctx, const cli_args_t *args)
{
    kiosk_config_t cfg;
    kmsg_t msg;
    if (cli_load_config(args, &cfg, &msg) != K_OK) {
        fprintf(stderr, "%s: %s\n", p->name, msg.text);
        return CLI_USAGE;
    }
    static ui_app_t app;
    int status = p->run(ctx, &app, &cfg);
    ui_app_close(&app);
    return status;
}

int ui_program_main(const ui_program_t *p, void *ctx, int argc, char **argv)
{
    cli_args_t args;
    kmsg_t msg;
    if (cli_split(argc, argv, &args, &msg) != K_OK) {
        fprintf(stderr, "%s: %s\n", p->name, msg.text);
        return CLI_USAGE;
    }
    int status = parse(p, ctx, &args, argv[0]);
    if (status == 0 && args.help)
        p->usage(stdout);
    else if (status == 0 && args.version)
        printf("%s %s\n", p->name, KIOSK_VERSION);
    else if (status == 0 && (status = p->early(ctx)) < 0)
        status = run(p, ctx, &args);
    cli_free(&args);
    return status;
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

/* Recovery first, then the worker and the main loop. */
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

int ui_serve(ui_app_t *a, const kiosk_config_t *cfg, bool headless)
{
    kmsg_t msg;
    if (ui_app_open(a, cfg, headless, &msg) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", msg.text);
        return 1;
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
