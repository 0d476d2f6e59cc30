/* metersim: the command line (docs/sim/metersim.md). Bad arguments are one
 * line on stderr and exit status 2; a runtime failure is status 1. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/common/simkey.h"
#include "sim/metersim/msim.h"

#define EXIT_USAGE 2

typedef struct opts {
    const char *state, *ports_file, *master_key, *card_key;
    int64_t meters;
    msim_listen_t listen;
    int64_t baud, delay_ms, speed;
} opts_t;

static const char usage[] =
    "usage: metersim --state FILE [--meters N] [--dlt645 PORT] [--modbus PORT] [--control PORT]\n"
    "                [--listen ADDR] [--ports-file FILE] [--master-key FILE] [--card-key FILE]\n"
    "                [--baud 2400|9600] [--response-delay-ms N] [--speed X] [--log-level LEVEL]\n"
    "                [--help] [--version]\n"
    "\n"
    "A meter gateway with N prepaid meters behind it, for tests and demos. It answers\n"
    "the meters' side of dlt645-prepaid and modbus-prepaid (docs/protocols/) and takes\n"
    "test commands (faults, tampering, consumption) on a text control port.\n"
    "\n"
    "  --state FILE           JSON state of all meters, kept across restarts (required)\n"
    "  --meters N             if FILE does not exist, create N meters (1..10000);\n"
    "                         ignored when FILE exists\n"
    "  --dlt645 PORT          DL/T 645 TCP port (default 0: the kernel picks one)\n"
    "  --modbus PORT          Modbus TCP port (default 0)\n"
    "  --control PORT         control port (default 0)\n"
    "  --listen ADDR          IPv4 address to listen on (default 127.0.0.1)\n"
    "  --ports-file FILE      once listening, write \"dlt645 P\", \"modbus P\", \"control P\"\n"
    "                         lines to FILE (atomically)\n"
    "  --master-key FILE      remote-credit master key, 32 hex digits, mode 600; WITHOUT\n"
    "                         IT EVERY RECHARGE AND OPEN ACCOUNT FAILS THE MAC CHECK\n"
    "                         (DL/T 645 error word bit 2, Modbus result 3)\n"
    "  --card-key FILE        the card issuer's master key, 32 hex digits, mode 600: the\n"
    "                         meters' card slots check meter cards with it (card-insert);\n"
    "                         without it every card-insert is an error\n"
    "  --baud 2400|9600       simulated bus speed, 11 bits per byte (default 2400)\n"
    "  --response-delay-ms N  the meters' own delay before each reply (default 0)\n"
    "  --speed X              simulated time runs X times faster (default 1; 0 stops it)\n"
    "  --log-level LEVEL      error, warn (default), info or debug (hex dumps of frames)\n"
    "\n"
    "SIGTERM or SIGINT saves the state and exits 0. See docs/sim/metersim.md.\n";

#define bad_usage(...) simio_bad_usage("metersim", __VA_ARGS__)

static bool port_arg(const char *text, int *port)
{
    int64_t v;
    if (!simio_parse_int(text, 0, 65535, &v))
        return false;
    *port = (int)v;
    return true;
}

/* One option; returns 0, or the exit status for a bad one. */
static int take_option(int c, const char *arg, void *ctx)
{
    opts_t *o = ctx;
    bool ok = true;
    switch (c) {
    case 's': o->state = arg; break;
    case 'n': ok = simio_parse_int(arg, 1, MSIM_MAX_METERS, &o->meters); break;
    case 'd': ok = port_arg(arg, &o->listen.dlt645); break;
    case 'm': ok = port_arg(arg, &o->listen.modbus); break;
    case 'c': ok = port_arg(arg, &o->listen.control); break;
    case 'l':
        o->listen.addr = arg;
        ok = inet_pton(AF_INET, arg, &(struct in_addr){0}) == 1;
        break;
    case 'p': o->ports_file = arg; break;
    case 'k': o->master_key = arg; break;
    case 'C': o->card_key = arg; break;
    case 'b': ok = simio_parse_int(arg, 2400, 9600, &o->baud) && (o->baud == 2400 || o->baud == 9600); break;
    case 'r': ok = simio_parse_int(arg, 0, 600000, &o->delay_ms); break;
    case 'x': ok = simio_parse_int(arg, 0, 1000000, &o->speed); break;
    default: return bad_usage("%s", "unknown option or missing value");
    }
    return ok ? 0 : bad_usage("'%s' is not a valid value for that option", arg);
}

