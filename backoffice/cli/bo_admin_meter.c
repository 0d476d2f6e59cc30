/* Admin verbs: meters (the registry), blocked cards, tariffs, each
 * kiosk's settings (offline limits among them) and purchase counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_account.h"
#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_billing.h"
#include "backoffice/domain/bo_counts.h"
#include "backoffice/domain/bo_docs.h"

static bool is(const bo_args_t *a, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[1], verb) == 0;
}

/* `meter add`: registers a meter (again) on its site, the site whose
 * gateway it hangs on; audited, the registry moved forward. */
static int add(bo_store_t *st, const bo_args_t *a)
{
    bo_meter_spec_t spec = {bo_arg(a, "protocol"), bo_arg(a, "gateway"), bo_arg(a, "kind"), bo_arg(a, "tariff"),
                            bo_arg(a, "site")};
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_meter_add(st, &who, a->pos[2], bo_arg(a, "customer"), &spec, &msg);
    return bo_cli_outcome(rc, &msg, "meter registered");
}

/* `meter show METER` and `meter list [--site S]`: each meter's latest
 * state (docs/collector.md, "The back office's view of meters"). */
static int meter_state(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bool one = is(a, "show", 3);
    const char *site = bo_arg(a, "site");
    bo_list_args_t args = {.id = one ? a->pos[2] : site ? site : "", .from = bo_clock_wall_ms()};
    return bo_cli_rows(st, one ? BO_LIST_METER_ONE : BO_LIST_METERS, &args, bo_arg(a, "csv") != NULL, out,
                       "listing the meters failed");
}

static int meter(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (is(a, "add", 3) && bo_arg(a, "customer") && bo_arg(a, "protocol") && bo_arg(a, "gateway") &&
        bo_id_valid(a->pos[2], 32))
        return add(st, a);
    if (is(a, "install", 3) || is(a, "remove", 3))
        return bo_admin_meter_service(st, a);
    if (is(a, "site", 4))
        return bo_admin_site(st, a, out);
    if (is(a, "list", 2) || is(a, "show", 3))
        return meter_state(st, a, out);
    return bo_cli_usage("meter add METER --customer ID --protocol dlt645|modbus --gateway HOST:PORT "
                        "[--kind electricity|water] [--tariff ID] [--site SITE] | meter install METER --account ID "
                        "... | meter remove METER --final-reading N --reason TEXT | meter site METER SITE --reason "
                        "TEXT | meter list [--site S] | meter show METER");
}

static int card(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    kmsg_t msg = {{0}};
    if (is(a, "block", 3) && strlen(a->pos[2]) == 16) {
        kerr_t rc = bo_card_block(st, bo_clock_wall_ms(), a->pos[2], bo_arg(a, "reason"), &msg);
        return bo_cli_outcome(rc, &msg, "card blocked");
    }
    if (is(a, "unblock", 3))
        return bo_cli_outcome(bo_card_unblock(st, a->pos[2], &msg), &msg, "card unblocked");
    if (is(a, "list", 2))
        return bo_cli_list(st, BO_LIST_CARDS, a, out);
    return bo_cli_usage("card block SERIAL [--reason TEXT] | card unblock SERIAL | card list");
}

/* `tariff set ... --from DATE`: a version in force from that local
 * day's midnight (docs/billing.md, "The money"). */
static int tariff_version(bo_store_t *st, const bo_args_t *a, kmsg_t *msg)
{
    int64_t day, end;
    bo_tariff_ver_t v = {a->pos[2], a->pos[3], a->pos[4], 0};
    if (!bo_bill_day_parse(bo_arg(a, "from"), &day))
        return bo_cli_usage("tariff set ID CURRENCY TEXT --from YYYY-MM-DD (a local date)");
    bo_billing_day_bounds(day, &v.from, &end);
    bo_who_t who = bo_cli_user();
    return bo_cli_outcome(bo_tariff_version_set(st, &who, &v, msg), msg, "tariff version set");
}

/* The text must be a tariff the kiosk can read (docs/money.md). */
static int tariff(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    kmsg_t msg = {{0}};
    if (is(a, "set", 5) && bo_id_valid(a->pos[2], 64)) {
        if (bo_tariff_check(a->pos[3], a->pos[4], &msg) != K_OK) {
            fprintf(stderr, "backoffice: %s\n", msg.text);
            return BO_EXIT_USAGE;
        }
        if (bo_arg(a, "from"))
            return tariff_version(st, a, &msg);
        return bo_cli_outcome(bo_tariff_set(st, a->pos[2], a->pos[3], a->pos[4], &msg), &msg, "tariff set");
    }
    if (is(a, "list", 2))
        return bo_cli_list(st, BO_LIST_TARIFFS, a, out);
    if (a->npos <= 3 && strcmp(a->pos[1], "versions") == 0) {
        bo_rows_t rows;
        kerr_t rc = st->ops->tariffv->rows(st->ctx, a->npos == 3 ? a->pos[2] : "", &rows, &msg);
        return bo_cli_rows_done(rc, &rows, &msg, bo_arg(a, "csv") != NULL, out);
    }
    return bo_cli_usage("tariff set ID CURRENCY 'single 0.5283' [--from DATE] | tariff list | tariff versions [ID]");
}

/* Staff settle a lease whose sale will never finish (a kiosk gone for
 * good) before it ends by time: only once sure its count is not on the
 * meter. */
static int count(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    kmsg_t msg = {{0}};
    if (is(a, "release", 3))
        return bo_cli_outcome(bo_count_drop(st, a->pos[2], &msg), &msg,
                              "lease released: the meter's next count goes to the next sale");
    if (is(a, "list", 2))
        return bo_cli_list(st, BO_LIST_COUNTS, a, out);
    return bo_cli_usage("count list | count release METER");
}

/* A setting's value in its range; false after listing the settings. */
static bool setting_value(const char *key, const char *text, long long *v)
{
    const bo_setting_def_t *d = bo_setting(key);
    char *end;
    *v = strtoll(text, &end, 10);
    if (d && !*end && text[0] && *v >= d->min && *v <= d->max)
        return true;
    fprintf(stderr, "backoffice: %s is not a setting, or %s is out of its range; the settings:\n", key, text);
    for (d = bo_settings(); d->key; d++)
        fprintf(stderr, "  %-22s %lld..%lld  %s\n", d->key, (long long)d->min, (long long)d->max, d->meaning);
    return false;
}

static int settings(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    kmsg_t msg = {{0}};
    long long v;
    if (is(a, "set", 5) && !setting_value(a->pos[3], a->pos[4], &v))
        return BO_EXIT_USAGE;
    if (is(a, "set", 5))
        return bo_cli_outcome(bo_setting_set(st, a->pos[2], a->pos[3], v, &msg), &msg, "setting changed");
    if (is(a, "list", 2))
        return bo_cli_list(st, BO_LIST_SETTINGS, a, out);
    return bo_cli_usage("settings set KIOSK KEY VALUE | settings list");
}

int bo_admin_meter(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *noun = a->pos[0];
    if (strcmp(noun, "meter") == 0)
        return meter(st, a, out);
    if (strcmp(noun, "card") == 0)
        return card(st, a, out);
    if (strcmp(noun, "tariff") == 0)
        return tariff(st, a, out);
    if (strcmp(noun, "settings") == 0)
        return settings(st, a, out);
    if (strcmp(noun, "count") == 0)
        return count(st, a, out);
    return bo_cli_usage("site|kiosk|customer|meter|card|tariff|settings|count VERB ... (see --help)");
}
