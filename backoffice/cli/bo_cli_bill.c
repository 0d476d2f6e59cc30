/* Post-paid bills on the command line (docs/billing.md, "Post-paid
 * bills"): `account payment|area`, `bill draft|confirm|issue|void|pay|
 * show|list|arrears`. Staff sign with --operator NAME and the PIN in
 * BACKOFFICE_PIN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_account.h"
#include "backoffice/domain/bo_postpaid.h"

static int usage(void)
{
    return bo_cli_usage(
        "account payment ID prepaid|postpaid --operator NAME --reason TEXT | account area ID M2 | "
        "account settle ID --amount N --method counter|bank --ref R | "
        "bill draft --account A --period YYYY-MM|--from DATE --to DATE | bill confirm ID --operator NAME | "
        "bill issue ID | bill void ID --operator NAME --reason TEXT | "
        "bill pay ID --amount N --method counter|bank --ref R | bill show ID [--csv] | "
        "bill list [--account A|--site S] [--state S] [--period YYYY-MM] [--csv] | bill arrears [--site S] [--csv]   "
        "(the operator's PIN in BACKOFFICE_PIN)");
}

bool bo_cli_bill_verb(const bo_args_t *a)
{
    return (a->npos >= 1 && strcmp(a->pos[0], "bill") == 0) ||
           (a->npos >= 2 && strcmp(a->pos[0], "account") == 0 &&
            (strcmp(a->pos[1], "payment") == 0 || strcmp(a->pos[1], "area") == 0 ||
             strcmp(a->pos[1], "settle") == 0));
}

static bo_signer_t signer(const bo_args_t *a)
{
    return (bo_signer_t){bo_arg(a, "operator"), getenv("BACKOFFICE_PIN")};
}

/* The bill id word: a whole number. */
static bool bill_id(const bo_args_t *a, int64_t *id)
{
    char *end;
    *id = a->npos >= 3 ? strtoll(a->pos[2], &end, 10) : 0;
    return a->npos == 3 && *id > 0 && *end == '\0';
}

static int draft(bo_store_t *st, const bo_args_t *a)
{
    char from[11], to[11], done[96];
    const char *period = bo_arg(a, "period");
    if (!bo_arg(a, "account") || (period && !bo_period_month(period, from, to)))
        return usage();
    if (!period) {
        if (!bo_arg(a, "from") || !bo_arg(a, "to"))
            return usage();
        snprintf(from, sizeof from, "%s", bo_arg(a, "from"));
        snprintf(to, sizeof to, "%s", bo_arg(a, "to"));
    }
    int64_t id = 0;
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    kerr_t rc = bo_bill_draft(st, &who, bo_arg(a, "account"), from, to, &id, &msg);
    snprintf(done, sizeof done, "bill %lld drafted for %s, %s to %s", (long long)id, bo_arg(a, "account"), from, to);
    return bo_cli_outcome_args(rc, &msg, done);
}

/* Confirms, issues (its notice under cfg's [notices]) or voids a bill. */
static int move(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, const char *verb)
{
    int64_t id;
    if (!bill_id(a, &id))
        return usage();
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    bo_signer_t sig = signer(a);
    kerr_t rc = strcmp(verb, "confirm") == 0 ? bo_bill_confirm(st, &who, &sig, id, &msg)
                : strcmp(verb, "issue") == 0 ? bo_bill_issue(st, &who, &cfg->notices, id, &msg)
                                             : bo_bill_void(st, &who, &sig, id, bo_arg(a, "reason"), &msg);
    char done[64];
    snprintf(done, sizeof done, "bill %lld: %s", (long long)id,
             strcmp(verb, "confirm") == 0 ? "confirmed" : strcmp(verb, "issue") == 0 ? "issued" : "void");
    return bo_cli_outcome_args(rc, &msg, done);
}

