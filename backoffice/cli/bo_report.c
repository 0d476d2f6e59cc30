/* `report ...`: sales by day, site or method, income, money, energy,
 * rejected rows, alerts and quarantine over a time range (sales, income
 * and money by the sites' local days), and the fleet's audit trail
 * filtered by kiosk, time and action (bo_report.h). */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_report.h"

/* --name as a time into *ms (left as it is if not given; a date alone is
 * its midnight on a clock utc_offset_ms ahead of UTC); false after saying
 * it is not a date like example. */
static bool time_opt(const bo_args_t *a, const char *name, const char *example, int64_t utc_offset_ms, int64_t *ms)
{
    const char *v = bo_arg(a, name);
    if (!v || bo_report_day_parse(v, utc_offset_ms, ms))
        return true;
    fprintf(stderr, "backoffice: --%s %s is not a date like %s\n", name, v, example);
    return false;
}

/* `report audit [--kiosk ID] [--since DATE] [--action A] [--csv]`. */
static int audit(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_list_args_t args = {.kiosk = bo_arg(a, "kiosk"), .action = bo_arg(a, "action")};
    if (a->npos != 2) {
        fprintf(stderr, "usage: backoffice report audit [--kiosk ID] [--since DATE] [--action A] [--csv]\n");
        return BO_EXIT_USAGE;
    }
    if (!time_opt(a, "since", "2026-11-01", 0, &args.from))
        return BO_EXIT_USAGE;
    return bo_cli_rows(st, BO_REPORT_AUDIT, &args, bo_arg(a, "csv") != NULL, out, "the report failed");
}

int bo_report(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *what = a->npos > 1 ? a->pos[1] : "";
    bo_list_args_t args = {.from = 0, .to = INT64_MAX};
    bo_listing_t listing;
    if (strcmp(what, "audit") == 0)
        return audit(st, a, out);
    bool one_meter = strcmp(what, "energy") == 0 && bo_arg(a, "meter");
    if (one_meter)
        args.id = bo_arg(a, "meter");
    if (one_meter ? !bo_report_meter_energy(bo_arg(a, "by"), &listing) : !bo_report_find(what, bo_arg(a, "by"), &listing)) {
        fprintf(stderr, "usage: backoffice report sales --by day|site|method [--csv] [--from DATE] [--to DATE]\n"
                        "       backoffice report income --by day|month|year [--csv] [--from DATE] [--to DATE]\n"
                        "       backoffice report energy|money|rejected|alerts|quarantine [--csv] [--from DATE] "
                        "[--to DATE]\n"
                        "       backoffice report energy --meter M [--by day|month|year] [--csv] [--from DATE] "
                        "[--to DATE]\n"
                        "       backoffice report audit [--kiosk ID] [--since DATE] [--action A] [--csv]\n");
        return BO_EXIT_USAGE;
    }
    if (bo_report_local(listing)) /* the sites' local days ([notices] utc_offset_minutes) */
        args.utc_offset_ms = cfg->notices.utc_offset_min * 60000;
    if (!time_opt(a, "from", "2026-11-01", args.utc_offset_ms, &args.from) ||
        !time_opt(a, "to", "2026-12-01", args.utc_offset_ms, &args.to))
        return BO_EXIT_USAGE;
    return bo_cli_rows(st, listing, &args, bo_arg(a, "csv") != NULL, out, "the report failed");
}
