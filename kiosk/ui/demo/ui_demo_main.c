/* kiosk-demo: the touchscreen of `kiosk` replaying a script headless and
 * saving its shots (the end-to-end tests, scripts/demo), or drawing every
 * screen into a folder (the gallery: the layout test and the reference
 * screenshots). Not installed: `kiosk` holds none of this. */
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/cli.h"
#include "kiosk/ui/demo/ui_demo.h"
#include "kiosk/ui/ui_program.h"

typedef struct opts {
    bool headless;
    const char *script, *gallery;
    int frame_bench; /* frames per screen; 0: no frame bench */
    ui_demo_t demo;
} opts_t;

static void usage(FILE *out)
{
    fprintf(out, "Usage: kiosk-demo [--config FILE] [--set section.key=value]... --headless --script FILE\n"
                 "                  [--shots DIR] [--sim NAME=HOST:PORT]...\n"
                 "       kiosk-demo [--config FILE] --gallery DIR\n"
                 "       kiosk-demo [--config FILE] --frame-bench N\n\n"
                 "The resident's touchscreen (the program kiosk) driven by a script, or drawn screen by screen,\n"
                 "for tests and demos (docs/ui.md).\n\n"
                 "  --headless          draw into memory, no window\n"
                 "  --script FILE       replay touches, keys and device events; exit 0 only if every expect held\n"
                 "  --shots DIR         where the script's shots go (DIR/NAME.png)\n"
                 "  --sim NAME=HOST:PORT  a simulator's control port the script names (sim NAME LINE)\n"
                 "  --report            at the end of the script, print its touches and waits (docs/ui.md)\n"
                 "  --gallery DIR       draw every screen in both languages into DIR (no devices are opened);\n"
                 "                      exit 1 if any text does not fit its box\n"
                 "  --frame-bench N     draw every gallery screen N times headless and print the frame times\n\n"
                 "Exit status: 0 done, 1 a script check or the layout failed, 2 bad arguments or configuration.\n");
}

static int add_sim(ui_demo_t *d, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !strchr(eq, ':') || d->n_sims == UI_MAX_SIMS || (size_t)(eq - spec) >= 32) {
        fprintf(stderr, "kiosk-demo: --sim %s: give NAME=HOST:PORT (at most %d)\n", spec, UI_MAX_SIMS);
        return CLI_USAGE;
    }
    snprintf(d->sims[d->n_sims].name, sizeof d->sims[0].name, "%.*s", (int)(eq - spec), spec);
    snprintf(d->sims[d->n_sims].address, sizeof d->sims[0].address, "%s", eq + 1);
    d->n_sims++;
    return 0;
}

static int option(void *ctx, int ch, const char *arg)
{
    opts_t *o = ctx;
    switch (ch) {
    case 'H': o->headless = true; return 0;
    case 's': o->script = arg; return 0;
    case 'o': o->demo.shots = arg; return 0;
    case 'g': o->gallery = arg; return 0;
    case 'm': return add_sim(&o->demo, arg);
    case 'r': o->demo.report = true; return 0;
    case 'f':
        o->frame_bench = atoi(arg);
        if (o->frame_bench >= 10 && o->frame_bench <= 100000)
            return 0;
        fprintf(stderr, "kiosk-demo: --frame-bench N: give 10..100000 frames per screen\n");
        return CLI_USAGE;
    default: return CLI_USAGE;
    }
}

static int early(void *ctx)
{
    const opts_t *o = ctx;
    if (!o->script && !o->gallery && !o->frame_bench) {
        fprintf(stderr, "kiosk-demo: give --script FILE, --gallery DIR or --frame-bench N (the touchscreen itself "
                        "is kiosk)\n");
        return CLI_USAGE;
    }
    if (o->script && !o->headless) {
        fprintf(stderr, "kiosk-demo: --script runs headless: add --headless\n");
        return CLI_USAGE;
    }
    return -1;
}

/* Every screen into dir, or drawn frames times over; no device opened. */
static int gallery(ui_app_t *a, const kiosk_config_t *cfg, const opts_t *o)
{
    kmsg_t msg;
    if (ui_app_open(a, cfg, true, &msg) != K_OK) {
        fprintf(stderr, "kiosk-demo: %s\n", msg.text);
        return 1;
    }
    if (o->frame_bench)
        return ui_frame_bench(a, o->frame_bench);
    int problems = ui_gallery(a, o->gallery);
    if (problems > 0)
        fprintf(stderr, "kiosk: %d layout problem(s)\n", problems);
    return problems == 0 ? 0 : 1;
}

/* The kiosk serving as `kiosk` does, the script driving it. */
static int scripted(opts_t *o, ui_app_t *a, const kiosk_config_t *cfg)
{
    kmsg_t msg;
    if (ui_script_load(o->script, &o->demo.script, &msg) != K_OK) {
        fprintf(stderr, "kiosk-demo: %s\n", msg.text);
        return CLI_USAGE;
    }
    o->demo.app = a;
    ui_demo_drive(&o->demo);
    int status = ui_serve(a, cfg, o->headless);
    ui_script_free(o->demo.script);
    return status;
}

static int run(void *ctx, ui_app_t *a, const kiosk_config_t *cfg)
{
    opts_t *o = ctx;
    int status = o->gallery || o->frame_bench ? gallery(a, cfg, o) : scripted(o, a, cfg);
    IMG_Quit(); /* what saving the pictures loaded */
    return status;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"headless", no_argument, NULL, 'H'},     {"script", required_argument, NULL, 's'},
        {"shots", required_argument, NULL, 'o'},  {"sim", required_argument, NULL, 'm'},
        {"gallery", required_argument, NULL, 'g'}, {"report", no_argument, NULL, 'r'},
        {"frame-bench", required_argument, NULL, 'f'}, {0, 0, 0, 0},
    };
    static const ui_program_t demo = {.name = "kiosk-demo", .options = longs, .usage = usage, .option = option,
                                      .early = early, .run = run};
    static opts_t o;
    return ui_program_main(&demo, &o, argc, argv);
}
