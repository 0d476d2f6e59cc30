/* Admin verbs on quarantine (docs/sync.md, "Quarantine"): `quarantine
 * list` shows the rows held for staff; `quarantine release ID` applies
 * one as if it had just come in (the rules skipped: staff looked at it);
 * `quarantine discard ID` drops it. Each decision is one transaction with
 * its audit row; a refusal changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_quarantine.h"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice quarantine list [--all] [--csv]\n"
                    "       backoffice quarantine release ID --reason TEXT   apply the row as it came\n"
                    "       backoffice quarantine discard ID --reason TEXT   drop it\n");
    return BO_EXIT_USAGE;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Releases (release true) or discards held row ID. */
static int decide(sqlite3 *db, const bo_args_t *a, bool release)
{
    const char *reason = bo_arg(a, "reason");
    char *end;
    long long id = strtoll(a->pos[2], &end, 10);
    if (*end || id < 1 || !reason || !reason[0])
        return usage();
    bo_acct_op_t op;
    kmsg_t outcome = {{0}};
    char target[40];
    snprintf(target, sizeof target, "quarantine #%lld", id);
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = release ? bo_quarantine_release(db, id, op.actor, reason, wall_ms(), &outcome, &op.msg)
                     : bo_quarantine_discard(db, id, op.actor, reason, wall_ms(), &outcome, &op.msg);
    if (bo_acct_finish(&op, rc, release ? "quarantine.release" : "quarantine.discard", target, reason,
                       outcome.text) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    printf("%s: %s\n", target, outcome.text);
    return BO_EXIT_OK;
}

int bo_admin_quarantine(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *verb = a->npos > 1 ? a->pos[1] : "";
    if (strcmp(verb, "list") == 0 && a->npos == 2)
        return bo_list(db, bo_quarantine_list_sql(bo_arg(a, "all") != NULL), a, out);
    if (strcmp(verb, "release") == 0 && a->npos == 3)
        return decide(db, a, true);
    if (strcmp(verb, "discard") == 0 && a->npos == 3)
        return decide(db, a, false);
    return usage();
}
