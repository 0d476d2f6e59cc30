/* Changes to an organisation's structure (bo_org.h): organisations, their
 * sites, buildings, rooms, meters and kiosks placed, operators' organisations;
 * each one transaction with its audit row. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_org.h"
#include "backoffice/domain/bo_scope.h"

/* K_OK if org is an organisation, else K_ENOTFOUND saying what to do. */
static kerr_t org_known(bo_store_t *st, const char *org, kmsg_t *msg)
{
    bool found = false;
    kerr_t rc = st->ops->org->org_exists(st->ctx, org, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "organisation %s is not known; see `backoffice org list`", org);
    return rc;
}

/* The parent of a building (its site) or a room (its building) into out;
 * K_ENOTFOUND naming kind if there is none. */
static kerr_t parent(bo_store_t *st, bo_org_kind_t kind, const char *id, char out[65], kmsg_t *msg)
{
    bool found = false;
    kerr_t rc = st->ops->org->parent_of(st->ctx, kind, id, out, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "%s %s is not known; see `backoffice building list`",
                        kind == BO_ORG_ROOM ? "room" : "building", id);
    return rc;
}

static kerr_t added(kerr_t rc, const char *what, const char *id, kmsg_t *msg)
{
    if (rc == K_ECONFLICT)
        return kmsg_set(msg, K_ECONFLICT, "%s %s exists already", what, id);
    return rc;
}

/* Adds an organisation (kind BO_ORG_SITE, as parent_of names it), a
 * building or a room, its parent checked first; audited with detail. */
static kerr_t add_place(bo_store_t *st, const bo_who_t *who, bo_org_kind_t kind, const bo_place_t *p,
                        const char *detail, kmsg_t *msg)
{
    static const char *const what[] = {[BO_ORG_SITE] = "organisation", [BO_ORG_BUILDING] = "building",
                                       [BO_ORG_ROOM] = "room"};
    static const char *const action[] = {[BO_ORG_SITE] = "org.add", [BO_ORG_BUILDING] = "building.add",
                                         [BO_ORG_ROOM] = "room.add"};
    const bo_st_org_t *o = st->ops->org;
    bo_place_rec_t r = {p->id, p->name, p->parent ? p->parent : "", p->floor, who->now};
    char up[65];
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK && kind == BO_ORG_BUILDING)
        rc = bo_site_pick(st, r.parent, up, msg);
    else if (rc == K_OK && kind == BO_ORG_ROOM)
        rc = parent(st, BO_ORG_BUILDING, r.parent, up, msg);
    else if (rc == K_OK && r.parent[0])
        rc = org_known(st, r.parent, msg);
    if (rc == K_OK)
        rc = kind == BO_ORG_BUILDING ? o->building_add(st->ctx, &r, msg)
             : kind == BO_ORG_ROOM   ? o->room_add(st->ctx, &r, msg)
                                     : o->org_add(st->ctx, &r, msg);
    return bo_op_end(&op, added(rc, what[kind], p->id, msg), action[kind], p->id, NULL, detail, NULL, NULL);
}

kerr_t bo_org_add(bo_store_t *st, const bo_who_t *who, const bo_place_t *p, kmsg_t *msg)
{
    char detail[160];
    const char *up = p->parent ? p->parent : "";
    snprintf(detail, sizeof detail, "%s%s%s", p->name, up[0] ? " under " : "", up);
    return add_place(st, who, BO_ORG_SITE, p, detail, msg);
}

kerr_t bo_building_add(bo_store_t *st, const bo_who_t *who, const bo_place_t *p, kmsg_t *msg)
{
    char detail[160];
    snprintf(detail, sizeof detail, "%s on site %s", p->name, p->parent);
    return add_place(st, who, BO_ORG_BUILDING, p, detail, msg);
}

