/* smscsim: the command line (docs/sim/smscsim.md). Bad arguments are one
 * line on stderr and exit status 2; a runtime failure is status 1. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/common/simio.h"
#include "sim/smscsim/smsc.h"

typedef struct opts {
    smsc_listen_t listen;
    const char *password;
} opts_t;

static const char usage[] =
    "usage: smscsim [--port PORT] [--control PORT] [--listen ADDR] [--ports-file FILE]\n"
    "               [--password PW] [--log-level LEVEL] [--help] [--version]\n"
    "\n"
    "An SMSC for tests and demos: SMPP 3.4 binds, submit_sm (UCS-2, concatenated\n"
    "parts joined), delivery receipts, and faults (throttling, errors, silence,\n"
    "dropped sessions) set on a text control port.\n"
    "\n"
    "  --port PORT          SMPP port (default 2775; 0: the kernel picks one)\n"
    "  --control PORT       control port (default 0: the kernel picks one)\n"
    "  --listen ADDR        IPv4 address to listen on (default 127.0.0.1)\n"
    "  --ports-file FILE    once listening, write \"smpp P\" and \"control P\" lines to FILE\n"
    "  --password PW        binds must give this password (default: any)\n"
    "  --log-level LEVEL    error, warn (default), info or debug (hex dumps of PDUs)\n"
    "\n"
    "SIGTERM or SIGINT exits 0. See docs/sim/smscsim.md.\n";

static int take_option(int c, const char *arg, void *ctx)
{
    opts_t *o = ctx;
    int64_t v = 0;
    bool ok = true;
    switch (c) {
    case 'p': ok = simio_parse_int(arg, 0, 65535, &v), o->listen.smpp = (int)v; break;
    case 'c': ok = simio_parse_int(arg, 0, 65535, &v), o->listen.control = (int)v; break;
    case 'l':
        o->listen.addr = arg;
        ok = inet_pton(AF_INET, arg, &(struct in_addr){0}) == 1;
        break;
    case 'f': o->listen.ports_file = arg; break;
    case 'w': o->password = arg; break;
    default: return simio_bad_usage("smscsim", "%s", "unknown option or missing value");
    }
    return ok ? 0 : simio_bad_usage("smscsim", "'%s' is not a valid value for that option", arg);
}

int main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"port", required_argument, NULL, 'p'},      {"control", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},    {"ports-file", required_argument, NULL, 'f'},
        {"password", required_argument, NULL, 'w'},  {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},            {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    opts_t o = {.listen = {.addr = "127.0.0.1", .smpp = 2775}};
    simio_cli_t cli = {"smscsim", usage, long_opts, take_option, &o};
    int rc = simio_parse_args(&cli, argc, argv);
    if (rc >= 0)
        return rc;
    static smsc_t s;
    s.password = o.password;
    s.next_id = 1000;
    s.msgs = calloc(SMSC_MSGS, sizeof *s.msgs);
    s.pending = calloc(SMSC_PENDING, sizeof *s.pending);
    s.later = calloc(SMSC_LATER, sizeof *s.later);
    if (!s.msgs || !s.pending || !s.later) {
        fprintf(stderr, "smscsim: out of memory\n");
        return 1;
    }
    rc = smsc_serve(&s, &o.listen);
    free(s.msgs);
    free(s.pending);
    free(s.later);
    return rc;
}
