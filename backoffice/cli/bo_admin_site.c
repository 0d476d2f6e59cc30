/* Admin verbs on which meters a site's kiosks serve (docs/sync.md, "Scope"):
 * `site grant` gives a site one meter, or every meter of another site (a
 * neighbouring point selling while one is down); `site revoke` ends a
 * grant; `site grants` lists them; `meter site` moves a meter to the site
 * whose gateway it hangs on now. Each change is one transaction with its
 * audit row; a refusal changes nothing and says why. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_scope.h"

#define NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice site grant SITE --meter METER|--from-site OTHER --reason TEXT\n"
                    "       backoffice site revoke SITE --meter METER|--from-site OTHER --reason TEXT\n"
                    "       backoffice site grants [--all] [--csv]\n"
                    "       backoffice meter site METER SITE --reason TEXT\n");
    return BO_EXIT_USAGE;
}

/* What a grant gives the site: one meter, or every meter of another site. */
typedef struct what {
    const char *site, *meter, *from;
    char text[120]; /* "meter M" or "the meters of site S2" */
} what_t;

/* Reads SITE and exactly one of --meter and --from-site; false if bad. */
static bool read_what(const bo_args_t *a, what_t *w)
{
    w->site = a->pos[2];
    w->meter = bo_arg(a, "meter");
    w->from = bo_arg(a, "from-site");
    if (!w->meter == !w->from || !bo_arg(a, "reason") || !bo_arg(a, "reason")[0])
        return false;
    if (w->meter)
        snprintf(w->text, sizeof w->text, "meter %s", w->meter);
    else
        snprintf(w->text, sizeof w->text, "the meters of site %s", w->from);
    return true;
}

/* The live grant of w, if any: its number in id ("" if none). */
static kerr_t live_grant(bo_acct_op_t *op, const what_t *w, char id[24], bool *found)
{
    const char *p[] = {w->site, w->from ? w->from : "", w->meter ? w->meter : ""};
    return bo_acct_text(op,
                        "SELECT id FROM site_grant WHERE site = ? AND from_site = ? AND meter = ? "
                        "AND revoked_at IS NULL",
                        p, 3, id, 24, found);
}

/* The site exists; the meter (or the other site) too, and is not the
 * site's own already. */
static kerr_t check_grantable(bo_acct_op_t *op, const what_t *w)
{
    char site[65], home[65];
    bool found;
    kerr_t rc = bo_site_pick(op->db, w->site, site, &op->msg);
    if (rc == K_OK && w->from)
        rc = bo_site_pick(op->db, w->from, site, &op->msg);
    if (rc == K_OK && w->from && strcmp(w->from, w->site) == 0)
        return kmsg_set(&op->msg, K_EINVAL, "site %s serves its own meters already", w->site);
    if (rc || !w->meter)
        return rc;
    const char *p[] = {w->meter};
    rc = bo_acct_text(op, "SELECT site FROM meter WHERE id = ?", p, 1, home, sizeof home, &found);
    if (rc == K_OK && !found)
        return kmsg_set(&op->msg, K_ENOTFOUND, "meter %s is not registered; see `backoffice meter list`", w->meter);
    if (rc == K_OK && strcmp(home, w->site) == 0)
        return kmsg_set(&op->msg, K_ESTATE, "meter %s is on site %s already: its kiosks serve it", w->meter, w->site);
    return rc;
}