kerr_t bo_room_add(bo_store_t *st, const bo_who_t *who, const bo_place_t *p, kmsg_t *msg)
{
    char detail[160];
    snprintf(detail, sizeof detail, "%s on floor %lld of building %s", p->name, (long long)p->floor, p->parent);
    if (p->floor < -9 || p->floor > 199)
        return kmsg_set(msg, K_EINVAL, "floor %lld is not one from -9 to 199", (long long)p->floor);
    return add_place(st, who, BO_ORG_ROOM, p, detail, msg);
}

kerr_t bo_org_site(bo_store_t *st, const bo_who_t *who, const char *site, const char *org, kmsg_t *msg)
{
    bo_op_t op;
    char known[65], detail[100];
    snprintf(detail, sizeof detail, "site %s to organisation %s", site, org);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo_site_pick(st, site, known, msg);
    if (rc == K_OK)
        rc = org_known(st, org, msg);
    if (rc == K_OK)
        rc = st->ops->org->site_org(st->ctx, site, org, msg);
    return bo_op_end(&op, rc, "org.site", site, NULL, detail, NULL, NULL);
}

kerr_t bo_room_meter(bo_store_t *st, const bo_who_t *who, const char *room, const char *meter, kmsg_t *msg)
{
    bo_op_t op;
    char building[65], site[65], home[65], detail[100];
    bool found = false;
    snprintf(detail, sizeof detail, "meter %s in room %s", meter, room);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = parent(st, BO_ORG_ROOM, room, building, msg);
    if (rc == K_OK)
        rc = parent(st, BO_ORG_BUILDING, building, site, msg);
    if (rc == K_OK)
        rc = st->ops->meters->meter_site(st->ctx, meter, home, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "meter %s is not registered; see `backoffice meter list`", meter);
    if (rc == K_OK && strcmp(home, site) != 0)
        rc = kmsg_set(msg, K_ESTATE, "meter %s is on site %s, room %s's building %s on site %s: move the meter first "
                      "(`backoffice meter site`)", meter, home, room, building, site);
    if (rc == K_OK)
        rc = st->ops->org->meter_room(st->ctx, meter, room, msg);
    return bo_op_end(&op, rc, "room.meter", room, NULL, detail, NULL, NULL);
}

kerr_t bo_building_kiosk(bo_store_t *st, const bo_who_t *who, const char *building, const char *kiosk, kmsg_t *msg)
{
    bo_op_t op;
    bo_kiosk_rec_t k;
    char site[65], detail[100];
    bool found = false;
    snprintf(detail, sizeof detail, "kiosk %s in building %s", kiosk, building);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = parent(st, BO_ORG_BUILDING, building, site, msg);
    if (rc == K_OK)
        rc = st->ops->fleet->kiosk_get(st->ctx, kiosk, &k, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "kiosk %s is not known; see `backoffice kiosk list`", kiosk);
    if (rc == K_OK && strcmp(k.site, site) != 0)
        rc = kmsg_set(msg, K_ESTATE, "kiosk %s is on site %s, building %s on site %s", kiosk, k.site, building, site);
    if (rc == K_OK)
        rc = st->ops->org->kiosk_building(st->ctx, kiosk, building, msg);
    return bo_op_end(&op, rc, "building.kiosk", building, NULL, detail, NULL, NULL);
}

kerr_t bo_org_staff(bo_store_t *st, const bo_who_t *who, const char *name, const char *org, kmsg_t *msg)
{
    bo_op_t op;
    char perms[256], detail[120];
    bool enabled = false, found = false;
    snprintf(detail, sizeof detail, "operator %s in %s%s", name, org[0] ? "organisation " : "none (the utility's)",
             org);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->notice->operator_perms(st->ctx, name, perms, &enabled, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "operator %s is not known; see `backoffice operator list`", name);
    if (rc == K_OK && org[0])
        rc = org_known(st, org, msg);
    if (rc == K_OK)
        rc = st->ops->org->staff_org(st->ctx, name, org, msg);
    return bo_op_end(&op, rc, "org.staff", name, NULL, detail, NULL, NULL);
}

kerr_t bo_org_of(bo_store_t *st, const char *op, char org[65], kmsg_t *msg)
{
    return st->ops->org->org_of(st->ctx, op, org, msg);
}
