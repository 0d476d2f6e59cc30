/* Meters entering and leaving service on an account (docs/accounts.md):
 * `meter install` and `meter remove`, the domain's bo_meter_install and
 * bo_meter_remove. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_account.h"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice meter install METER --account ID --protocol dlt645|modbus --gateway HOST:PORT "
                    "[--kind electricity|water] [--tariff ID] [--site SITE]\n"
                    "       backoffice meter remove METER --final-reading N [--balance AMOUNT] --reason TEXT\n"
                    "  N: the register at removal (Wh or litres); AMOUNT: credit left on the meter, minor units,\n"
                    "  kept in its account's carried balance\n");
    return BO_EXIT_USAGE;
}

static int install(bo_store_t *st, const bo_args_t *a)
{
    const char *meter = a->pos[2], *account = bo_arg(a, "account");
    bo_meter_spec_t spec = {bo_arg(a, "protocol"), bo_arg(a, "gateway"), bo_arg(a, "kind"), bo_arg(a, "tariff"),
                            bo_arg(a, "site")};
    if (!account || !spec.protocol || !spec.gateway || !bo_id_valid(meter, 32))
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_meter_install(st, &who, meter, account, &spec, bo_arg(a, "reason"), &msg);
    return bo_cli_outcome(rc, &msg, "meter installed");
}

static int remove_meter(bo_store_t *st, const bo_args_t *a)
{
    const char *meter = a->pos[2], *reading = bo_arg(a, "final-reading"), *reason = bo_arg(a, "reason");
    const char *balance = bo_arg(a, "balance");
    if (!reading || !bo_cli_number(reading) || !reason || !reason[0] || (balance && !bo_cli_number(balance)))
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_meter_remove(st, &who, meter, strtoll(reading, NULL, 10), balance ? strtoll(balance, NULL, 10) : 0,
                                reason, &msg);
    return bo_cli_outcome(rc, &msg, "meter removed from service");
}

int bo_admin_meter_service(bo_store_t *st, const bo_args_t *a)
{
    if (a->npos == 3 && strcmp(a->pos[1], "install") == 0)
        return install(st, a);
    if (a->npos == 3 && strcmp(a->pos[1], "remove") == 0)
        return remove_meter(st, a);
    return usage();
}
