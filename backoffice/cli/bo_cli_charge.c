/* Other charges and apportionment on the command line (docs/billing.md,
 * "Other charges", "Apportionment"): `charge add|list|apply|applied`,
 * `apportion group add|show`, `apportion run`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_apportion.h"
#include "backoffice/domain/bo_charge.h"

static int usage(void)
{
    return bo_cli_usage(
        "charge add ID --site S --name NAME --fixed AMOUNT|--per-m2 AMOUNT --every month|once | "
        "charge list [--site S] [--csv] | charge apply --site S --period YYYY-MM | "
        "charge applied --account A|--site S [--csv] | "
        "apportion group add G --site S --master M --subs M1[:W],M2[:W],... --common residual|master "
        "--split ratio|area|usage --price AMOUNT_PER_KWH | apportion group show G [--csv] | "
        "apportion run --group G --period YYYY-MM");
}

bool bo_cli_charge_verb(const bo_args_t *a)
{
    return a->npos >= 1 && (strcmp(a->pos[0], "charge") == 0 || strcmp(a->pos[0], "apportion") == 0);
}

static int item_add(bo_store_t *st, const bo_args_t *a)
{
    bo_charge_item_t c = {0};
    const char *fixed = bo_arg(a, "fixed"), *area = bo_arg(a, "per-m2");
    if ((fixed != NULL) == (area != NULL) || !bo_cli_int_opt(a, fixed ? "fixed" : "per-m2", 0, &c.rate) ||
        !bo_id_valid(a->pos[2], 32) || !bo_arg(a, "site") || !bo_arg(a, "name") || !bo_arg(a, "every"))
        return usage();
    snprintf(c.id, sizeof c.id, "%s", a->pos[2]);
    snprintf(c.site, sizeof c.site, "%s", bo_arg(a, "site"));
    snprintf(c.name, sizeof c.name, "%s", bo_arg(a, "name"));
    snprintf(c.basis, sizeof c.basis, "%s", fixed ? "fixed" : "area");
    snprintf(c.every, sizeof c.every, "%s", bo_arg(a, "every"));
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    char done[96];
    snprintf(done, sizeof done, "charge item %s added to site %s", c.id, c.site);
    return bo_cli_outcome_args(bo_charge_add(st, &who, &c, &msg), &msg, done);
}

static int apply(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_charge_stats_t s;
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    kerr_t rc = bo_charge_apply(st, &who, bo_arg(a, "site"), bo_arg(a, "period"), &s, &msg);
    if (rc)
        return bo_cli_outcome_args(rc, &msg, NULL);
    fprintf(out, "applied %lld charges (%lld deducted, %lld billed) for %lld; %lld applied before, %lld came to 0\n",
            (long long)s.applied, (long long)s.deducted, (long long)s.billed, (long long)s.amount, (long long)s.again,
            (long long)s.zero);
    return BO_EXIT_OK;
}

/* "M1:2,M2,M3:1" into subs (weight 1 when not given); false if malformed. */
static bool parse_subs(char *text, bo_apportion_sub_t *subs, int max, int *n)
{
    *n = 0;
    for (char *save = NULL, *t = strtok_r(text, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(t, ':'), *end = NULL;
        if (*n == max)
            return false;
        subs[*n] = (bo_apportion_sub_t){t, 1};
        if (colon) {
            *colon = '\0';
            subs[*n].weight = strtoll(colon + 1, &end, 10);
            if (end == colon + 1 || *end || subs[*n].weight < 0)
                return false;
        }
        if (!bo_id_valid(t, 32))
            return false;
        (*n)++;
    }
    return *n > 0;
}

static int group_add(bo_store_t *st, const bo_args_t *a)
{
    static bo_apportion_sub_t subs[BO_APPORTION_MAX];
    static char list[16384];
    bo_apportion_group_t g = {0};
    int n = 0;
    const char *need[] = {"site", "master", "subs", "common", "split"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!bo_arg(a, need[i]))
            return usage();
    snprintf(list, sizeof list, "%s", bo_arg(a, "subs"));
    if (!bo_id_valid(a->pos[3], 32) || !bo_cli_int_opt(a, "price", -1, &g.price) ||
        !parse_subs(list, subs, BO_APPORTION_MAX, &n))
        return usage();
    snprintf(g.id, sizeof g.id, "%s", a->pos[3]);
    snprintf(g.site, sizeof g.site, "%s", bo_arg(a, "site"));
    snprintf(g.master, sizeof g.master, "%s", bo_arg(a, "master"));
    snprintf(g.common, sizeof g.common, "%s", bo_arg(a, "common"));
    snprintf(g.split, sizeof g.split, "%s", bo_arg(a, "split"));
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    char done[96];
    snprintf(done, sizeof done, "apportionment group %s added with %d sub-meters", g.id, n);
    return bo_cli_outcome_args(bo_apportion_add(st, &who, &g, subs, n, &msg), &msg, done);
}

static int run(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_apportion_result_t r;
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    kerr_t rc = bo_apportion_run(st, &who, bo_arg(a, "group"), bo_arg(a, "period"), &r, &msg);
    if (rc)
        return bo_cli_outcome_args(rc, &msg, NULL);
    if (r.again) {
        fprintf(out, "group %s ran for %s before: nothing done\n", bo_arg(a, "group"), bo_arg(a, "period"));
        return BO_EXIT_OK;
    }
    fprintf(out, "master %lld, sub-meters %lld, common %lld: %lld shared between %d accounts\n", (long long)r.master,
            (long long)r.subs, (long long)r.common, (long long)r.amount, r.parts);
    if (r.warning[0])
        fprintf(stderr, "backoffice: warning: %s\n", r.warning);
    return BO_EXIT_OK;
}

int bo_cli_charge(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_rows_t r;
    kmsg_t msg = {{0}};
    if (bo_cli_is(a, "charge", "add", 3))
        return item_add(st, a);
    if (bo_cli_is(a, "charge", "list", 2))
        return bo_cli_rows_done(st->ops->charge->items(st->ctx, bo_arg(a, "site"), &r, &msg), &r, &msg, bo_arg(a, "csv") != NULL, out);
    if (bo_cli_is(a, "charge", "apply", 2))
        return apply(st, a, out);
    if (bo_cli_is(a, "charge", "applied", 2) && (bo_arg(a, "account") || bo_arg(a, "site")))
        return bo_cli_rows_done(st->ops->charge->charges(st->ctx, bo_arg(a, "account"), bo_arg(a, "site"), &r, &msg),
                                &r, &msg, bo_arg(a, "csv") != NULL, out);
    if (a->npos == 4 && bo_cli_is(a, "apportion", "group", 4) && strcmp(a->pos[2], "add") == 0)
        return group_add(st, a);
    if (a->npos == 4 && bo_cli_is(a, "apportion", "group", 4) && strcmp(a->pos[2], "show") == 0)
        return bo_cli_rows_done(st->ops->charge->group_rows(st->ctx, a->pos[3], &r, &msg), &r, &msg, bo_arg(a, "csv") != NULL, out);
    if (bo_cli_is(a, "apportion", "run", 2))
        return run(st, a, out);
    return usage();
}
