/* What an operator may change about staff over the API (bo_staff.h): an
 * organisation's staff manage only the operators of their organisation and
 * of those under it, and no one grants a permission it does not hold. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_report.h"
#include "backoffice/domain/bo_staff.h"

/* Whether rows have id in column col. */
static bool has(const bo_rows_t *r, const char *col, const char *id)
{
    int c = bo_rows_col(r, col);
    for (int i = 0; c >= 0 && id && i < r->nrows; i++)
        if (strcmp(r->cells[(size_t)i * (size_t)r->ncols + (size_t)c], id) == 0)
            return true;
    return false;
}

/* Whether org is the actor's organisation or one under it (into *yes). */
static kerr_t org_mine(bo_store_t *st, const bo_staff_actor_t *a, const char *org, bool *yes, kmsg_t *msg)
{
    bo_rows_t orgs;
    kerr_t rc = st->ops->org->orgs(st->ctx, a->org, &orgs, msg);
    *yes = rc == K_OK && org && org[0] && has(&orgs, "id", org);
    bo_rows_free(&orgs);
    return rc;
}

kerr_t bo_staff_may_place(bo_store_t *st, const bo_staff_actor_t *a, const char *org, kmsg_t *msg)
{
    bool yes = false;
    if (!a->org[0])
        return K_OK;
    kerr_t rc = org_mine(st, a, org, &yes, msg);
    if (rc == K_OK && !yes)
        rc = kmsg_set(msg, K_EDENIED, "an operator of organisation %s puts operators only in %s or an organisation "
                                      "under it, not in %s: choose one of those", a->org, a->org,
                      org && org[0] ? org : "none (the utility's)");
    return rc;
}

kerr_t bo_staff_may_manage(bo_store_t *st, const bo_staff_actor_t *a, const char *name, kmsg_t *msg)
{
    char org[65] = "";
    bool yes = false;
    if (!a->org[0])
        return K_OK;
    kerr_t rc = st->ops->org->org_of(st->ctx, name, org, msg);
    if (rc == K_OK)
        rc = org_mine(st, a, org, &yes, msg);
    if (rc == K_OK && !yes)
        rc = kmsg_set(msg, K_ENOTFOUND, "no operator %s in organisation %s", name, a->org);
    return rc;
}

kerr_t bo_staff_may_grant(const bo_staff_actor_t *a, perm_set_t set, kmsg_t *msg)
{
    for (int p = 0; p < PERM_COUNT; p++)
        if (perm_allows(set, (perm_t)p) && !perm_allows(a->held, (perm_t)p))
            return kmsg_set(msg, K_EDENIED, "you may not grant the permission %s: you do not hold it yourself (ask "
                                            "an operator who does)", perm_name((perm_t)p));
    return K_OK;
}

/* A group's permissions as groups_each finds them. */
typedef struct group_find {
    const char *name;
    bool found, valid;
    perm_set_t set;
} group_find_t;

static void group_found(void *arg, const char *name, const char *perms)
{
    group_find_t *g = arg;
    char bad[64];
    if (strcmp(name, g->name) == 0) {
        g->found = true;
        g->valid = perm_parse_set(perms, &g->set, bad, sizeof bad);
    }
}

kerr_t bo_staff_group_perms(bo_store_t *st, const char *group, perm_set_t *set, kmsg_t *msg)
{
    group_find_t g = {group, false, false, 0};
    kerr_t rc = st->ops->staff->groups_each(st->ctx, group_found, &g, msg);
    if (rc == K_OK && !g.found)
        return kmsg_set(msg, K_ENOTFOUND, "there is no group %s: make it first (Permission groups)", group);
    if (rc == K_OK && !g.valid)
        return kmsg_set(msg, K_EIO, "group %s holds a permission this back office does not know", group);
    *set = g.set;
    return rc;
}

