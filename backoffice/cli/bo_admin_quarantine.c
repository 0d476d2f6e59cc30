/* Admin verbs on quarantine (docs/sync.md, "Quarantine"): `quarantine
 * list` shows the rows held for staff; `quarantine release ID` applies
 * one as if it had just come in (the rules skipped: staff looked at it);
 * `quarantine discard ID` drops it. The domain (bo_quarantine.h) decides
 * and audits; a refusal changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_quarantine.h"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice quarantine list [--all] [--csv]\n"
                    "       backoffice quarantine release ID --reason TEXT   apply the row as it came\n"
                    "       backoffice quarantine discard ID --reason TEXT   drop it\n");
    return BO_EXIT_USAGE;
}

/* Releases (release true) or discards held row ID. */
static int decide(bo_store_t *st, const bo_args_t *a, bool release)
{
    const char *reason = bo_arg(a, "reason");
    char *end;
    long long id = strtoll(a->pos[2], &end, 10);
    if (*end || id < 1 || !reason || !reason[0])
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t outcome = {{0}}, msg = {{0}};
    char done[320];
    kerr_t rc = bo_quarantine_decide(st, &who, id, release, reason, &outcome, &msg);
    snprintf(done, sizeof done, "quarantine #%lld: %s", id, outcome.text);
    return bo_cli_outcome(rc, &msg, done);
}

int bo_admin_quarantine(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *verb = a->npos > 1 ? a->pos[1] : "";
    if (strcmp(verb, "list") == 0 && a->npos == 2)
        return bo_cli_list(st, bo_arg(a, "all") ? BO_LIST_QUARANTINE_ALL : BO_LIST_QUARANTINE_HELD, a, out);
    if (strcmp(verb, "release") == 0 && a->npos == 3)
        return decide(st, a, true);
    if (strcmp(verb, "discard") == 0 && a->npos == 3)
        return decide(st, a, false);
    return usage();
}