static int pay(bo_store_t *st, const bo_args_t *a)
{
    int64_t id, amount = 0;
    if (!bill_id(a, &id) || !bo_cli_int_opt(a, "amount", 0, &amount))
        return usage();
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    kerr_t rc = bo_bill_pay(st, &who, id, amount, bo_arg(a, "method"), bo_arg(a, "ref"), &msg);
    char done[96];
    snprintf(done, sizeof done, "payment of %lld recorded for bill %lld's account", (long long)amount, (long long)id);
    return bo_cli_outcome_args(rc, &msg, done);
}

static int list(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_rows_t r;
    kmsg_t msg = {{0}};
    bo_bill_filter_t f = {bo_arg(a, "account"), bo_arg(a, "site"), bo_arg(a, "state"), bo_arg(a, "period")};
    kerr_t rc = bo_bills_list(st, &f, &r, &msg);
    if (rc == K_EINVAL) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return usage();
    }
    return bo_cli_rows_done(rc, &r, &msg, bo_arg(a, "csv") != NULL, out);
}

static int show(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    int64_t id;
    bo_rows_t r;
    kmsg_t msg = {{0}};
    if (!bill_id(a, &id))
        return usage();
    kerr_t rc = st->ops->post->bill_lines(st->ctx, id, &r, &msg);
    if (rc == K_OK && r.nrows == 0) {
        bo_rows_free(&r);
        rc = kmsg_set(&msg, K_ENOTFOUND, "bill %lld is not known; see `bill list`", (long long)id);
    }
    return bo_cli_rows_done(rc, &r, &msg, bo_arg(a, "csv") != NULL, out);
}

/* `account settle ID --amount N --method counter|bank --ref R`. */
static int settle(bo_store_t *st, const bo_args_t *a)
{
    int64_t amount = 0;
    if (a->npos != 3 || !bo_cli_int_opt(a, "amount", 0, &amount))
        return usage();
    bo_settle_t p = {a->pos[2], bo_arg(a, "method"), bo_arg(a, "ref"), amount};
    bo_owes_t left = {0};
    kmsg_t msg = {{0}};
    char done[160];
    bo_who_t who = bo_cli_login();
    kerr_t rc = bo_account_settle(st, &who, &p, &left, &msg);
    snprintf(done, sizeof done, "account %s: %lld recorded; it owes %lld now", p.account, (long long)amount,
             (long long)left.total);
    return bo_cli_outcome_args(rc, &msg, done);
}

static int account(bo_store_t *st, const bo_args_t *a)
{
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    if (strcmp(a->pos[1], "settle") == 0)
        return settle(st, a);
    if (a->npos != 4)
        return usage();
    bo_signer_t sig = signer(a);
    kerr_t rc = strcmp(a->pos[1], "payment") == 0
                    ? bo_account_payment(st, &who, &sig, a->pos[2], a->pos[3], bo_arg(a, "reason"), &msg)
                    : bo_account_area(st, &who, a->pos[2], a->pos[3], &msg);
    char done[128];
    snprintf(done, sizeof done, "account %s: %s %s", a->pos[2], a->pos[1], a->pos[3]);
    return bo_cli_outcome_args(rc, &msg, done);
}

int bo_cli_bill(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (strcmp(a->pos[0], "account") == 0)
        return account(st, a);
    const char *verb = a->npos >= 2 ? a->pos[1] : "";
    if (strcmp(verb, "draft") == 0 && a->npos == 2)
        return draft(st, a);
    if (strcmp(verb, "confirm") == 0 || strcmp(verb, "issue") == 0 || strcmp(verb, "void") == 0)
        return move(cfg, st, a, verb);
    if (strcmp(verb, "pay") == 0)
        return pay(st, a);
    if (strcmp(verb, "show") == 0)
        return show(st, a, out);
    if (strcmp(verb, "list") == 0 && a->npos == 2)
        return list(st, a, out);
    if (strcmp(verb, "arrears") == 0 && a->npos == 2) {
        bo_rows_t r;
        kmsg_t msg = {{0}};
        return bo_cli_rows_done(st->ops->post->arrears(st->ctx, bo_arg(a, "site"), &r, &msg), &r, &msg, bo_arg(a, "csv") != NULL, out);
    }
    return usage();
}
