/* paysim: the command line (docs/sim/paysim.md). Bad arguments are one
 * line on stderr and exit status 2; a runtime failure is status 1. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "core/money.h"
#include "sim/paysim/psim.h"

#define EXIT_USAGE 2
#define DEFAULT_ZVT_PORT 20007

typedef struct opts {
    const char *state, *ports_file, *password;
    int64_t currency;
    psim_listen_t listen;
} opts_t;

static const char usage[] =
    "usage: paysim [--port PORT] [--control PORT] [--listen ADDR] [--ports-file FILE] [--state FILE]\n"
    "              [--password NNNNNN] [--currency NUM] [--log-level LEVEL] [--help] [--version]\n"
    "\n"
    "A ZVT bank-card terminal (terminal id 52500038) for tests and demos: the\n"
    "terminal's side of the profile zvt-kiosk (docs/protocols/zvt.md) on TCP, and\n"
    "test commands (declines, timeouts, dropped links, a slow terminal, a card\n"
    "that takes its time) on a text control port.\n"
    "\n"
    "  --port PORT          ZVT TCP port (default 20007; 0: the kernel picks one)\n"
    "  --control PORT       control port (default 0: the kernel picks one)\n"
    "  --listen ADDR        IPv4 address to listen on (default 127.0.0.1)\n"
    "  --ports-file FILE    once listening, write \"zvt P\" and \"control P\" lines to\n"
    "                       FILE (atomically)\n"
    "  --state FILE         the journal and counters as JSON, loaded at start and\n"
    "                       rewritten after each change (default: in memory only)\n"
    "  --password NNNNNN    the terminal's password, 6 digits (default 123456)\n"
    "  --currency NUM       ISO 4217 numeric currency (default 156, CNY)\n"
    "  --log-level LEVEL    error, warn (default), info or debug (hex dumps of APDUs)\n"
    "\n"
    "SIGTERM or SIGINT exits 0. See docs/sim/paysim.md.\n";

#define bad_usage(...) simio_bad_usage("paysim", __VA_ARGS__)

static bool port_arg(const char *text, int *port)
{
    int64_t v;
    if (!simio_parse_int(text, 0, 65535, &v))
        return false;
    *port = (int)v;
    return true;
}

static bool password_arg(const char *text)
{
    return strlen(text) == 6 && strspn(text, "0123456789") == 6;
}

/* One option; returns 0, or the exit status for a bad one. */
static int take_option(int c, const char *arg, void *ctx)
{
    opts_t *o = ctx;
    bool ok = true;
    switch (c) {
    case 'p': ok = port_arg(arg, &o->listen.zvt); break;
    case 'c': ok = port_arg(arg, &o->listen.control); break;
    case 'l':
        o->listen.addr = arg;
        ok = inet_pton(AF_INET, arg, &(struct in_addr){0}) == 1;
        break;
    case 'f': o->ports_file = arg; break;
    case 's': o->state = arg; ok = arg[0] != '\0'; break;
    case 'w':
        o->password = arg;
        ok = password_arg(arg);
        break;
    case 'y':
        ok = simio_parse_int(arg, 1, 999, &o->currency) && currency_by_numeric((uint16_t)o->currency) != NULL;
        break;
    default: return bad_usage("%s", "unknown option or missing value");
    }
    return ok ? 0 : bad_usage("'%s' is not a valid value for that option", arg);
}

/* Parses argv; returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, opts_t *o)
{
    static const struct option long_opts[] = {
        {"port", required_argument, NULL, 'p'},       {"control", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},     {"ports-file", required_argument, NULL, 'f'},
        {"state", required_argument, NULL, 's'},      {"password", required_argument, NULL, 'w'},
        {"currency", required_argument, NULL, 'y'},   {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},             {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    simio_cli_t cli = {"paysim", usage, long_opts, take_option, o};
    return simio_parse_args(&cli, argc, argv);
}

/* Loads --state FILE, or starts it afresh if it does not exist yet. */
static int load_state(psim_t *s, const opts_t *o)
{
    kmsg_t msg = {""};
    if (!o->state)
        return 0;
    if (strlen(o->state) >= sizeof s->state_path)
        return bad_usage("--state %s: the path is too long", o->state);
    snprintf(s->state_path, sizeof s->state_path, "%s", o->state);
    kerr_t rc = psim_state_load(s, &msg);
    if (rc == K_ENOTFOUND) {
        LOG_I(PSIM_LOG, "%s does not exist: a new journal", o->state);
        return psim_state_save(s) ? 0 : 1;
    }
    if (rc != K_OK) {
        fprintf(stderr, "paysim: %s: %s\n", o->state, msg.text);
        return EXIT_USAGE;
    }
    LOG_I(PSIM_LOG, "%s: %zu transactions, next receipt %u, next trace %u", o->state, s->n_journal,
          s->next_receipt, s->next_trace);
    return 0;
}

int main(int argc, char **argv)
{
    opts_t o = {.listen = {.addr = "127.0.0.1", .zvt = DEFAULT_ZVT_PORT}, .password = "123456", .currency = 156};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    static psim_t s;
    s.ecr_fd = -1;
    s.currency = (uint16_t)o.currency;
    s.next_receipt = s.next_trace = 1;
    s.faults.outcome = PSIM_APPROVE;
    psim_bcd_set(strtoull(o.password, NULL, 10), s.password, 3);
    if ((rc = load_state(&s, &o)) != 0)
        return rc;
    o.listen.ports_file = o.ports_file;
    rc = psim_serve(&s, &o.listen);
    free(s.journal);
    return rc;
}
