/* Finding a report by its name (bo_report.h); its rows from the store. */
#include "backoffice/domain/bo_report.h"

#include <string.h>

#include "backoffice/base/bo_json.h"

bool bo_report_find(const char *what, const char *by, bo_listing_t *out)
{
    static const struct {
        const char *what, *by;
        bo_listing_t listing;
    } reports[] = {
        {"sales", "day", BO_REPORT_SALES_DAY},     {"sales", "site", BO_REPORT_SALES_SITE},
        {"sales", "method", BO_REPORT_SALES_METHOD}, {"energy", NULL, BO_REPORT_ENERGY},
        {"rejected", NULL, BO_REPORT_REJECTED},    {"alerts", NULL, BO_REPORT_ALERTS},
        {"quarantine", NULL, BO_REPORT_QUARANTINE},  {"income", "day", BO_REPORT_INCOME_DAY},
        {"income", "month", BO_REPORT_INCOME_MONTH}, {"income", "year", BO_REPORT_INCOME_YEAR},
        {"money", NULL, BO_REPORT_MONEY},
    };
    if ((strcmp(what, "sales") == 0 || strcmp(what, "income") == 0) && !by)
        by = "day";
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
        if (strcmp(reports[i].what, what) == 0 && (!reports[i].by || strcmp(reports[i].by, by) == 0)) {
            *out = reports[i].listing;
            return true;
        }
    return false;
}

bool bo_report_meter_energy(const char *by, bo_listing_t *out)
{
    if (!by || strcmp(by, "month") == 0)
        *out = BO_REPORT_METER_MONTH;
    else if (strcmp(by, "day") == 0)
        *out = BO_REPORT_METER_DAY;
    else if (strcmp(by, "year") == 0)
        *out = BO_REPORT_METER_YEAR;
    else
        return false;
    return true;
}

bool bo_report_local(bo_listing_t what)
{
    static const bo_listing_t local[] = {BO_REPORT_SALES_DAY,    BO_REPORT_SALES_SITE,    BO_REPORT_SALES_METHOD,
                                         BO_REPORT_INCOME_DAY,   BO_REPORT_INCOME_MONTH,  BO_REPORT_INCOME_YEAR,
                                         BO_REPORT_MONEY};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
        if (local[i] == what)
            return true;
    return false;
}

bool bo_report_day_parse(const char *text, int64_t utc_offset_ms, int64_t *ms)
{
    if (!bo_time_parse(text, ms))
        return false;
    if (strlen(text) == 10) /* YYYY-MM-DD: the day's local midnight */
        *ms -= utc_offset_ms;
    return true;
}

kerr_t bo_report_rows(bo_store_t *st, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg)
{
    return st->ops->list(st->ctx, what, args, out, msg);
}
