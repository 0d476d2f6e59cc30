/* cardsim: the command line (docs/sim/cardsim.md). Bad arguments are one
 * line on stderr and exit status 2; a runtime failure is status 1. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/cardsim/cardsim.h"
#include "sim/common/simkey.h"

#define EXIT_USAGE 2
#define DEFAULT_VPCD "127.0.0.1:35963"

typedef struct opts {
    const char *vpcd, *sam, *master_key, *ports_file;
    int control;
} opts_t;

static const char usage[] =
    "usage: cardsim [--vpcd HOST:PORT] [--sam HOST:PORT] --master-key FILE [--control PORT]\n"
    "               [--ports-file FILE] [--log-level LEVEL] [--help] [--version]\n"
    "       cardsim make-blank SERIAL FILE\n"
    "\n"
    "A meter card of the application kiosk-prepay (docs/card.md) and, with --sam,\n"
    "the kiosk's SAM, as virtual cards on vpcd (the vsmartcard reader in pcscd).\n"
    "Cards are JSON image files, inserted and pulled out (also mid-write) on a\n"
    "text control port.\n"
    "\n"
    "  --vpcd HOST:PORT     the card's reader (default 127.0.0.1:35963, vpcd reader 0)\n"
    "  --sam HOST:PORT      also play a SAM in this reader (vpcd reader 1: 127.0.0.1:35964)\n"
    "  --master-key FILE    the issuer's master key, 32 hex digits, mode 600 (required)\n"
    "  --control PORT       control port on 127.0.0.1 (default 0: the kernel picks one)\n"
    "  --ports-file FILE    once listening, write \"control P\" to FILE (atomically)\n"
    "  --log-level LEVEL    error, warn (default), info or debug (hex dumps of APDUs)\n"
    "\n"
    "make-blank writes a blank card image with SERIAL (16 hex digits) to FILE and\n"
    "exits. SIGTERM or SIGINT exits 0. See docs/sim/cardsim.md.\n";

#define bad_usage(...) simio_bad_usage("cardsim", __VA_ARGS__)

/* One option; returns 0, or the exit status for a bad one. */
static int take_option(int c, const char *arg, void *ctx)
{
    opts_t *o = ctx;
    int64_t port = 0;
    bool ok = true;
    switch (c) {
    case 'v': o->vpcd = arg; break;
    case 's': o->sam = arg; break;
    case 'k': o->master_key = arg; break;
    case 'f': o->ports_file = arg; break;
    case 'c':
        ok = simio_parse_int(arg, 0, 65535, &port);
        o->control = (int)port;
        break;
    default: return bad_usage("%s", "unknown option or missing value");
    }
    return ok ? 0 : bad_usage("'%s' is not a valid value for that option", arg);
}

/* Parses argv; returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, opts_t *o)
{
    static const struct option long_opts[] = {
        {"vpcd", required_argument, NULL, 'v'},       {"sam", required_argument, NULL, 's'},
        {"master-key", required_argument, NULL, 'k'}, {"control", required_argument, NULL, 'c'},
        {"ports-file", required_argument, NULL, 'f'}, {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},             {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    simio_cli_t cli = {"cardsim", usage, long_opts, take_option, o};
    return simio_parse_args(&cli, argc, argv);
}

/* The readers' addresses and the master key into s; 0, or the exit status. */
static int setup(cardsim_t *s, const opts_t *o)
{
    kmsg_t msg = {""};
    if (!cardsim_addr_parse(o->vpcd, &s->card_link.addr))
        return bad_usage("--vpcd '%s' is not HOST:PORT", o->vpcd);
    if (o->sam && !cardsim_addr_parse(o->sam, &s->sam_link.addr))
        return bad_usage("--sam '%s' is not HOST:PORT", o->sam);
    if (!o->master_key)
        return bad_usage("%s", "--master-key FILE is required (the card's keys and the SAM's)");
    if (simkey_load(o->master_key, s->master, &msg) != K_OK) {
        fprintf(stderr, "cardsim: --master-key %s\n", msg.text);
        return EXIT_USAGE;
    }
    s->use_sam = o->sam != NULL;
    return 0;
}

static int make_blank(int argc, char **argv)
{
    kmsg_t msg = {""};
    if (argc != 4)
        return bad_usage("%s", "make-blank needs SERIAL and FILE");
    kerr_t rc = cardsim_make_blank(argv[2], argv[3], &msg);
    if (rc == K_OK)
        return 0;
    fprintf(stderr, "cardsim: %s\n", msg.text);
    return rc == K_EINVAL ? EXIT_USAGE : 1;
}

/* Parses the command line, then serves (or makes a blank card). */
int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "make-blank") == 0)
        return make_blank(argc, argv);
    opts_t o = {.vpcd = DEFAULT_VPCD};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    static cardsim_t s;
    s.card_link.name = "card";
    s.sam_link.name = "SAM";
    s.card_link.fd = s.sam_link.fd = -1;
    if ((rc = setup(&s, &o)) != 0)
        return rc;
    rc = cardsim_serve(&s, o.control, o.ports_file);
    memset(s.master, 0, sizeof s.master);
    return rc;
}
