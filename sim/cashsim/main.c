/* cashsim: the command line (docs/sim/cashsim.md). Bad arguments are one
 * line on stderr and exit status 2; a runtime failure is status 1. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/cashsim/csim.h"

#define EXIT_USAGE 2
#define DEFAULT_ESCROW_TIMEOUT_MS 30000
#define MAX_ESCROW_TIMEOUT_MS 86400000

typedef struct opts {
    csim_opts_t serve;
    const char *state, *notes;
    bool echo;
    int64_t escrow_timeout_ms;
} opts_t;

static const char usage[] =
    "usage: cashsim --link PATH [--state FILE] [--control PORT] [--listen ADDR] [--ports-file FILE]\n"
    "               [--echo] [--escrow-timeout-ms N] [--notes LIST] [--log-level LEVEL] [--help] [--version]\n"
    "\n"
    "A ccTalk bill validator (profile cctalk-bill, docs/protocols/cctalk.md) on a\n"
    "pseudo-terminal, for tests and demos: the kiosk opens PATH as its serial port.\n"
    "Notes, faults and the cash box are driven from a text control port.\n"
    "\n"
    "  --link PATH            make PATH a symlink to the pty's slave side (an existing\n"
    "                         symlink is replaced; anything else is refused) (required)\n"
    "  --state FILE           device state and journal as JSON, loaded at start and\n"
    "                         rewritten after every change (default: in memory only)\n"
    "  --control PORT         control port (default 0: the kernel picks one)\n"
    "  --listen ADDR          IPv4 address for the control port (default 127.0.0.1)\n"
    "  --ports-file FILE      once ready, write \"control PORT\" and \"pty PATH\" lines\n"
    "                         to FILE (atomically)\n"
    "  --echo                 echo every byte the host sends, as a single-wire bus does\n"
    "  --escrow-timeout-ms N  a note held longer in escrow is returned (default 30000;\n"
    "                         0: never)\n"
    "  --notes LIST           bill types, TYPE:BILLID,... (default\n"
    "                         " CSIM_DEFAULT_NOTES ")\n"
    "  --log-level LEVEL      error, warn (default), info or debug (hex dumps of frames)\n"
    "\n"
    "SIGTERM or SIGINT saves the state, removes the symlink and exits 0.\n"
    "See docs/sim/cashsim.md.\n";

#define bad_usage(...) simio_bad_usage("cashsim", __VA_ARGS__)

/* One option; returns 0, or the exit status for a bad one. */
static int take_option(int c, const char *arg, void *ctx)
{
    opts_t *o = ctx;
    int64_t v = 0;
    bool ok = true;
    switch (c) {
    case 'k': o->serve.link = arg; break;
    case 's': o->state = arg; break;
    case 'c':
        ok = simio_parse_int(arg, 0, 65535, &v);
        o->serve.control_port = (int)v;
        break;
    case 'l':
        o->serve.listen_addr = arg;
        ok = inet_pton(AF_INET, arg, &(struct in_addr){0}) == 1;
        break;
    case 'p': o->serve.ports_file = arg; break;
    case 'e': o->echo = true; break;
    case 't': ok = simio_parse_int(arg, 0, MAX_ESCROW_TIMEOUT_MS, &o->escrow_timeout_ms); break;
    case 'n': o->notes = arg; break;
    default: return bad_usage("%s", "unknown option or missing value");
    }
    return ok ? 0 : bad_usage("'%s' is not a valid value for that option", arg);
}

/* Parses argv; returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, opts_t *o)
{
    static const struct option long_opts[] = {
        {"link", required_argument, NULL, 'k'},       {"state", required_argument, NULL, 's'},
        {"control", required_argument, NULL, 'c'},    {"listen", required_argument, NULL, 'l'},
        {"ports-file", required_argument, NULL, 'p'}, {"echo", no_argument, NULL, 'e'},
        {"escrow-timeout-ms", required_argument, NULL, 't'}, {"notes", required_argument, NULL, 'n'},
        {"log-level", required_argument, NULL, 'L'},  {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},          {NULL, 0, NULL, 0}};
    simio_cli_t cli = {"cashsim", usage, long_opts, take_option, o};
    int rc = simio_parse_args(&cli, argc, argv);
    if (rc != -1)
        return rc;
    if (!o->serve.link || !o->serve.link[0])
        return bad_usage("%s", "--link PATH is required");
    if (strlen(o->serve.link) >= CSIM_PATH_MAX || (o->state && strlen(o->state) >= CSIM_PATH_MAX))
        return bad_usage("%s", "a path is too long");
    return -1;
}

/* Power-up state, or the state file if there is one. */
static int load_state(csim_t *s, const char *path)
{
    kmsg_t msg = {""};
    s->dev.box_present = true;
    if (!path)
        return 0;
    snprintf(s->state_path, sizeof s->state_path, "%s", path);
    kerr_t rc = csim_state_load(s, &msg);
    if (rc == K_ENOTFOUND) {
        LOG_I(CSIM_LOG, "%s does not exist: starting from power-up", path);
        return csim_state_save(s) ? 0 : 1;
    }
    if (rc != K_OK) {
        fprintf(stderr, "cashsim: %s: %s\n", path, msg.text);
        return EXIT_USAGE;
    }
    LOG_I(CSIM_LOG, "state loaded from %s: counter %u, %zu journal entries", path, s->dev.counter, s->dev.n_journal);
    return 0;
}

int main(int argc, char **argv)
{
    opts_t o = {.serve = {.listen_addr = "127.0.0.1"},
                .notes = CSIM_DEFAULT_NOTES,
                .escrow_timeout_ms = DEFAULT_ESCROW_TIMEOUT_MS};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    static csim_t s;
    kmsg_t msg = {""};
    if (csim_notes_parse(&s, o.notes, &msg) != K_OK)
        return bad_usage("%s", msg.text);
    s.echo = o.echo;
    s.escrow_timeout_ms = o.escrow_timeout_ms;
    if ((rc = load_state(&s, o.state)) != 0)
        return rc;
    s.escrow_since_ms = kclock_mono(NULL); /* a note loaded in escrow gets a whole timeout */
    rc = csim_serve(&s, &o.serve);
    csim_state_free(&s);
    return rc;
}
