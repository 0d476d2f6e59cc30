/* Daily billing on the command line (docs/billing.md): `billing run` and
 * `billing report`. */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_billing.h"

static int usage(void)
{
    return bo_cli_usage("billing run [--day YYYY-MM-DD] [--site S] | billing report --account A|--site S|--meter M "
                        "--from YYYY-MM-DD --to YYYY-MM-DD [--csv]");
}

bool bo_cli_billing_verb(const bo_args_t *a)
{
    return a->npos >= 1 && strcmp(a->pos[0], "billing") == 0;
}

static int run(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_bill_stats_t s;
    kmsg_t msg = {{0}};
    const char *day = bo_arg(a, "day"), *site = bo_arg(a, "site");
    int64_t now = bo_clock_wall_ms();
    kerr_t rc = day ? bo_billing_run_day(st, day, site, now, &s, &msg)
                    : bo_billing_run_pending(st, site, now, true, &s, &msg);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return rc == K_EINVAL ? BO_EXIT_USAGE : BO_EXIT_FAIL;
    }
    fprintf(out, "billed %lld meter-days: %lld rows stored, %lld without readings, %lld without a tariff\n",
            (long long)s.days, (long long)s.rows, (long long)s.idle, (long long)s.no_tariff);
    return BO_EXIT_OK;
}

static int report(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_bill_by_t by;
    const char *id;
    if (!bo_billing_by(bo_arg(a, "account"), bo_arg(a, "site"), bo_arg(a, "meter"), &by, &id) || !bo_arg(a, "from") ||
        !bo_arg(a, "to"))
        return usage();
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_billing_report(st, by, id, bo_arg(a, "from"), bo_arg(a, "to"), &rows, &msg);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return rc == K_EINVAL ? BO_EXIT_USAGE : BO_EXIT_FAIL;
    }
    bo_rows_write(&rows, bo_arg(a, "csv") != NULL, out);
    bo_rows_free(&rows);
    return BO_EXIT_OK;
}

int bo_cli_billing(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (a->npos == 2 && strcmp(a->pos[1], "run") == 0)
        return run(st, a, out);
    if (a->npos == 2 && strcmp(a->pos[1], "report") == 0)
        return report(st, a, out);
    return usage();
}
