/* kioskctl: staff and test command line for the kiosk. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kiosk/app/version.h"
#include "kiosk/ctl/ctl.h"

typedef struct verb {
    const char *name, *sub;
    int (*run)(ctl_t *c);
    const char *args, *help;
} verb_t;

static const verb_t verbs[] = {
    {"sale", NULL, ctl_sale, "--meter ADDR|--card --amount MINOR --pay counter|cash|card [--timeout S]",
     "sell credit to a meter, or onto the meter card in the reader: staff took the money, or notes until the "
     "amount (or the timeout), or a bank card; JSON"},
    {"recover", NULL, ctl_recover, "", "resume or park every unfinished transaction"},
    {"retry", NULL, ctl_retry, "", "retry the pending deliveries that are due, once"},
    {"worker", NULL, ctl_worker, "[--interval MS]", "recover, then keep retrying pending deliveries until stopped"},
    {"ledger", "list", ctl_ledger_list, "[--state S] [--meter ADDR] [--limit N]", "list transactions, newest first"},
    {"ledger", "show", ctl_ledger_show, "ID", "one transaction with its history and delivery attempts"},
    {"ledger", "export", ctl_ledger_export, "--format csv|json [--from DATE] [--to DATE] [--output FILE]",
     "export transactions created in a period (dates are UTC, --to inclusive)"},
    {"ledger", "verify", ctl_ledger_verify, "", "check the ledger's integrity and money invariants"},
    {"meter", "read", ctl_meter_read, "ADDR", "read a meter (energy, balance, count, relay, flags) and inspect it; JSON"},
    {"meter", "relay", ctl_meter_relay, "ADDR trip|close [--reason TEXT]", "cut or restore a meter's supply"},
    {"meter", "scan", ctl_meter_scan, "", "read and inspect every meter of the registry"},
    {"alerts", NULL, ctl_alerts, "[--meter ADDR] [--all]", "usage-inspection alerts, open ones unless --all"},
    {"cash", "status", ctl_cash_status, "", "money taken since the last collection, by method and note"},
    {"cash", "collect", ctl_cash_collect, "", "the Z report: record the collection and reset the counters"},
    {"payterm", "last", ctl_payterm_last, "", "the card terminal's last transaction"},
    {"payterm", "end-of-day", ctl_payterm_end_of_day, "", "close the day on the card terminal"},
    {"card", "read", ctl_card_read, "", "the meter card in the reader: its data, purse and write-back; JSON"},
    {"card", "issue", ctl_card_issue, "--meter ADDR --customer NUMBER [--reason TEXT]",
     "staff: make the blank card in the reader the first card of a new account; JSON"},
    {"card", "replace", ctl_card_replace, "--meter ADDR [--reason TEXT] [--generation N --customer NUMBER]",
     "staff: make the blank card in the reader the replacement of the meter's lost or blocked card (a lost card "
     "issued elsewhere: its generation and customer); JSON"},
    {"receipt", "print", ctl_receipt_print, "[ID]",
     "print a transaction's receipt (the newest that took money by default); again, it is marked a copy"},
    {"txn-diagram", NULL, ctl_txn_diagram, "[--format dot|mermaid]", "print the transaction state machine"},
    {"config", "show", ctl_config_show, "", "print the effective configuration"},
    {"config", "sample", ctl_config_sample, "", "print a documented sample configuration"},
};

#define N_VERBS (sizeof verbs / sizeof verbs[0])

static void usage(FILE *out)
{
    fprintf(out, "Usage: kioskctl [--config FILE] [--set section.key=value]... VERB [ARGS]\n\n"
                 "Staff and test command line of the prepaid meter kiosk.\n\nVerbs:\n");
    for (size_t i = 0; i < N_VERBS; i++) {
        char name[48];
        snprintf(name, sizeof name, "%s%s%s", verbs[i].name, verbs[i].sub ? " " : "", verbs[i].sub ? verbs[i].sub : "");
        fprintf(out, "  %-14s %s\n  %-14s   %s\n", name, verbs[i].args, "", verbs[i].help);
    }
    fprintf(out, "\nCommon options:\n"
                 "  --config FILE            INI configuration (see 'kioskctl config sample')\n"
                 "  --set section.key=value  override one setting; repeatable\n"
                 "  --help, --version\n\n"
                 "Exit status: 0 done, 1 the operation failed or found problems,\n"
                 "2 bad arguments or configuration (nothing was written).\n");
}

int ctl_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kioskctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

ledger_t *ctl_open_ledger(const ctl_t *c, ledger_open_mode_t mode)
{
    ledger_t *l;
    kmsg_t msg;
    if (ledger_open(c->cfg.ledger_path, mode, NULL, &l, &msg) != K_OK) {
        ctl_fail(CTL_FAIL, "%s", msg.text);
        return NULL;
    }
    return l;
}

static const verb_t *find_verb(int n, char **args, int *used)
{
    for (size_t i = 0; n > 0 && i < N_VERBS; i++) {
        if (strcmp(args[0], verbs[i].name) != 0)
            continue;
        if (!verbs[i].sub) {
            *used = 1;
            return &verbs[i];
        }
        if (n > 1 && strcmp(args[1], verbs[i].sub) == 0) {
            *used = 2;
            return &verbs[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    cli_args_t a;
    kmsg_t msg;
    if (cli_split(argc, argv, &a, &msg) != K_OK)
        return ctl_fail(CTL_USAGE, "%s (see kioskctl --help)", msg.text);
    int status;
    int used = 0;
    const verb_t *v = find_verb(a.n_rest, a.rest, &used);
    if (a.version) {
        printf("kioskctl %s\n", KIOSK_VERSION);
        status = CTL_OK;
    } else if (a.help || a.n_rest == 0) {
        usage(a.help ? stdout : stderr);
        status = a.help ? CTL_OK : CTL_USAGE;
    } else if (!v) {
        status = ctl_fail(CTL_USAGE, "unknown verb '%s%s%s' (see kioskctl --help)", a.rest[0],
                          a.n_rest > 1 ? " " : "", a.n_rest > 1 ? a.rest[1] : "");
    } else {
        ctl_t c = {.argc = a.n_rest - used + 1, .argv = a.rest + used - 1};
        char name[48];
        snprintf(name, sizeof name, "kioskctl %s%s%s", v->name, v->sub ? " " : "", v->sub ? v->sub : "");
        c.argv[0] = name;
        if (cli_load_config(&a, &c.cfg, &msg) != K_OK)
            status = ctl_fail(CTL_USAGE, "%s", msg.text);
        else
            status = v->run(&c);
    }
    cli_free(&a);
    return status;
}
