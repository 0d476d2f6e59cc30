/* printsim: the command line (docs/sim/printsim.md). Bad arguments are
 * one line on stderr and exit status 2; a runtime failure is status 1. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/printsim/prsim.h"

#define DEFAULT_FONT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define DEFAULT_FONT_INDEX 7 /* Noto Sans Mono CJK SC: ASCII exactly half as wide as a Chinese character */

static const char usage[] =
    "usage: printsim --out DIR [--tcp PORT] [--link PATH] [--listen ADDR] [--control PORT]\n"
    "                [--ports-file FILE] [--font FILE] [--font-index N] [--log-level LEVEL]\n"
    "                [--help] [--version]\n"
    "\n"
    "An ESC/POS receipt printer (profile escpos-kiosk, docs/protocols/escpos.md) on a\n"
    "TCP port and/or a pseudo-terminal, for tests and demos. Every receipt (ended by\n"
    "a cut) becomes DIR/receipt-NNNN.txt and DIR/receipt-NNNN.png. Paper, cover,\n"
    "offline and errors are set from a text control port.\n"
    "\n"
    "  --out DIR          folder for the receipts (made if missing) (required)\n"
    "  --tcp PORT         take print jobs on this TCP port, as a network printer on\n"
    "                     9100 does (0: the kernel picks one)\n"
    "  --link PATH        make PATH a symlink to a pty's slave side: the kiosk opens it\n"
    "                     as its serial port (an existing symlink is replaced)\n"
    "                     (at least one of --tcp and --link)\n"
    "  --listen ADDR      IPv4 address of both ports (default 127.0.0.1)\n"
    "  --control PORT     control port (default 0: the kernel picks one)\n"
    "  --ports-file FILE  once ready, write \"printer PORT\", \"control PORT\" and\n"
    "                     \"pty PATH\" lines to FILE (atomically)\n"
    "  --font FILE        font for the PNG (default " DEFAULT_FONT ")\n"
    "  --font-index N     face in a font collection (default 7 with the default font:\n"
    "                     Noto Sans Mono CJK SC; otherwise 0)\n"
    "  --log-level LEVEL  error, warn (default: bytes skipped, lost receipts), info or\n"
    "                     debug (hex dumps of everything in and out)\n"
    "\n"
    "SIGTERM or SIGINT removes the symlink and exits 0. See docs/sim/printsim.md.\n";

#define bad_usage(...) simio_bad_usage("printsim", __VA_ARGS__)

static int take_option(int c, const char *arg, void *ctx)
{
    prsim_opts_t *o = ctx;
    int64_t v = 0;
    bool ok = true;
    switch (c) {
    case 'o': o->out = arg; break;
    case 't':
        ok = simio_parse_int(arg, 0, 65535, &v);
        o->tcp_port = (int)v;
        break;
    case 'k': o->link = arg; break;
    case 'l':
        o->listen_addr = arg;
        ok = inet_pton(AF_INET, arg, &(struct in_addr){0}) == 1;
        break;
    case 'c':
        ok = simio_parse_int(arg, 0, 65535, &v);
        o->control_port = (int)v;
        break;
    case 'p': o->ports_file = arg; break;
    case 'f': o->font = arg; break;
    case 'i':
        ok = simio_parse_int(arg, 0, 1000, &v);
        o->font_index = (long)v;
        break;
    default: return bad_usage("%s", "unknown option or missing value");
    }
    return ok ? 0 : bad_usage("'%s' is not a valid value for that option", arg);
}

/* Parses argv; returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, prsim_opts_t *o)
{
    static const struct option long_opts[] = {
        {"out", required_argument, NULL, 'o'},        {"tcp", required_argument, NULL, 't'},
        {"link", required_argument, NULL, 'k'},       {"listen", required_argument, NULL, 'l'},
        {"control", required_argument, NULL, 'c'},    {"ports-file", required_argument, NULL, 'p'},
        {"font", required_argument, NULL, 'f'},       {"font-index", required_argument, NULL, 'i'},
        {"log-level", required_argument, NULL, 'L'},  {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},          {NULL, 0, NULL, 0}};
    simio_cli_t cli = {"printsim", usage, long_opts, take_option, o};
    int rc = simio_parse_args(&cli, argc, argv);
    if (rc != -1)
        return rc;
    if (!o->out || !o->out[0])
        return bad_usage("%s", "--out DIR is required");
    if (o->tcp_port < 0 && !o->link)
        return bad_usage("%s", "give --tcp PORT, --link PATH or both");
    if (strlen(o->out) >= PRSIM_PATH_MAX - 32 || (o->link && strlen(o->link) >= PRSIM_PATH_MAX - 32))
        return bad_usage("%s", "a path is too long");
    if (!o->font) {
        o->font = DEFAULT_FONT;
        o->font_index = o->font_index < 0 ? DEFAULT_FONT_INDEX : o->font_index;
    }
    if (o->font_index < 0)
        o->font_index = 0;
    return -1;
}

int main(int argc, char **argv)
{
    prsim_opts_t o = {.listen_addr = "127.0.0.1", .tcp_port = -1, .font_index = -1};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    kmsg_t msg = {""};
    if (prsim_png_init(o.font, o.font_index, &msg) != K_OK) {
        fprintf(stderr, "printsim: %s\n", msg.text);
        prsim_png_done();
        return 2;
    }
    static prsim_t s;
    rc = prsim_serve(&s, &o);
    prsim_png_done();
    return rc;
}
