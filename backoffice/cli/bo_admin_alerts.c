/* Alerts for staff (docs/collector.md, "The back office's view of
 * meters"): `alerts [--open] [--csv]` lists what kiosks uploaded and the
 * back office's own with their state; `alert ack ID --operator NAME
 * --reason TEXT` acknowledges one (audited). The domain (bo_alerts.h)
 * decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_alerts.h"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice alerts [--open] [--csv]\n"
                    "       backoffice alert ack ID --operator NAME --reason TEXT\n");
    return BO_EXIT_USAGE;
}

static int ack(bo_store_t *st, const bo_args_t *a)
{
    const char *name = bo_arg(a, "operator"), *reason = bo_arg(a, "reason");
    char *end, actor[96], done[64];
    long long id = strtoll(a->pos[2], &end, 10);
    if (*end || id < 1 || !name || !name[0] || !reason || !reason[0])
        return usage();
    snprintf(actor, sizeof actor, "operator:%s", name);
    bo_who_t who = {actor, bo_clock_wall_ms()};
    kmsg_t msg = {{0}};
    snprintf(done, sizeof done, "alert #%lld acknowledged", id);
    return bo_cli_outcome(bo_alert_ack(st, &who, id, reason, &msg), &msg, done);
}

int bo_admin_alerts(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (strcmp(a->pos[0], "alerts") == 0 && a->npos == 1) {
        bo_list_args_t args = {.open_only = bo_arg(a, "open") != NULL};
        return bo_cli_rows(st, BO_LIST_ALERTS, &args, bo_arg(a, "csv") != NULL, out, "listing the alerts failed");
    }
    if (strcmp(a->pos[0], "alert") == 0 && a->npos == 3 && strcmp(a->pos[1], "ack") == 0)
        return ack(st, a);
    return usage();
}
