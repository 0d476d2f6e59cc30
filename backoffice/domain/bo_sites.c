/* Sites and which meters their kiosks serve (bo_scope.h; docs/sync.md,
 * "Scope"): a site added, a grant given or revoked, a meter moved to the
 * site whose gateway it hangs on now. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_scope.h"

kerr_t bo_site_add(bo_store_t *st, const char *id, const char *name, kmsg_t *msg)
{
    return st->ops->fleet->site_add(st->ctx, id, name, msg);
}

void bo_grant_what(const bo_grant_t *g, char *out, size_t len)
{
    if (g->meter)
        snprintf(out, len, "meter %s", g->meter);
    else
        snprintf(out, len, "the meters of site %s", g->from);
}

/* The meter's site; K_ENOTFOUND if it is not registered. */
static kerr_t home_of(bo_op_t *op, const char *meter, char home[65])
{
    bool found;
    kerr_t rc = op->st->ops->meters->meter_site(op->st->ctx, meter, home, &found, op->msg);
    if (rc == K_OK && !found)
        return kmsg_set(op->msg, K_ENOTFOUND, "meter %s is not registered; see `backoffice meter list`", meter);
    return rc;
}

/* The site exists; the meter (or the other site) too, and is not the
 * site's own already. */
static kerr_t grantable(bo_op_t *op, const bo_grant_t *g)
{
    char site[65], home[65];
    kerr_t rc = bo_site_pick(op->st, g->site, site, op->msg);
    if (rc == K_OK && g->from)
        rc = bo_site_pick(op->st, g->from, site, op->msg);
    if (rc == K_OK && g->from && strcmp(g->from, g->site) == 0)
        return kmsg_set(op->msg, K_EINVAL, "site %s serves its own meters already", g->site);
    if (rc || !g->meter)
        return rc;
    rc = home_of(op, g->meter, home);
    if (rc == K_OK && strcmp(home, g->site) == 0)
        return kmsg_set(op->msg, K_ESTATE, "meter %s is on site %s already: its kiosks serve it", g->meter, g->site);
    return rc;
}

static kerr_t live(bo_op_t *op, const bo_grant_t *g, int64_t *id)
{
    return op->st->ops->meters->grant_live(op->st->ctx, g->site, g->from ? g->from : "", g->meter ? g->meter : "",
                                           id, op->msg);
}

kerr_t bo_site_grant(bo_store_t *st, const bo_who_t *who, const bo_grant_t *g, int64_t *id, kmsg_t *msg)
{
    bo_op_t op;
    char what[120];
    bo_grant_what(g, what, sizeof what);
    bo_grant_rec_t r = {g->site, g->from ? g->from : "", g->meter ? g->meter : "", g->reason, who->actor, who->now};
    *id = 0;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = grantable(&op, g);
    if (rc == K_OK)
        rc = live(&op, g, id);
    if (rc == K_OK && *id)
        rc = kmsg_set(msg, K_ECONFLICT, "site %s has %s granted already (grant #%lld): nothing to do", g->site, what,
                      (long long)*id);
    if (rc == K_OK)
        rc = st->ops->meters->grant_add(st->ctx, &r, msg);
    if (rc == K_OK)
        rc = live(&op, g, id);
    return bo_op_end(&op, rc, "site.grant", g->site, g->reason, what, NULL, NULL);
}

kerr_t bo_site_revoke(bo_store_t *st, const bo_who_t *who, const bo_grant_t *g, int64_t *id, kmsg_t *msg)
{
    bo_op_t op;
    char what[120];
    bo_grant_what(g, what, sizeof what);
    *id = 0;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = live(&op, g, id);
    if (rc == K_OK && !*id)
        rc = kmsg_set(msg, K_ENOTFOUND, "site %s has no grant of %s; see `backoffice site grants`", g->site, what);
    if (rc == K_OK)
        rc = st->ops->meters->grant_revoke(st->ctx, *id, who->now, who->actor, g->reason, msg);
    return bo_op_end(&op, rc, "site.revoke", g->site, g->reason, what, NULL, NULL);
}

kerr_t bo_meter_move(bo_store_t *st, const bo_who_t *who, const char *meter, const char *to, const char *reason,
                     kmsg_t *msg)
{
    bo_op_t op;
    char site[65], home[65] = "", detail[160];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo_site_pick(st, to, site, msg);
    if (rc == K_OK)
        rc = home_of(&op, meter, home);
    if (rc == K_OK && strcmp(home, to) == 0)
        rc = kmsg_set(msg, K_ESTATE, "meter %s is on site %s already: nothing to do", meter, to);
    if (rc == K_OK)
        rc = st->ops->meters->meter_set_site(st->ctx, meter, to, msg);
    snprintf(detail, sizeof detail, "site %s -> %s", home[0] ? home : "(none)", to);
    return bo_op_end(&op, rc, "meter.site", meter, reason, detail, NULL, NULL);
}
