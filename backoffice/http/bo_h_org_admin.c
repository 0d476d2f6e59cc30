/* Changes to an organisation's structure over HTTP (sync/openapi.yaml;
 * docs/console.md, "Organisations"): organisations, a site's organisation,
 * buildings, rooms and the meters in them, as the command line makes
 * them, each audited with the caller. A console session of an
 * organisation changes only what it sees: organisations under its own,
 * its sites (given to its own or one under it), buildings on its sites,
 * rooms in its buildings, its meters. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_org.h"
#include "backoffice/http/bo_server.h"

/* K_OK if the session's organisation sees organisation org (it, or one
 * under it), else K_ENOTFOUND; a session of none sees every one. field
 * names org in the body, for the error of an org not given. */
static kerr_t org_seen(bo_req_t *q, const char *org, const char *field, kmsg_t *msg)
{
    bo_rows_t orgs;
    if (!q->org[0])
        return K_OK;
    if (!org || !org[0])
        return kmsg_set(msg, K_EINVAL, "an organisation's staff give their own organisation or one under it: give '%s'",
                        field);
    kerr_t rc = q->s->store.ops->org->orgs(q->s->store.ctx, q->org, &orgs, msg);
    bool mine = false;
    for (int i = 0, c = bo_rows_col(&orgs, "id"); rc == K_OK && c >= 0 && i < orgs.nrows; i++)
        mine = mine || strcmp(orgs.cells[(size_t)i * (size_t)orgs.ncols + (size_t)c], org) == 0;
    bo_rows_free(&orgs);
    if (rc == K_OK && !mine)
        return kmsg_set(msg, K_ENOTFOUND, "no organisation %s in organisation %s", org, q->org);
    return rc;
}

/* What a change is: its place, the check of its parent, the change. */
typedef enum change_kind { ADD_ORG, ADD_BUILDING, ADD_ROOM, PLACE_METER, PLACE_KIOSK, SITE_ORG } change_kind_t;

/* The site q->arg[0] given to the body's "org": a site the session sees,
 * to its own organisation or one under it. */
static kerr_t site_org(bo_req_t *q, const cJSON *b, const bo_who_t *who, kmsg_t *msg)
{
    const char *org = bo_json_str_ref(b, "org");
    if (!org || !bo_id_valid(org, 64))
        return kmsg_set(msg, K_EINVAL, "give 'org': the organisation the site is to belong to");
    kerr_t rc = bo_h_scope(q, BO_ORG_SITE, q->arg[0], msg);
    if (rc == K_OK)
        rc = org_seen(q, org, "org", msg);
    return rc ? rc : bo_org_site(&q->s->store, who, q->arg[0], org, msg);
}

static kerr_t run(bo_req_t *q, const cJSON *b, const bo_who_t *who, void *arg, kmsg_t *msg)
{
    change_kind_t kind = *(const change_kind_t *)arg;
    if (kind == SITE_ORG)
        return site_org(q, b, who, msg);
    bo_place_t p = {bo_json_str_ref(b, "id"), bo_json_str_ref(b, "name"), NULL, bo_json_int_or(b, "floor", 0)};
    const char *meter = bo_json_str_ref(b, "meter");
    if (kind == PLACE_METER) {
        if (!meter || !bo_id_valid(meter, 32))
            return kmsg_set(msg, K_EINVAL, "give 'meter'");
        kerr_t rc = bo_h_scope(q, BO_ORG_ROOM, q->arg[0], msg);
        if (rc == K_OK)
            rc = bo_h_scope(q, BO_ORG_METER, meter, msg);
        return rc ? rc : bo_room_meter(&q->s->store, who, q->arg[0], meter, msg);
    }
    if (kind == PLACE_KIOSK) {
        const char *kiosk = bo_json_str_ref(b, "kiosk");
        if (!kiosk || !bo_id_valid(kiosk, 64))
            return kmsg_set(msg, K_EINVAL, "give 'kiosk'");
        kerr_t rc = bo_h_scope(q, BO_ORG_BUILDING, q->arg[0], msg);
        if (rc == K_OK)
            rc = bo_h_scope(q, BO_ORG_KIOSK, kiosk, msg);
        return rc ? rc : bo_building_kiosk(&q->s->store, who, q->arg[0], kiosk, msg);
    }
    if (!p.id || !bo_id_valid(p.id, 64) || !p.name || !p.name[0])
        return kmsg_set(msg, K_EINVAL, "give 'id' (letters, digits, '.', '_', '-') and 'name'");
    if (kind == ADD_ORG) {
        p.parent = bo_json_str_ref(b, "parent");
        kerr_t rc = org_seen(q, p.parent, "parent", msg);
        return rc ? rc : bo_org_add(&q->s->store, who, &p, msg);
    }
    p.parent = bo_json_str_ref(b, kind == ADD_BUILDING ? "site" : "building");
    if (!p.parent)
        return kmsg_set(msg, K_EINVAL, "give '%s'", kind == ADD_BUILDING ? "site" : "building");
    kerr_t rc = bo_h_scope(q, kind == ADD_BUILDING ? BO_ORG_SITE : BO_ORG_BUILDING, p.parent, msg);
    if (rc)
        return rc;
    return kind == ADD_BUILDING ? bo_building_add(&q->s->store, who, &p, msg) : bo_room_add(&q->s->store, who, &p, msg);
}

static void change(bo_req_t *q, bo_resp_t *r, change_kind_t kind)
{
    static const bo_h_change_ops_t ops = {NULL, run};
    bo_h_change(q, r, &ops, &kind);
}

/* POST /v1/admin/orgs {"id", "name", "parent"}. */
void bo_h_admin_org_add(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, ADD_ORG);
}

/* POST /v1/admin/buildings {"id", "name", "site"}. */
void bo_h_admin_building_add(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, ADD_BUILDING);
}

/* POST /v1/admin/rooms {"id", "name", "building", "floor"}. */
void bo_h_admin_room_add(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, ADD_ROOM);
}

/* POST /v1/admin/rooms/{id}/meters {"meter"}: places the meter in the room. */
void bo_h_admin_room_meter(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, PLACE_METER);
}

/* POST /v1/admin/buildings/{id}/kiosks {"kiosk"}: places the kiosk in the building. */
void bo_h_admin_building_kiosk(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, PLACE_KIOSK);
}

/* POST /v1/admin/sites/{id}/org {"org"}: the site belongs to the
 * organisation from now on. */
void bo_h_admin_site_org(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, SITE_ORG);
}
