/* Admin verbs on an organisation's structure (docs/console.md,
 * "Organisations"): organisations and the sites they own, buildings and
 * their kiosks, rooms and their meters, the operators' organisations; and
 * the monitoring rows of a building. The domain (bo_org.h) checks, changes
 * and audits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_org.h"

#define USAGE                                                                                                    \
    "org add ID NAME [--parent ORG] | org list | org site SITE ORG | org staff OPERATOR ORG|none\n"              \
    "       backoffice building add ID NAME --site SITE | building list | building kiosk BUILDING KIOSK\n"         \
    "       backoffice room add ID NAME --building B --floor N | room meter ROOM METER | room list BUILDING"

static int org(bo_store_t *st, const bo_args_t *a, FILE *out, const bo_who_t *who, kmsg_t *msg)
{
    char done[200];
    if (bo_cli_is(a, "org", "add", 4) && bo_id_valid(a->pos[2], 64) && strcmp(a->pos[2], "none") != 0) {
        bo_place_t p = {a->pos[2], a->pos[3], bo_arg(a, "parent"), 0};
        snprintf(done, sizeof done, "organisation %s added", p.id);
        return bo_cli_outcome(bo_org_add(st, who, &p, msg), msg, done);
    }
    if (bo_cli_is(a, "org", "list", 2)) {
        bo_rows_t r;
        return bo_cli_rows_done(st->ops->org->orgs(st->ctx, "", &r, msg), &r, msg, bo_arg(a, "csv") != NULL, out);
    }
    if (bo_cli_is(a, "org", "site", 4)) {
        snprintf(done, sizeof done, "site %s belongs to organisation %s", a->pos[2], a->pos[3]);
        return bo_cli_outcome(bo_org_site(st, who, a->pos[2], a->pos[3], msg), msg, done);
    }
    if (bo_cli_is(a, "org", "staff", 4)) {
        const char *o = strcmp(a->pos[3], "none") == 0 ? "" : a->pos[3];
        snprintf(done, sizeof done, "operator %s now sees %s%s", a->pos[2], o[0] ? "organisation " : "everything", o);
        return bo_cli_outcome(bo_org_staff(st, who, a->pos[2], o, msg), msg, done);
    }
    return bo_cli_usage(USAGE);
}

static int building(bo_store_t *st, const bo_args_t *a, FILE *out, const bo_who_t *who, kmsg_t *msg)
{
    char done[200];
    if (bo_cli_is(a, "building", "add", 4) && bo_id_valid(a->pos[2], 64) && bo_arg(a, "site")) {
        bo_place_t p = {a->pos[2], a->pos[3], bo_arg(a, "site"), 0};
        snprintf(done, sizeof done, "building %s added on site %s", p.id, p.parent);
        return bo_cli_outcome(bo_building_add(st, who, &p, msg), msg, done);
    }
    if (bo_cli_is(a, "building", "list", 2)) {
        bo_rows_t r;
        return bo_cli_rows_done(st->ops->org->buildings(st->ctx, "", &r, msg), &r, msg, bo_arg(a, "csv") != NULL,
                                out);
    }
    if (bo_cli_is(a, "building", "kiosk", 4)) {
        snprintf(done, sizeof done, "kiosk %s is in building %s", a->pos[3], a->pos[2]);
        return bo_cli_outcome(bo_building_kiosk(st, who, a->pos[2], a->pos[3], msg), msg, done);
    }
    return bo_cli_usage(USAGE);
}

/* The start of today (UTC) before now. */
static int64_t day_start(int64_t now)
{
    return now / 86400000 * 86400000;
}

static int room(bo_store_t *st, const bo_args_t *a, FILE *out, const bo_who_t *who, kmsg_t *msg)
{
    char done[200];
    int64_t floor = 0;
    if (bo_cli_is(a, "room", "add", 4) && bo_id_valid(a->pos[2], 64) && bo_arg(a, "building") &&
        bo_arg(a, "floor")) {
        char *end;
        floor = strtoll(bo_arg(a, "floor"), &end, 10);
        if (*end || !bo_arg(a, "floor")[0])
            return bo_cli_usage(USAGE);
        bo_place_t p = {a->pos[2], a->pos[3], bo_arg(a, "building"), floor};
        snprintf(done, sizeof done, "room %s added on floor %lld of building %s", p.id, (long long)floor, p.parent);
        return bo_cli_outcome_args(bo_room_add(st, who, &p, msg), msg, done);
    }
    if (bo_cli_is(a, "room", "meter", 4)) {
        snprintf(done, sizeof done, "meter %s is in room %s", a->pos[3], a->pos[2]);
        return bo_cli_outcome(bo_room_meter(st, who, a->pos[2], a->pos[3], msg), msg, done);
    }
    if (bo_cli_is(a, "room", "list", 3)) {
        bo_rows_t r;
        int64_t total;
        bo_monitor_ask_t ask = {"", a->pos[2], who->now, day_start(who->now), true, 0, 0};
        kerr_t rc = bo_monitor_rows(st, &ask, &r, &total, msg);
        return bo_cli_rows_done(rc, &r, msg, bo_arg(a, "csv") != NULL, out);
    }
    return bo_cli_usage(USAGE);
}

int bo_admin_org(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    if (strcmp(a->pos[0], "org") == 0)
        return org(st, a, out, &who, &msg);
    if (strcmp(a->pos[0], "building") == 0)
        return building(st, a, out, &who, &msg);
    return room(st, a, out, &who, &msg);
}
