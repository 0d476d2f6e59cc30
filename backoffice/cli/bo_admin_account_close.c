/* `account close ID --final-reading M=N... --refund|--carry --reason TEXT`
 * (docs/accounts.md): the arguments read and checked, the domain closes
 * the account (bo_account.h), the settlement said. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_account.h"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice account close ID --final-reading METER=N [--final-reading METER=N]... "
                    "[--balance AMOUNT] --refund|--carry [--write-off --operator NAME] --reason TEXT\n"
                    "  N: the meter's register at closing, a whole number (Wh or litres); AMOUNT: credit left on\n"
                    "  the meters, minor units, settled with the account's carried balance; --write-off: what\n"
                    "  the account owes is written off, signed by an operator allowed accounts (PIN in\n"
                    "  BACKOFFICE_PIN)\n");
    return BO_EXIT_USAGE;
}

/* Splits each --final-reading METER=N (none for an account without
 * meters); false if one is malformed or a meter is named twice. */
static bool parse(const bo_args_t *a, bo_final_reading_t r[BO_CLI_MAX], int *n)
{
    const char *v[BO_CLI_MAX];
    *n = bo_args_all(a, "final-reading", v, BO_CLI_MAX);
    for (int i = 0; i < *n; i++) {
        const char *eq = strchr(v[i], '=');
        if (!eq || (size_t)(eq - v[i]) >= sizeof r[i].meter || !bo_cli_number(eq + 1))
            return false;
        snprintf(r[i].meter, sizeof r[i].meter, "%.*s", (int)(eq - v[i]), v[i]);
        r[i].value = strtoll(eq + 1, NULL, 10);
        if (!bo_id_valid(r[i].meter, 32))
            return false;
        for (int j = 0; j < i; j++)
            if (strcmp(r[i].meter, r[j].meter) == 0)
                return false;
    }
    return true;
}

int bo_admin_account_close(bo_store_t *st, const bo_args_t *a)
{
    const char *reason = bo_arg(a, "reason"), *balance = bo_arg(a, "balance");
    bool refund = bo_arg(a, "refund") != NULL, carry = bo_arg(a, "carry") != NULL;
    bo_final_reading_t r[BO_CLI_MAX];
    int n;
    if (!parse(a, r, &n) || refund == carry || !reason || !reason[0] || (balance && !bo_cli_number(balance)))
        return usage();
    bool write_off = bo_arg(a, "write-off") != NULL;
    if (write_off && !bo_arg(a, "operator"))
        return usage();
    bo_account_close_t c = {a->pos[2], r,         n, balance ? strtoll(balance, NULL, 10) : 0, carry, reason,
                            write_off, bo_arg(a, "operator"), getenv("BACKOFFICE_PIN")};
    bo_who_t who = bo_cli_login();
    bo_settled_t s;
    kmsg_t msg = {{0}};
    char done[200];
    kerr_t rc = bo_account_close(st, &who, &c, &s, &msg);
    snprintf(done, sizeof done, "account %s closed; balance %lld (minor units) %s%s", c.id, (long long)s.amount,
             !carry  ? "to be refunded to the customer"
             : s.to[0] ? "carried to account "
                       : "carried to the customer's next account",
             carry ? s.to : "");
    return bo_cli_outcome(rc, &msg, done);
}
