/* Admin verbs on accounts (docs/accounts.md): open (pre-filled or not),
 * bind, transfer, list and show; close is in bo_admin_account_close.c. */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_account.h"
#include "backoffice/domain/bo_report.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: backoffice account open ID --customer C [--meter M]... [--reason TEXT]\n"
            "         [--prefill [--name NAME] [--protocol dlt645|modbus --gateway HOST:PORT]\n"
            "          [--kind electricity|water] [--tariff T] [--site SITE]]\n"
            "       backoffice account bind ID --meter M [--meter M]...\n"
            "       backoffice account transfer ID --to-customer C --reason TEXT\n"
            "       backoffice account close ID --final-reading M=N... [--balance AMOUNT] --refund|--carry "
            "--reason TEXT\n"
            "       backoffice account list [--csv] | account show ID [--csv]\n");
    return BO_EXIT_USAGE;
}

static bool is(const bo_args_t *a, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[1], verb) == 0;
}

/* Every --meter names a meter once, each a valid id; n is their number. */
static bool meters_valid(const char *const *m, int n)
{
    for (int i = 0; i < n; i++) {
        if (!bo_id_valid(m[i], 32))
            return false;
        for (int j = 0; j < i; j++)
            if (strcmp(m[i], m[j]) == 0)
                return false;
    }
    return true;
}

static int open_account(bo_store_t *st, const bo_args_t *a)
{
    const char *m[BO_CLI_MAX];
    bo_account_open_t o = {.id = a->pos[2], .customer = bo_arg(a, "customer"), .meters = m,
                           .n = bo_args_all(a, "meter", m, BO_CLI_MAX), .prefill = bo_arg(a, "prefill") != NULL,
                           .name = bo_arg(a, "name"), .reason = bo_arg(a, "reason"),
                           .spec = {bo_arg(a, "protocol"), bo_arg(a, "gateway"), bo_arg(a, "kind"),
                                    bo_arg(a, "tariff"), bo_arg(a, "site")}};
    if (!o.customer || !bo_id_valid(o.id, 64) || !bo_id_valid(o.customer, 64) || !meters_valid(m, o.n))
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    int64_t carried = 0;
    char done[160];
    kerr_t rc = bo_account_open(st, &who, &o, &carried, &msg);
    snprintf(done, sizeof done, "account %s opened for customer %s with %d meter(s); carried balance %lld (minor units)",
             o.id, o.customer, o.n, (long long)carried);
    return bo_cli_outcome(rc, &msg, done);
}

static int bind(bo_store_t *st, const bo_args_t *a)
{
    const char *m[BO_CLI_MAX];
    int n = bo_args_all(a, "meter", m, BO_CLI_MAX);
    if (n == 0 || !meters_valid(m, n))
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_account_bind(st, &who, a->pos[2], m, n, bo_arg(a, "reason"), &msg);
    return bo_cli_outcome(rc, &msg, "meter(s) bound");
}

static int transfer(bo_store_t *st, const bo_args_t *a)
{
    const char *to = bo_arg(a, "to-customer"), *reason = bo_arg(a, "reason");
    if (!to || !reason || !reason[0])
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_account_transfer(st, &who, a->pos[2], to, reason, &msg);
    return bo_cli_outcome(rc, &msg, "account transferred");
}

/* The account, its meters (bound now and before) and their cards. */
static int show(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    static const char *const titles[] = {"", "meters:\n", "cards:\n"};
    static const bo_listing_t parts[] = {BO_LIST_ACCOUNT, BO_LIST_ACCOUNT_METERS, BO_LIST_ACCOUNT_CARDS};
    bo_list_args_t args = {.id = a->pos[2]};
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    if (bo_report_rows(st, BO_LIST_ACCOUNT, &args, &rows, &msg) != K_OK || rows.nrows == 0) {
        bo_rows_free(&rows);
        fprintf(stderr, "backoffice: account %s is not known; see `backoffice account list`\n", a->pos[2]);
        return BO_EXIT_FAIL;
    }
    bo_rows_free(&rows);
    for (int i = 0; i < 3; i++) {
        fputs(titles[i], out);
        if (bo_cli_rows(st, parts[i], &args, bo_arg(a, "csv") != NULL, out, "showing the account failed"))
            return BO_EXIT_FAIL;
    }
    return BO_EXIT_OK;
}

int bo_admin_account(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (is(a, "open", 3))
        return open_account(st, a);
    if (is(a, "bind", 3))
        return bind(st, a);
    if (is(a, "transfer", 3))
        return transfer(st, a);
    if (is(a, "close", 3))
        return bo_admin_account_close(st, a);
    if (is(a, "list", 2))
        return bo_cli_list(st, BO_LIST_ACCOUNTS, a, out);
    if (is(a, "show", 3))
        return show(st, a, out);
    return usage();
}
