/* kioskctl ledger list|show|export|verify|init */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "core/money.h"
#include "kiosk/ctl/ctl.h"

#define DAY_MS INT64_C(86400000)

static void amount_text(int64_t minor, const char *code, char *buf, size_t len)
{
    const currency_t *cur = currency_find(code);
    if (!cur || !money_format(minor, cur, MONEY_RECEIPT, buf, len))
        snprintf(buf, len, "%lld %s", (long long)minor, code);
}

static void print_row(void *ctx, const ledger_txn_t *t)
{
    (void)ctx;
    char amount[40], when[32], count[16] = "-";
    amount_text(t->paid ? t->paid : t->amount, t->currency, amount, sizeof amount);
    ktime_format_iso(t->created_at, when, sizeof when);
    when[19] = '\0';
    if (t->purchase_count > 0)
        snprintf(count, sizeof count, "%lld", (long long)t->purchase_count);
    printf("%.8s  %-20s  %-12s  %14s  %-7s  %5s  %s  %s\n", t->id, txn_state_name(t->state), t->meter, amount,
           sale_method_name(t->method), count, when, t->reason);
}

int ctl_ledger_list(ctl_t *c)
{
    static const struct option opts[] = {
        {"state", required_argument, NULL, 's'},
        {"meter", required_argument, NULL, 'm'},
        {"limit", required_argument, NULL, 'n'},
        {0, 0, 0, 0},
    };
    ledger_filter_t f = {.limit = 50, .newest_first = true};
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == 's' && (f.state = txn_state_from_name(optarg)) == TXN_NONE)
            return ctl_fail(CTL_EXIT_USAGE, "--state %s: not a state (see kioskctl txn-diagram)", optarg);
        if (ch == 'm')
            f.meter = optarg;
        if (ch == 'n' && (f.limit = atoi(optarg)) <= 0)
            return ctl_fail(CTL_EXIT_USAGE, "--limit %s: give a number above zero", optarg);
        if (ch == '?')
            return CTL_EXIT_USAGE;
    }
    if (optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "unexpected argument '%s'", c->argv[optind]);
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_EXIT_FAIL;
    printf("%-8s  %-20s  %-12s  %14s  %-7s  %5s  %-19s  %s\n", "ID", "STATE", "METER", "AMOUNT", "METHOD", "COUNT",
           "CREATED (UTC)", "REASON");
    kmsg_t msg;
    kerr_t rc = ledger_list(l, &f, print_row, NULL, &msg);
    ledger_close(l);
    return rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
}

static void print_event(void *ctx, const ledger_event_t *e)
{
    (void)ctx;
    char when[32];
    ktime_format_iso(e->at, when, sizeof when);
    printf("  %4lld  %s  %-20s -[%s]-> %s%s%s\n", (long long)e->seq, when, txn_state_name(e->from),
           txn_event_name(e->event), txn_state_name(e->to), e->detail[0] ? "  " : "", e->detail);
}

static void print_attempt(void *ctx, const ledger_attempt_t *a)
{
    (void)ctx;
    char when[32];
    static const char *const applied[] = {"unknown", "no", "yes"};
    ktime_format_iso(a->started_at, when, sizeof when);
    printf("  #%lld  %s  count %lld  amount %lld  result %s  applied %s%s%s\n", (long long)a->id, when,
           (long long)a->purchase_count, (long long)a->amount, a->result[0] ? a->result : "(in flight)",
           applied[a->applied + 1], a->detail[0] ? "  " : "", a->detail);
}

int ctl_ledger_show(ctl_t *c)
{
    if (c->argc != 2)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl ledger show ID");
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_EXIT_FAIL;
    kmsg_t msg;
    char id[UUID_STR_LEN];
    ledger_txn_t t;
    kerr_t rc = ledger_resolve_id(l, c->argv[1], id, &msg);
    if (rc == K_OK)
        rc = ledger_get(l, id, &t, &msg);
    if (rc == K_OK) {
        char amount[40], paid[40], delivered[40], refunded[40], created[32], updated[32];
        amount_text(t.amount, t.currency, amount, sizeof amount);
        amount_text(t.paid, t.currency, paid, sizeof paid);
        amount_text(t.delivered, t.currency, delivered, sizeof delivered);
        amount_text(t.refunded, t.currency, refunded, sizeof refunded);
        ktime_format_iso(t.created_at, created, sizeof created);
        ktime_format_iso(t.updated_at, updated, sizeof updated);
        printf("transaction  %s\nstate        %s\nmeter        %s (customer %s)\nmethod       %s via %s\n"
               "amount       %s\npaid         %s\ndelivered    %s\nrefunded     %s\n",
               t.id, txn_state_name(t.state), t.meter, t.customer[0] ? t.customer : "-", sale_method_name(t.method),
               sale_channel_name(t.channel), amount,
               paid, delivered, refunded);
        if (t.purchase_count > 0)
            printf("count        %lld\n", (long long)t.purchase_count);
        if (t.reason[0])
            printf("reason       %s\n", t.reason);
        printf("created      %s\nupdated      %s\n\nhistory:\n", created, updated);
        rc = ledger_events(l, id, print_event, NULL, &msg);
    }
    if (rc == K_OK) {
        printf("\ndelivery attempts:\n");
        rc = ledger_attempts(l, id, print_attempt, NULL, &msg);
    }
    ledger_close(l);
    return rc == K_OK ? CTL_EXIT_OK : ctl_fail(rc == K_EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "%s", msg.text);
}

