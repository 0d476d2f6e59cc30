/* The store's part for an organisation's structure (docs/console.md,
 * "Organisations"): organisations (a headquarters over its properties,
 * each organisation under at most one parent), the sites each owns,
 * buildings on a site, rooms on a building's floors, the meters placed in
 * rooms and the kiosks in buildings, and the organisation each central
 * operator belongs to (none: the utility, seeing all). */
#ifndef BACKOFFICE_STORE_BO_STORE_ORG_H
#define BACKOFFICE_STORE_BO_STORE_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "base/err.h"

/* What an organisation's staff may see, one kind of id at a time. */
typedef enum bo_org_kind {
    BO_ORG_SITE,
    BO_ORG_KIOSK,
    BO_ORG_METER,
    BO_ORG_ACCOUNT, /* an account with a meter (bound now or before) on one of its sites */
    BO_ORG_BUILDING,
    BO_ORG_ROOM,
    BO_ORG_BATCH, /* a batch with meters, every one of them on its sites */
    BO_ORG_ACTOR, /* "console:NAME" for each operator of it or of an organisation under it */
} bo_org_kind_t;

/* The periods income is counted by. */
typedef enum bo_org_period { BO_ORG_BY_DAY, BO_ORG_BY_MONTH, BO_ORG_BY_YEAR } bo_org_period_t;

/* A place in the structure, as stored: an organisation (parent: "" for a
 * headquarters), a building (parent: its site) or a room (parent: its
 * building, floor its floor). */
typedef struct bo_place_rec {
    const char *id, *name, *parent;
    int64_t floor;
    int64_t at;
} bo_place_rec_t;

/* A page of a building's placed meters (the placed op): from row offset,
 * limit rows (0: every row), today starting at day_from. */
typedef struct bo_place_page {
    const char *building;
    int64_t day_from, offset, limit;
} bo_place_page_t;

typedef struct bo_st_org {
    /* Adds an organisation, a building or a room; K_ECONFLICT if the id is taken. */
    kerr_t (*org_add)(void *ctx, const bo_place_rec_t *r, kmsg_t *msg);
    kerr_t (*building_add)(void *ctx, const bo_place_rec_t *r, kmsg_t *msg);
    kerr_t (*room_add)(void *ctx, const bo_place_rec_t *r, kmsg_t *msg);
    /* The parent of an organisation ("" for a headquarters), the site of a
     * building, the building of a room (kind BO_ORG_BUILDING, BO_ORG_ROOM,
     * or BO_ORG_SITE for an organisation); *found false if there is none. */
    kerr_t (*parent_of)(void *ctx, bo_org_kind_t kind, const char *id, char out[65], bool *found, kmsg_t *msg);
    /* Whether org is an organisation; *found. */
    kerr_t (*org_exists)(void *ctx, const char *org, bool *found, kmsg_t *msg);
    /* Puts site under org (moving it from another). */
    kerr_t (*site_org)(void *ctx, const char *site, const char *org, kmsg_t *msg);
    /* Places meter in room, kiosk in building (moving either from another). */
    kerr_t (*meter_room)(void *ctx, const char *meter, const char *room, kmsg_t *msg);
    kerr_t (*kiosk_building)(void *ctx, const char *kiosk, const char *building, kmsg_t *msg);
    /* Puts the operator in org ("": in none, the utility's). */
    kerr_t (*staff_org)(void *ctx, const char *op, const char *org, kmsg_t *msg);
    /* The operator's organisation, "" if none. */
    kerr_t (*org_of)(void *ctx, const char *op, char org[65], kmsg_t *msg);
    /* The ids of kind that org (with the organisations under it) sees, one
     * column "id", sorted. */
    kerr_t (*visible)(void *ctx, const char *org, bo_org_kind_t kind, bo_rows_t *out, kmsg_t *msg);
    /* The structure org sees ("": all): organisations, or buildings with
     * their site, organisation, floors, rooms and meters, or a building's
     * rooms with their floors (id: the building). */
    kerr_t (*orgs)(void *ctx, const char *org, bo_rows_t *out, kmsg_t *msg);
    kerr_t (*buildings)(void *ctx, const char *org, bo_rows_t *out, kmsg_t *msg);
    /* The meters placed in a building's rooms ("": every building's), a
     * row per room and meter (a room without one: once, meter ""), with
     * today's use and money since day_from, the meter's open alerts, its
     * tariff's currency and its customer's name: the page q asks for, and
     * in total how many rows there are in all. */
    kerr_t (*placed)(void *ctx, const bo_place_page_t *q, bo_rows_t *out, int64_t *total, kmsg_t *msg);
    /* Sales org sees between from and to, grouped by by ("day", "site" or
     * "method"; days are UTC + utc_offset_ms), with the columns of the
     * sales reports. */
    kerr_t (*sales)(void *ctx, const char *org, const char *by, int64_t from, int64_t to, int64_t utc_offset_ms,
                    bo_rows_t *out, kmsg_t *msg);
    /* Income org sees between from and to (the sales of its sites' kiosks
     * and of its meters at another's), by period (UTC + utc_offset_ms),
     * site and method, with the columns of the income report. */
    kerr_t (*income)(void *ctx, const char *org, bo_org_period_t by, int64_t from, int64_t to, int64_t utc_offset_ms,
                     bo_rows_t *out, kmsg_t *msg);
    /* A room's history: its meters' readings, sales and central commands,
     * newest first, at most limit of each (what: "readings", "sales",
     * "commands"). */
    kerr_t (*history)(void *ctx, const char *room, const char *what, int64_t limit, bo_rows_t *out, kmsg_t *msg);
} bo_st_org_t;

#endif
