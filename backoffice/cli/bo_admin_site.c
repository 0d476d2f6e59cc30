/* Admin verbs on which meters a site's kiosks serve (docs/sync.md,
 * "Scope"): `site grant` gives a site one meter, or every meter of another
 * site (a neighbouring point selling while one is down); `site revoke`
 * ends a grant; `site grants` lists them; `meter site` moves a meter to
 * the site whose gateway it hangs on now. The domain (bo_scope.h) checks,
 * changes and audits. */
#include <stdio.h>
#include <string.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_scope.h"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice site grant SITE --meter METER|--from-site OTHER --reason TEXT\n"
                    "       backoffice site revoke SITE --meter METER|--from-site OTHER --reason TEXT\n"
                    "       backoffice site grants [--all] [--csv]\n"
                    "       backoffice meter site METER SITE --reason TEXT\n");
    return BO_EXIT_USAGE;
}

/* Reads SITE and exactly one of --meter and --from-site; false if bad. */
static bool read_grant(const bo_args_t *a, bo_grant_t *g)
{
    *g = (bo_grant_t){a->pos[2], bo_arg(a, "meter"), bo_arg(a, "from-site"), bo_arg(a, "reason")};
    return !g->meter != !g->from && g->reason && g->reason[0];
}

/* `site grant` (grant) or `site revoke`. */
static int change(bo_store_t *st, const bo_args_t *a, bool grant)
{
    bo_grant_t g;
    if (!read_grant(a, &g))
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    int64_t id = 0;
    char what[120], done[220];
    bo_grant_what(&g, what, sizeof what);
    kerr_t rc = grant ? bo_site_grant(st, &who, &g, &id, &msg) : bo_site_revoke(st, &who, &g, &id, &msg);
    if (grant)
        snprintf(done, sizeof done, "site %s may now serve %s (grant #%lld)", g.site, what, (long long)id);
    else
        snprintf(done, sizeof done, "site %s no longer serves %s (grant #%lld revoked)", g.site, what, (long long)id);
    return bo_cli_outcome(rc, &msg, done);
}

/* `meter site METER SITE --reason TEXT`: the meter now hangs on SITE's gateway. */
static int move_meter(bo_store_t *st, const bo_args_t *a)
{
    const char *meter = a->pos[2], *to = a->pos[3], *reason = bo_arg(a, "reason");
    if (!reason || !reason[0])
        return usage();
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    char done[160];
    snprintf(done, sizeof done, "meter %s is now on site %s", meter, to);
    return bo_cli_outcome(bo_meter_move(st, &who, meter, to, reason, &msg), &msg, done);
}

int bo_admin_site(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *verb = a->npos > 1 ? a->pos[1] : "";
    if (strcmp(a->pos[0], "meter") == 0 && strcmp(verb, "site") == 0 && a->npos == 4)
        return move_meter(st, a);
    if (strcmp(verb, "grant") == 0 && a->npos == 3)
        return change(st, a, true);
    if (strcmp(verb, "revoke") == 0 && a->npos == 3)
        return change(st, a, false);
    if (strcmp(verb, "grants") == 0 && a->npos == 2)
        return bo_cli_list(st, bo_arg(a, "all") ? BO_LIST_GRANTS_ALL : BO_LIST_GRANTS, a, out);
    return usage();
}
