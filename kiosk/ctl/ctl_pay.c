/* kioskctl: cash status and collection (the Z report); the card
 * terminal's last transaction and end of day. */
#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"
#include "kiosk/ctl/ctl.h"

static void print_report(const ledger_cash_report_t *r, const char *title, const char *who)
{
    const currency_t *cur = currency_find(r->currency[0] ? r->currency : "CNY");
    char since[32] = "the first sale", until[32], money[40];
    if (r->since)
        ktime_format_iso(r->since, since, sizeof since);
    ktime_format_iso(r->until, until, sizeof until);
    printf("%s\nfrom %s\nto   %s\n%s%s%s", title, since, until, who ? "by   " : "", who ? who : "", who ? "\n" : "");
    int64_t total = 0;
    printf("\ntaken                     count          total\n");
    for (size_t i = 0; i < r->n_taken; i++) {
        const ledger_cash_line_t *x = &r->taken[i];
        char label[48];
        money_format(x->denomination, cur, MONEY_RECEIPT, money, sizeof money);
        snprintf(label, sizeof label, "%s%s%s", x->method, x->denomination ? " " : "", x->denomination ? money : "");
        money_format(x->total, cur, MONEY_RECEIPT, money, sizeof money);
        printf("  %-22s %6lld %14s\n", label, (long long)x->count, money);
        total += x->total;
    }
    money_format(total, cur, MONEY_RECEIPT, money, sizeof money);
    printf("  %-22s %6s %14s\n", "total", "", money);
    printf("\ngiven back\n");
    for (size_t i = 0; i < r->n_refunded; i++) {
        money_format(r->refunded[i].total, cur, MONEY_RECEIPT, money, sizeof money);
        printf("  %-22s %6lld %14s\n", r->refunded[i].method, (long long)r->refunded[i].count, money);
    }
    if (!r->n_refunded)
        printf("  none\n");
    printf("\ncash box removed %lld times, inserted %lld times\n", (long long)r->box_removed,
           (long long)r->box_inserted);
}

int ctl_cash_status(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl cash status");
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_EXIT_FAIL;
    ledger_cash_report_t r;
    kmsg_t msg;
    kerr_t rc = ledger_cash_status(l, &r, &msg);
    if (rc == K_OK)
        print_report(&r, "CASH STATUS (since the last collection)", NULL);
    ledger_close(l);
    return rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
}

int ctl_cash_collect(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl cash collect");
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_EXIT_FAIL;
    const char *who = ctl_actor();
    ledger_cash_report_t r;
    kmsg_t msg = {""};
    printer_t p = {0};
    bool have_printer = site_printer_open(&c->cfg, &p, &msg) == K_OK && p.ops;
    engine_t e = {.ledger = l, .cfg = &c->cfg};
    bool printed = false;
    msg.text[0] = '\0';
    kerr_t rc = engine_collect(&e, have_printer ? &p : NULL, who, &r, &printed, &msg);
    if (rc == K_OK) {
        print_report(&r, "Z REPORT: cash collected, counters reset", who);
        printf("%s\n", printed ? "the Z report is printed" : msg.text);
    }
    printer_close(&p);
    ledger_close(l);
    return rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
}

static int terminal_command(ctl_t *c, bool end_of_day)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl payterm %s", end_of_day ? "end-of-day" : "last");
    payterm_t pt;
    kmsg_t msg;
    if (site_terminal_open(&c->cfg, &pt, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
    pt_result_t r;
    pt_err_t err = end_of_day ? pt.ops->end_of_day(pt.ctx, &r, &msg) : pt.ops->last(pt.ctx, &r, &msg);
    payterm_close(&pt);
    if (err != PT_OK)
        return ctl_fail(CTL_EXIT_FAIL, "card terminal: %s", msg.text);
    char money[40] = "";
    if (r.amount)
        money_format(r.amount, c->cfg.currency, MONEY_RECEIPT, money, sizeof money);
    printf("result %02X (%s)%s%s", r.code, r.reason, money[0] ? ", amount " : "", money);
    if (r.receipt)
        printf(", receipt %u, trace %u", r.receipt, r.trace);
    if (r.reference[0]) /* the kiosk's reference; at end of day, the terminal's own text */
        printf(", %s %s", end_of_day ? "text" : "reference", r.reference);
    putchar('\n');
    for (size_t i = 0; i < r.n_lines; i++)
        printf("  | %s\n", r.lines[i]);
    return r.outcome == PT_APPROVED ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

int ctl_payterm_last(ctl_t *c)
{
    return terminal_command(c, false);
}

int ctl_payterm_end_of_day(ctl_t *c)
{
    return terminal_command(c, true);
}
