/* kioskctl: staff and test command line for the kiosk. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/version.h"
#include "kiosk/ctl/ctl.h"

typedef struct verb {
    const char *name, *sub;
    int (*run)(ctl_t *c);
    const char *args, *help;
    perm_t perm; /* what the operator needs (every entry names it); PERM_COUNT: nothing */
} verb_t;

#define OPEN .perm = PERM_COUNT

static const verb_t verbs[] = {
    {"sale", NULL, ctl_sale, "--meter ADDR|--card --amount MINOR --pay counter|cash|card|qr [--timeout S]",
     "sell credit to a meter, or onto the meter card in the reader: staff took the money, or notes until the "
     "amount (or the timeout), or a bank card, or a QR code paid by phone (its URL on stderr); --card --amount 0 "
     "without --pay: a new account's zero first purchase where the registry allows it; JSON", OPEN},
    {"recover", NULL, ctl_recover, "", "resume or park every unfinished transaction", OPEN},
    {"retry", NULL, ctl_retry, "", "retry the pending deliveries that are due, once", .perm = PERM_DELIVERIES},
    {"txn", "reconcile", ctl_txn_reconcile, "ID resume|confirm --reason TEXT",
     "staff: a parked sale goes back to delivery (resume), or the evidence shows its credit on the meter "
     "(confirm)", .perm = PERM_DELIVERIES},
    {"txn", "void", ctl_txn_void, "ID [--zero] --reason TEXT",
     "staff: annul a parked or pending sale; the money is given back by hand (or, --zero, stays and the back "
     "office settles it)", .perm = PERM_VOID},
    {"worker", NULL, ctl_worker, "[--interval MS] [--sync-only]",
     "recover, then keep retrying pending deliveries and talking to the back office until stopped (--sync-only: "
     "only the back office, when the touchscreen retries deliveries itself)", OPEN},
    {"ledger", "list", ctl_ledger_list, "[--state S] [--meter ADDR] [--limit N]", "list transactions, newest first", OPEN},
    {"ledger", "show", ctl_ledger_show, "ID", "one transaction with its history and delivery attempts", OPEN},
    {"ledger", "export", ctl_ledger_export, "--format csv|json [--from DATE] [--to DATE] [--output FILE]",
     "export transactions created in a period (dates are UTC, --to inclusive)", OPEN},
    {"ledger", "verify", ctl_ledger_verify, "", "check the ledger's integrity and money invariants", OPEN},
    {"ledger", "init", ctl_ledger_init, "--new --reason TEXT",
     "staff: start a new ledger on purpose where the kiosk's is missing, empty or foreign (the file there is moved "
     "aside; audited; no operator: they lived in the lost ledger)", OPEN},
    {"meter", "read", ctl_meter_read, "ADDR", "read a meter (energy, balance, count, relay, flags) and inspect it; JSON", .perm = PERM_DIAGNOSTICS},
    {"meter", "relay", ctl_meter_relay, "ADDR trip|close [--reason TEXT]", "cut or restore a meter's supply", .perm = PERM_DIAGNOSTICS},
    {"meter", "keep-power", ctl_meter_keep_power, "ADDR on|off [--reason TEXT] [--json]",
     "keep a meter's power on (it refuses to trip, by command or when empty) or release it", .perm = PERM_DIAGNOSTICS},
    {"meter", "alarms", ctl_meter_alarms, "ADDR --alarm1 MINOR --alarm2 MINOR [--reason TEXT] [--json]",
     "write a meter's alarm amounts 1 and 2 (minor units)", .perm = PERM_DIAGNOSTICS},
    {"meter", "prices", ctl_meter_prices, "ADDR [--text TARIFF] [--reason TEXT] [--json]",
     "write a tariff's prices (and a tou tariff's day periods) to a meter: ui.tariff, or --text in the tariff "
     "syntax (docs/money.md)", .perm = PERM_DIAGNOSTICS},
    {"meter", "frozen", ctl_meter_frozen, "ADDR", "read a meter's last daily freeze (when, energy and bands); JSON",
     .perm = PERM_DIAGNOSTICS},
    {"meter", "scan", ctl_meter_scan, "", "read and inspect every meter of the registry", .perm = PERM_DIAGNOSTICS},
    {"alerts", NULL, ctl_alerts, "[--meter ADDR] [--all]", "usage-inspection alerts, open ones unless --all", OPEN},
    {"cash", "status", ctl_cash_status, "", "money taken since the last collection, by method and note", OPEN},
    {"cash", "collect", ctl_cash_collect, "", "the Z report: record the collection and reset the counters", .perm = PERM_COLLECT_CASH},
    {"payterm", "last", ctl_payterm_last, "", "the card terminal's last transaction", OPEN},
    {"payterm", "end-of-day", ctl_payterm_end_of_day, "", "close the day on the card terminal", .perm = PERM_COLLECT_CASH},
    {"card", "read", ctl_card_read, "", "the meter card in the reader: its data, purse and write-back; JSON", OPEN},
    {"card", "issue", ctl_card_issue, "--meter ADDR --customer NUMBER [--reason TEXT]",
     "staff: make the blank card in the reader the first card of a new account; JSON", .perm = PERM_CARDS},
    {"card", "replace", ctl_card_replace, "--meter ADDR [--reason TEXT] [--generation N --customer NUMBER]",
     "staff: make the blank card in the reader the replacement of the meter's lost or blocked card (a lost card "
     "issued elsewhere: its generation and customer); JSON", .perm = PERM_CARDS},
    {"receipt", "print", ctl_receipt_print, "[ID]",
     "print a transaction's receipt (the newest that took money by default); again, it is marked a copy", .perm = PERM_REPRINT},
    {"operator", "add", ctl_operator_add, "NAME --group GROUP", "staff: a new operator (its PIN is asked, or read from KIOSK_NEW_PIN)", .perm = PERM_OPERATORS},
    {"operator", "pin", ctl_operator_pin, "NAME", "staff: give an operator a new PIN (and lift a lockout)", .perm = PERM_OPERATORS},
    {"operator", "disable", ctl_operator_disable, "NAME", "staff: an operator can no longer sign in", .perm = PERM_OPERATORS},
    {"operator", "enable", ctl_operator_enable, "NAME", "staff: an operator can sign in again", .perm = PERM_OPERATORS},
    {"operator", "list", ctl_operator_list, "", "the operators, their groups and lockouts", OPEN},
    {"group", "set", ctl_group_set, "NAME --perms LIST", "staff: create or change a permission group (LIST: names, or all)", .perm = PERM_OPERATORS},
    {"group", "list", ctl_group_list, "", "the permission groups and what each allows", OPEN},
    {"bill", "due", ctl_bill_due, "--account ACCOUNT",
     "what a post-paid account owes: its issued bills not paid in full, oldest first (asked of the back office)", OPEN},
    {"bill", "pay", ctl_bill_pay, "--account ACCOUNT --amount MINOR --pay cash|card [--timeout S]",
     "take a post-paid account's bill payment (cash stops at the amount; no change) and send it to the back office; "
     "JSON", OPEN},
    {"sync", "now", ctl_sync_now, "", "upload the outbox to the back office until it is empty", OPEN},
    {"sync", "notices", ctl_sync_notices, "", "book the late QR payments and QR refunds the back office reports, then acknowledge them", OPEN},
    {"sync", "apply", ctl_sync_apply, "KIND FILE", "apply a signed document carried by hand (as `backoffice sign` makes it), checked like a download", .perm = PERM_SETTINGS},
    {"sync", "status", ctl_sync_status, "", "the back-office link: outbox depth, last contact, last error; JSON", OPEN},
    {"enrol", NULL, ctl_enrol, "--code CODE [--url URL]",
     "staff: enrol with the back office (the one-time code `backoffice kiosk add` printed): the kiosk's keys, its "
     "certificate, the pinned document key, in the identity folder", .perm = PERM_SETTINGS},
    {"identity", NULL, ctl_identity, "[--json]",
     "the kiosk's id, whether it is enrolled, the code it shows (text and QR), its certificate", OPEN},
    {"factory-reset", NULL, ctl_factory_reset, "[--confirm]",
     "staff: delete the kiosk's identity, and the ledger only if everything in it was synced; without --confirm, "
     "say what it would do", .perm = PERM_SETTINGS},
    {"selftest", NULL, ctl_selftest, "", "ask every device and link the configuration names; a table", .perm = PERM_DIAGNOSTICS},
    {"txn-diagram", NULL, ctl_txn_diagram, "[--format dot|mermaid]", "print the transaction state machine", OPEN},
    {"config", "show", ctl_config_show, "", "print the effective configuration", OPEN},
    {"config", "sample", ctl_config_sample, "", "print a documented sample configuration", OPEN},
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
                 "  --operator NAME          sign in for a staff verb (the PIN is asked, or read from\n"
                 "                           KIOSK_PIN); needed once operators exist\n"
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
    if (site_ledger_open(&c->cfg, mode, &l, &msg) != K_OK) {
        ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
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

/* Takes "--operator NAME" (or --operator=NAME) out of the arguments. */
static const char *take_operator(cli_args_t *a)
{
    const char *name = NULL;
    int out = 0;
    for (int i = 0; i < a->n_rest; i++) {
        if (strcmp(a->rest[i], "--operator") == 0 && i + 1 < a->n_rest)
            name = a->rest[++i];
        else if (strncmp(a->rest[i], "--operator=", 11) == 0)
            name = a->rest[i] + 11;
        else
            a->rest[out++] = a->rest[i];
    }
    a->n_rest = out;
    a->rest[out] = NULL;
    return name;
}

int main(int argc, char **argv)
{
    cli_args_t a;
    kmsg_t msg;
    if (cli_split(argc, argv, &a, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "%s (see kioskctl --help)", msg.text);
    int status;
    int used = 0;
    const char *operator_name = take_operator(&a);
    const verb_t *v = find_verb(a.n_rest, a.rest, &used);
    if (a.version) {
        printf("kioskctl %s\n", KIOSK_VERSION);
        status = CTL_EXIT_OK;
    } else if (a.help || a.n_rest == 0) {
        usage(a.help ? stdout : stderr);
        status = a.help ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    } else if (!v) {
        status = ctl_fail(CTL_EXIT_USAGE, "unknown verb '%s%s%s' (see kioskctl --help)", a.rest[0],
                          a.n_rest > 1 ? " " : "", a.n_rest > 1 ? a.rest[1] : "");
    } else {
        ctl_t c = {.argc = a.n_rest - used + 1, .argv = a.rest + used - 1};
        char name[48];
        snprintf(name, sizeof name, "kioskctl %s%s%s", v->name, v->sub ? " " : "", v->sub ? v->sub : "");
        c.argv[0] = name;
        if (cli_load_config(&a, &c.cfg, &msg) != K_OK)
            status = ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
        else if ((status = ctl_authorise(&c, v->perm, operator_name)) == CTL_EXIT_OK)
            status = v->run(&c);
    }
    cli_free(&a);
    return status;
}