static int grant(sqlite3 *db, const bo_args_t *a)
{
    what_t w;
    if (!read_what(a, &w))
        return usage();
    bo_acct_op_t op;
    char id[24] = "", done[200];
    bool found = false;
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = check_grantable(&op, &w);
    if (rc == K_OK)
        rc = live_grant(&op, &w, id, &found);
    if (rc == K_OK && found)
        rc = kmsg_set(&op.msg, K_ECONFLICT, "site %s has %s granted already (grant #%s): nothing to do", w.site,
                      w.text, id);
    const char *p[] = {w.site, w.from ? w.from : "", w.meter ? w.meter : "", bo_arg(a, "reason"), op.actor};
    if (rc == K_OK)
        rc = bo_acct_sql(&op,
                         "INSERT INTO site_grant(site, from_site, meter, reason, granted_at, granted_by) "
                         "VALUES (?, ?, ?, ?, " NOW_MS ", ?)",
                         p, 5);
    if (rc == K_OK)
        rc = live_grant(&op, &w, id, &found);
    snprintf(done, sizeof done, "site %s may now serve %s (grant #%s)", w.site, w.text, id);
    if (bo_acct_finish(&op, rc, "site.grant", w.site, bo_arg(a, "reason"), w.text) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    printf("%s\n", done);
    return BO_EXIT_OK;
}

static int revoke(sqlite3 *db, const bo_args_t *a)
{
    what_t w;
    if (!read_what(a, &w))
        return usage();
    bo_acct_op_t op;
    char id[24] = "";
    bool found = false;
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = live_grant(&op, &w, id, &found);
    if (rc == K_OK && !found)
        rc = kmsg_set(&op.msg, K_ENOTFOUND, "site %s has no grant of %s; see `backoffice site grants`", w.site,
                      w.text);
    const char *p[] = {id, op.actor, bo_arg(a, "reason")};
    if (rc == K_OK)
        rc = bo_acct_sql(&op,
                         "UPDATE site_grant SET revoked_at = " NOW_MS ", revoked_by = ?2, revoke_reason = ?3 "
                         "WHERE id = CAST(?1 AS INTEGER)",
                         p, 3);
    if (bo_acct_finish(&op, rc, "site.revoke", w.site, bo_arg(a, "reason"), w.text) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    printf("site %s no longer serves %s (grant #%s revoked)\n", w.site, w.text, id);
    return BO_EXIT_OK;
}

static int grants(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    return bo_list(db,
                   bo_arg(a, "all")
                       ? "SELECT id, site, from_site, meter, reason, granted_by, "
                         "strftime('%Y-%m-%dT%H:%M:%SZ', granted_at / 1000, 'unixepoch') AS granted, revoked_by, "
                         "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at / 1000, 'unixepoch'), '') AS revoked, "
                         "revoke_reason FROM site_grant ORDER BY id"
                       : "SELECT id, site, from_site, meter, reason, granted_by, "
                         "strftime('%Y-%m-%dT%H:%M:%SZ', granted_at / 1000, 'unixepoch') AS granted "
                         "FROM site_grant WHERE revoked_at IS NULL ORDER BY id",
                   a, out);
}

/* `meter site METER SITE --reason TEXT`: the meter now hangs on SITE's gateway. */
static int move_meter(sqlite3 *db, const bo_args_t *a)
{
    const char *meter = a->pos[2], *to = a->pos[3], *reason = bo_arg(a, "reason");
    if (!reason || !reason[0])
        return usage();
    bo_acct_op_t op;
    char site[65], home[65] = "", detail[160];
    bool found = false;
    const char *p[] = {meter, to};
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = bo_site_pick(db, to, site, &op.msg);
    if (rc == K_OK)
        rc = bo_acct_text(&op, "SELECT site FROM meter WHERE id = ?", p, 1, home, sizeof home, &found);
    if (rc == K_OK && !found)
        rc = kmsg_set(&op.msg, K_ENOTFOUND, "meter %s is not registered; see `backoffice meter list`", meter);
    if (rc == K_OK && strcmp(home, to) == 0)
        rc = kmsg_set(&op.msg, K_ESTATE, "meter %s is on site %s already: nothing to do", meter, to);
    if (rc == K_OK)
        rc = bo_acct_sql(&op, "UPDATE meter SET site = ?2 WHERE id = ?1", p, 2);
    snprintf(detail, sizeof detail, "site %s -> %s", home[0] ? home : "(none)", to);
    if (bo_acct_finish(&op, rc, "meter.site", meter, reason, detail) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    printf("meter %s is now on site %s\n", meter, to);
    return BO_EXIT_OK;
}

int bo_admin_site(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *verb = a->npos > 1 ? a->pos[1] : "";
    if (strcmp(a->pos[0], "meter") == 0 && strcmp(verb, "site") == 0 && a->npos == 4)
        return move_meter(db, a);
    if (strcmp(verb, "grant") == 0 && a->npos == 3)
        return grant(db, a);
    if (strcmp(verb, "revoke") == 0 && a->npos == 3)
        return revoke(db, a);
    if (strcmp(verb, "grants") == 0 && a->npos == 2)
        return grants(db, a, out);
    return usage();
}
