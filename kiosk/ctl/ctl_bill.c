/* kioskctl bill: a post-paid account's bills as the back office has them
 * (docs/billing.md, "At the kiosk"). */
#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "kiosk/ctl/ctl.h"
#include "sync/sync_bill.h"

/* "CNY 12.34" in the bills' currency (minor units if it is not known). */
static const char *amount(const sync_due_t *d, int64_t minor, char buf[40])
{
    const currency_t *cur = currency_find(d->currency);
    if (!cur || !money_format(minor, cur, MONEY_RECEIPT, buf, 40))
        snprintf(buf, 40, "%lld", (long long)minor);
    return buf;
}

static void print_due(const sync_due_t *d)
{
    char a[40], b[40], c[40];
    printf("account %s (%s) owes %s in %d bill%s\n", d->account, d->payment, amount(d, d->owed, a),
           d->n + (int)d->more, d->n + d->more == 1 ? "" : "s");
    for (int i = 0; i < d->n; i++) {
        const sync_bill_due_t *x = &d->bill[i];
        printf("bill %lld %s..%s total %s paid %s due %s\n", (long long)x->id, x->from, x->to, amount(d, x->total, a),
               amount(d, x->paid, b), amount(d, x->due, c));
    }
    if (d->more)
        printf("and %lld more\n", (long long)d->more);
}

/* Asks the back office what account owes into *d; an exit status, the
 * refusal said. */
static int ask_due(ctl_t *c, const char *account, sync_due_t *d)
{
    sync_client_t *sc;
    kmsg_t msg = {""};
    if (sync_client_open(&c->cfg, &sc, &msg))
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    kerr_t rc = l ? sync_account_due(sc, l, account, d, &msg) : K_EIO;
    if (l)
        ledger_close(l);
    sync_client_close(sc);
    if (!l)
        return CTL_EXIT_FAIL;
    if (rc)
        return ctl_fail(rc == K_EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "account %s: %s", account, msg.text);
    return CTL_EXIT_OK;
}

int ctl_bill_due(ctl_t *c)
{
    if (c->argc != 3 || strcmp(c->argv[1], "--account") != 0)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl bill due --account ACCOUNT");
    static sync_due_t d;
    int status = ask_due(c, c->argv[2], &d);
    if (status == CTL_EXIT_OK)
        print_due(&d);
    return status;
}

int ctl_bill_payable(ctl_t *c, const char *account, int64_t amount)
{
    static sync_due_t d;
    kmsg_t msg;
    int status = ask_due(c, account, &d);
    if (status == CTL_EXIT_OK && sync_bill_payable(&d, amount, &msg) != K_OK)
        status = ctl_fail(CTL_EXIT_FAIL, "%s: nothing taken", msg.text);
    return status;
}
