/* `account close ID --final-reading M=N... --refund|--carry --reason TEXT`
 * (docs/accounts.md): every meter bound to the account leaves it with its
 * final reading; the carried balance is refunded, or carried to the
 * customer's next account (an open one now, else the next one opened). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/base/bo_json.h"

#define NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

typedef struct reading {
    char meter[33];
    char value[16];
} reading_t;

static int usage(void)
{
    fprintf(stderr, "usage: backoffice account close ID --final-reading METER=N [--final-reading METER=N]... "
                    "[--balance AMOUNT] --refund|--carry --reason TEXT\n"
                    "  N: the meter's register at closing, a whole number (Wh or litres); AMOUNT: credit left on\n"
                    "  the meters, minor units, settled with the account's carried balance\n");
    return BO_EXIT_USAGE;
}

/* Splits each --final-reading METER=N (none for an account without
 * meters); false if one is malformed or a meter is named twice. */
static bool parse(const bo_args_t *a, reading_t r[BO_CLI_MAX], int *n)
{
    const char *v[BO_CLI_MAX];
    *n = bo_acct_opts(a, "final-reading", v, BO_CLI_MAX);
    for (int i = 0; i < *n; i++) {
        const char *eq = strchr(v[i], '=');
        if (!eq || (size_t)(eq - v[i]) >= sizeof r[i].meter || !bo_acct_reading_valid(eq + 1))
            return false;
        snprintf(r[i].meter, sizeof r[i].meter, "%.*s", (int)(eq - v[i]), v[i]);
        snprintf(r[i].value, sizeof r[i].value, "%s", eq + 1);
        if (!bo_id_valid(r[i].meter, 32))
            return false;
        for (int j = 0; j < i; j++)
            if (strcmp(r[i].meter, r[j].meter) == 0)
                return false;
    }
    return true;
}

/* The account is open, each reading names a meter bound to it now, and
 * every meter bound to it now has a reading. */
static kerr_t check(bo_acct_op_t *op, const char *id, const reading_t *r, int n)
{
    char cust[65], state[16], v[512];
    bool found;
    kerr_t rc = bo_acct_state(op, id, cust, state);
    const char *p[] = {id, NULL};
    if (rc == K_OK && strcmp(state, "open") != 0) {
        bo_acct_text(op, "SELECT strftime('%Y-%m-%d %H:%M', closed_at / 1000, 'unixepoch') FROM account WHERE id = ?",
                     p, 1, v, sizeof v, &found);
        return kmsg_set(&op->msg, K_ESTATE, "account %s was closed already (%s UTC): nothing to do", id, v);
    }
    for (int i = 0; rc == K_OK && i < n; i++) {
        p[1] = r[i].meter;
        rc = bo_acct_text(op, "SELECT 1 FROM account_meter WHERE account = ? AND meter = ? AND unbound_at IS NULL", p,
                          2, v, sizeof v, &found);
        if (rc == K_OK && !found)
            return kmsg_set(&op->msg, K_EINVAL, "meter %s is not bound to account %s: give readings of its own meters",
                            r[i].meter, id);
    }
    if (rc == K_OK)
        rc = bo_acct_text(op,
                          "SELECT count(*) || coalesce(' (' || group_concat(meter, ', ') || ')', '') "
                          "FROM account_meter "
                          "WHERE account = ? AND unbound_at IS NULL",
                          p, 1, v, sizeof v, &found);
    if (rc == K_OK && (size_t)n != strtoul(v, NULL, 10))
        return kmsg_set(&op->msg, K_EINVAL,
                        "account %s has %s meter(s) bound: give --final-reading METER=N for each of them", id, v);
    return rc;
}

/* Settles the balance: refunded, or carried to another open account of
 * the customer (into carried_to, with the amount in `to`), or left for
 * the customer's next account (carried_to ""). */
static kerr_t settle(bo_acct_op_t *op, const char *id, bool carry, const char *reason, char to[65], char amount[24])
{
    const char *p[] = {id, reason, carry ? "carry" : "refund"};
    bool found;
    kerr_t rc = bo_acct_sql(op,
                            "UPDATE account SET state = 'closed', closed_at = " NOW_MS ", close_reason = ?2, "
                            "settlement = ?3, settled = balance, balance = 0 WHERE id = ?1",
                            p, 3);
    if (rc == K_OK)
        rc = bo_acct_text(op, "SELECT settled FROM account WHERE id = ?", p, 1, amount, 24, &found);
    to[0] = '\0';
    if (rc == K_OK && carry)
        rc = bo_acct_text(op,
                          "SELECT id FROM account WHERE state = 'open' AND customer = "
                          "(SELECT customer FROM account WHERE id = ?1) ORDER BY opened_at, id LIMIT 1",
                          p, 1, to, 65, &found);
    const char *q[] = {id, to};
    if (rc == K_OK && to[0])
        rc = bo_acct_sql(op,
                         "UPDATE account SET balance = balance + (SELECT settled FROM account WHERE id = ?1) "
                         "WHERE id = ?2",
                         q, 2);
    if (rc == K_OK && to[0])
        rc = bo_acct_sql(op, "UPDATE account SET carried_to = ?2 WHERE id = ?1", q, 2);
    return rc;
}

int bo_acct_close(sqlite3 *db, const bo_args_t *a)
{
    const char *id = a->pos[2], *reason = bo_arg(a, "reason"), *balance = bo_arg(a, "balance");
    bool refund = bo_arg(a, "refund") != NULL, carry = bo_arg(a, "carry") != NULL;
    reading_t r[BO_CLI_MAX];
    int n;
    if (!parse(a, r, &n) || refund == carry || !reason || !reason[0] || (balance && !bo_acct_reading_valid(balance)))
        return usage();
    bo_acct_op_t op;
    char to[65] = "", amount[24] = "0", acct[65], detail[512], done[200];
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = check(&op, id, r, n);
    snprintf(detail, sizeof detail, "final readings");
    for (int i = 0; rc == K_OK && i < n; i++) {
        rc = bo_acct_unbind(&op, r[i].meter, r[i].value, "account closed", acct);
        size_t len = strlen(detail);
        snprintf(detail + len, sizeof detail - len, " %s=%s", r[i].meter, r[i].value);
    }
    if (rc == K_OK)
        rc = bo_acct_credit(&op, id, balance);
    if (rc == K_OK)
        rc = settle(&op, id, carry, reason, to, amount);
    size_t len = strlen(detail);
    snprintf(detail + len, sizeof detail - len, "; balance %s %s%s%s", amount, carry ? "carried" : "refunded",
             to[0] ? " to account " : "", to);
    snprintf(done, sizeof done, "account %s closed; balance %s (minor units) %s%s", id, amount,
             !carry ? "to be refunded to the customer" : to[0] ? "carried to account " : "carried to the customer's "
                                                                                          "next account",
             carry ? to : "");
    return bo_acct_end(&op, rc, "account.close", id, reason, detail, done);
}