kerr_t bo_staff_may_set_group(bo_store_t *st, const bo_staff_actor_t *a, const char *group, perm_set_t set,
                              kmsg_t *msg)
{
    bo_rows_t ops, mine = {0};
    bo_list_args_t none = {0};
    kerr_t rc = bo_staff_may_grant(a, set, msg);
    if (rc || !a->org[0])
        return rc;
    rc = bo_report_rows(st, BO_LIST_OPERATORS, &none, &ops, msg);
    if (rc)
        return rc;
    rc = bo_staff_operators(st, a, &mine, msg);
    int g = bo_rows_col(&ops, "group"), n = bo_rows_col(&ops, "name");
    for (int i = 0; rc == K_OK && g >= 0 && n >= 0 && i < ops.nrows; i++) {
        const char *name = ops.cells[(size_t)i * (size_t)ops.ncols + (size_t)n];
        if (strcmp(ops.cells[(size_t)i * (size_t)ops.ncols + (size_t)g], group) == 0 && !has(&mine, "name", name))
            rc = kmsg_set(msg, K_EDENIED, "group %s is also the group of operators outside organisation %s: ask the "
                                          "utility's staff to change it, or make a group of your own", group, a->org);
    }
    bo_rows_free(&mine);
    bo_rows_free(&ops);
    return rc;
}

/* Whether the operator's row is of an organisation the actor sees. */
static bool keep_mine(const bo_rows_t *r, int row, void *arg)
{
    int c = bo_rows_col(r, "org");
    return c >= 0 && has(arg, "id", r->cells[(size_t)row * (size_t)r->ncols + (size_t)c]);
}

kerr_t bo_staff_operators(bo_store_t *st, const bo_staff_actor_t *a, bo_rows_t *out, kmsg_t *msg)
{
    bo_rows_t orgs;
    bo_list_args_t none = {0};
    kerr_t rc = bo_report_rows(st, BO_LIST_OPERATORS, &none, out, msg);
    if (rc || !a->org[0])
        return rc;
    rc = st->ops->org->orgs(st->ctx, a->org, &orgs, msg);
    if (rc == K_OK)
        bo_rows_keep(out, keep_mine, &orgs);
    else {
        bo_rows_free(out);
        *out = (bo_rows_t){0};
    }
    bo_rows_free(&orgs);
    return rc;
}

/* The group of operator name into group ("" if there is no such operator). */
static kerr_t group_of(bo_store_t *st, const char *name, char group[BO_STAFF_NAME_MAX + 1], kmsg_t *msg)
{
    bo_rows_t ops;
    bo_list_args_t none = {0};
    group[0] = '\0';
    kerr_t rc = bo_report_rows(st, BO_LIST_OPERATORS, &none, &ops, msg);
    int n = bo_rows_col(&ops, "name"), g = bo_rows_col(&ops, "group");
    for (int i = 0; rc == K_OK && n >= 0 && g >= 0 && i < ops.nrows; i++)
        if (strcmp(ops.cells[(size_t)i * (size_t)ops.ncols + (size_t)n], name) == 0)
            snprintf(group, BO_STAFF_NAME_MAX + 1, "%s", ops.cells[(size_t)i * (size_t)ops.ncols + (size_t)g]);
    bo_rows_free(&ops);
    return rc;
}

kerr_t bo_staff_may_act_for(bo_store_t *st, const bo_staff_actor_t *a, const char *name, kmsg_t *msg)
{
    char group[BO_STAFF_NAME_MAX + 1];
    perm_set_t set = 0;
    kerr_t rc = bo_staff_may_manage(st, a, name, msg);
    if (rc == K_OK)
        rc = group_of(st, name, group, msg);
    if (rc == K_OK && !group[0])
        return kmsg_set(msg, K_ENOTFOUND, "there is no operator %s; see the operators' list", name);
    if (rc == K_OK)
        rc = bo_staff_group_perms(st, group, &set, msg);
    return rc ? rc : bo_staff_may_grant(a, set, msg);
}

kerr_t bo_staff_may_add(bo_store_t *st, const bo_staff_actor_t *a, const char *name, const char *group,
                        const char *org, kmsg_t *msg)
{
    char had[BO_STAFF_NAME_MAX + 1];
    bool known = true;
    perm_set_t set = 0;
    kerr_t rc = group_of(st, name, had, msg);
    if (rc == K_OK && had[0])
        return kmsg_set(msg, K_ECONFLICT, "operator %s exists already: change its group, password or state "
                                          "instead, or choose another name", name);
    if (rc == K_OK)
        rc = bo_staff_may_place(st, a, org, msg);
    if (rc == K_OK && org && org[0])
        rc = st->ops->org->org_exists(st->ctx, org, &known, msg);
    if (rc == K_OK && !known)
        return kmsg_set(msg, K_ENOTFOUND, "there is no organisation %s; see the Structure page", org);
    if (rc == K_OK)
        rc = bo_staff_group_perms(st, group, &set, msg);
    return rc ? rc : bo_staff_may_grant(a, set, msg);
}