/* --to takes a whole day inclusively when it is a plain date. */
static bool parse_bound(const char *text, bool upper, int64_t *ms)
{
    if (!ktime_parse(text, ms))
        return false;
    if (upper && strlen(text) == 10)
        *ms += DAY_MS;
    return true;
}

int ctl_ledger_export(ctl_t *c)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"from", required_argument, NULL, 'a'},
        {"to", required_argument, NULL, 'b'},
        {"output", required_argument, NULL, 'o'},
        {0, 0, 0, 0},
    };
    const char *format = NULL, *output = NULL;
    int64_t from = 0, to = 0;
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == 'f')
            format = optarg;
        else if (ch == 'o')
            output = optarg;
        else if ((ch == 'a' || ch == 'b') && !parse_bound(optarg, ch == 'b', ch == 'a' ? &from : &to))
            return ctl_fail(CTL_EXIT_USAGE, "--%s %s: give a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC)",
                            ch == 'a' ? "from" : "to", optarg);
        else if (ch == '?')
            return CTL_EXIT_USAGE;
    }
    if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0))
        return ctl_fail(CTL_EXIT_USAGE, "ledger export needs --format csv or --format json");
    if (optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "unexpected argument '%s'", c->argv[optind]);
    if (from && to && from >= to)
        return ctl_fail(CTL_EXIT_USAGE, "--from must come before --to");
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_EXIT_FAIL;
    FILE *out = output ? fopen(output, "w") : stdout;
    if (!out) {
        ledger_close(l);
        return ctl_fail(CTL_EXIT_FAIL, "cannot write %s: %s", output, strerror(errno));
    }
    kmsg_t msg;
    kerr_t rc = ledger_export(l, out, strcmp(format, "csv") == 0 ? LEDGER_CSV : LEDGER_JSON, from, to, &msg);
    if (output && fclose(out) != 0 && rc == K_OK)
        rc = kmsg_set(&msg, K_EIO, "cannot finish writing %s", output);
    ledger_close(l);
    return rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
}

static void print_violation(void *ctx, const char *text)
{
    (void)ctx;
    printf("violation: %s\n", text);
}

int ctl_ledger_verify(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl ledger verify");
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_EXIT_FAIL;
    kmsg_t msg;
    int64_t found = 0;
    kerr_t rc = ledger_verify(l, print_violation, NULL, &found, &msg);
    ledger_close(l);
    if (rc != K_OK)
        return ctl_fail(CTL_EXIT_FAIL, "verification could not finish: %s", msg.text);
    if (found) {
        printf("ledger %s: %lld violation%s\n", c->cfg.ledger_path, (long long)found, found == 1 ? "" : "s");
        return CTL_EXIT_FAIL;
    }
    printf("ledger %s: all invariants hold\n", c->cfg.ledger_path);
    return CTL_EXIT_OK;
}

int ctl_ledger_init(ctl_t *c)
{
    static const struct option opts[] = {{"new", no_argument, NULL, 'n'}, {"reason", required_argument, NULL, 'r'},
                                         {0, 0, 0, 0}};
    bool fresh = false;
    const char *reason = NULL;
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == 'n')
            fresh = true;
        else if (ch == 'r')
            reason = optarg;
        else
            return CTL_EXIT_USAGE;
    }
    if (!fresh || !reason || !reason[0] || optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl ledger init --new --reason TEXT");
    site_ledger_init_t r;
    kmsg_t msg;
    kerr_t rc = site_ledger_init_new(&c->cfg, ctl_actor(), reason, &r, &msg);
    if (rc != K_OK)
        return ctl_fail(rc == K_ESTATE ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "%s", msg.text);
    printf("new ledger %s at %s (in place of %s)\n", r.new_id, c->cfg.ledger_path,
           r.old_id[0] ? r.old_id : "none recorded");
    if (r.moved_to[0])
        printf("the file that was there is kept as %s\n", r.moved_to);
    return CTL_EXIT_OK;
}
