/* kioskctl txn-diagram and config show|sample, and small helpers the verbs share. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/txn.h"
#include "kiosk/ctl/ctl.h"

bool ctl_twelve_digits(const char *s)
{
    return strlen(s) == 12 && strspn(s, "0123456789") == 12;
}


int ctl_txn_diagram(ctl_t *c)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {0, 0, 0, 0}};
    txn_diagram_format_t fmt = TXN_DIAGRAM_DOT;
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == '?')
            return CTL_EXIT_USAGE;
        if (strcmp(optarg, "mermaid") == 0)
            fmt = TXN_DIAGRAM_MERMAID;
        else if (strcmp(optarg, "dot") != 0)
            return ctl_fail(CTL_EXIT_USAGE, "--format %s: choose dot or mermaid", optarg);
    }
    if (optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "unexpected argument '%s'", c->argv[optind]);
    txn_diagram(stdout, fmt);
    return CTL_EXIT_OK;
}

int ctl_config_show(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl config show");
    config_dump(&c->cfg, stdout);
    return CTL_EXIT_OK;
}

int ctl_config_sample(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl config sample");
    config_write_sample(stdout);
    return CTL_EXIT_OK;
}