/* Parses argv; returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, opts_t *o)
{
    static const struct option long_opts[] = {
        {"state", required_argument, NULL, 's'},      {"meters", required_argument, NULL, 'n'},
        {"dlt645", required_argument, NULL, 'd'},     {"modbus", required_argument, NULL, 'm'},
        {"control", required_argument, NULL, 'c'},    {"listen", required_argument, NULL, 'l'},
        {"ports-file", required_argument, NULL, 'p'}, {"master-key", required_argument, NULL, 'k'},
        {"card-key", required_argument, NULL, 'C'},   {"baud", required_argument, NULL, 'b'},
        {"response-delay-ms", required_argument, NULL, 'r'}, {"speed", required_argument, NULL, 'x'},
        {"log-level", required_argument, NULL, 'L'},  {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},          {NULL, 0, NULL, 0}};
    simio_cli_t cli = {"metersim", usage, long_opts, take_option, o};
    int rc = simio_parse_args(&cli, argc, argv);
    if (rc != -1)
        return rc;
    if (!o->state)
        return bad_usage("%s", "--state FILE is required");
    return -1;
}

/* Loads the state file, or creates it with --meters N. */
static int load_or_create(msim_t *s, const opts_t *o)
{
    kmsg_t msg = {""};
    snprintf(s->state_path, sizeof s->state_path, "%s", o->state);
    kerr_t rc = msim_state_load(s, &msg);
    if (rc == K_ENOTFOUND && o->meters > 0) {
        if (msim_state_create(s, (size_t)o->meters, &msg) != K_OK) {
            fprintf(stderr, "metersim: %s\n", msg.text);
            return 1;
        }
        s->sim_ms = kclock_wall(NULL);
        return msim_state_save(s) ? 0 : 1;
    }
    if (rc == K_ENOTFOUND)
        return bad_usage("state file %s does not exist; give --meters N to create it", o->state);
    if (rc != K_OK) {
        fprintf(stderr, "metersim: %s: %s\n", o->state, msg.text);
        return EXIT_USAGE;
    }
    if (o->meters > 0)
        LOG_I(MSIM_LOG, "%s exists: --meters %lld ignored", o->state, (long long)o->meters);
    if (s->sim_ms < kclock_wall(NULL))
        s->sim_ms = kclock_wall(NULL); /* the meters were off; time went on */
    return 0;
}

/* Loads one key file given as option (NULL: none); 0, or the exit status. */
static int load_one_key(const char *option, const char *path, uint8_t key[16], bool *have)
{
    kmsg_t msg = {""};
    if (!path)
        return 0;
    if (simkey_load(path, key, &msg) != K_OK) {
        fprintf(stderr, "metersim: %s %s: %s\n", option, path, msg.text);
        return EXIT_USAGE;
    }
    *have = true;
    return 0;
}

/* The remote-credit master key and the card issuer's key. */
static int load_key(msim_t *s, const opts_t *o)
{
    int rc = load_one_key("--master-key", o->master_key, s->master, &s->have_key);
    return rc ? rc : load_one_key("--card-key", o->card_key, s->card_key, &s->have_card_key);
}

int main(int argc, char **argv)
{
    opts_t o = {.listen = {.addr = "127.0.0.1"}, .baud = 2400, .speed = 1};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    static msim_t s;
    s.baud = o.baud;
    s.response_delay_ms = o.delay_ms;
    s.speed = o.speed;
    if ((rc = load_key(&s, &o)) != 0 || (rc = load_or_create(&s, &o)) != 0)
        return rc;
    if (!s.have_key)
        LOG_W(MSIM_LOG, "no --master-key: every recharge and open account will fail the MAC check");
    s.tick_mono_ms = s.saved_mono_ms = kclock_mono(NULL);
    o.listen.ports_file = o.ports_file;
    rc = msim_serve(&s, &o.listen);
    msim_state_free(&s);
    memset(s.master, 0, sizeof s.master);
    memset(s.card_key, 0, sizeof s.card_key);
    return rc;
}
