/* An organisation's structure and what its staff see (docs/console.md,
 * "Organisations"). Organisations stand in a tree (a headquarters over its
 * properties); each owns sites; a site has buildings, a building rooms on
 * its floors; meters are placed in rooms and kiosks in buildings of their
 * own site. A central operator belongs to an organisation, or to none (the
 * utility's staff, who see everything); an organisation's staff see the
 * sites of their organisation and of those under it, and only what is on
 * them: kiosks, meters, accounts, alerts, sales. Every change is one
 * transaction with its audit row. */
#ifndef BACKOFFICE_DOMAIN_BO_ORG_H
#define BACKOFFICE_DOMAIN_BO_ORG_H

#include <stdbool.h>

#include "backoffice/domain/bo_op.h"

/* A place to add: an organisation (parent: the one above it, NULL or ""
 * for a headquarters), a building (parent: its site) or a room (parent:
 * its building; floor: its floor, -9 to 199). */
typedef struct bo_place {
    const char *id, *name, *parent;
    int64_t floor;
} bo_place_t;

/* Adds an organisation (audited org.add); K_ECONFLICT if the id is taken,
 * K_ENOTFOUND if the parent is not an organisation. */
kerr_t bo_org_add(bo_store_t *st, const bo_who_t *who, const bo_place_t *p, kmsg_t *msg);

/* Adds a building on a site (audited building.add). */
kerr_t bo_building_add(bo_store_t *st, const bo_who_t *who, const bo_place_t *p, kmsg_t *msg);

/* Adds a room on a building's floor (audited room.add). */
kerr_t bo_room_add(bo_store_t *st, const bo_who_t *who, const bo_place_t *p, kmsg_t *msg);

/* Puts site under org (audited org.site), moving it from another. */
kerr_t bo_org_site(bo_store_t *st, const bo_who_t *who, const char *site, const char *org, kmsg_t *msg);

/* Places meter in room (audited room.meter): the room's building must be
 * on the meter's site (K_ESTATE otherwise, saying so). */
kerr_t bo_room_meter(bo_store_t *st, const bo_who_t *who, const char *room, const char *meter, kmsg_t *msg);

/* Places kiosk in building (audited building.kiosk), on the kiosk's site. */
kerr_t bo_building_kiosk(bo_store_t *st, const bo_who_t *who, const char *building, const char *kiosk, kmsg_t *msg);

/* Puts the operator in org ("": in none, the utility's; audited org.staff). */
kerr_t bo_org_staff(bo_store_t *st, const bo_who_t *who, const char *op, const char *org, kmsg_t *msg);

/* The operator's organisation into org ("" for the utility's staff). */
kerr_t bo_org_of(bo_store_t *st, const char *op, char org[65], kmsg_t *msg);

/* Whether org's staff see the thing of kind id into *yes (org "": yes). */
kerr_t bo_org_sees(bo_store_t *st, const char *org, bo_org_kind_t kind, const char *id, bool *yes, kmsg_t *msg);

/* Narrows a listing's rows (bo_report_rows' what, args) to what org's staff
 * see (org "": nothing removed): rows of sites, kiosks, meters, accounts,
 * alerts, batches, money and the audit log outside it are dropped, sales
 * and income are counted again over its own sites; a listing that cannot be narrowed is refused (K_EDENIED). */
kerr_t bo_org_narrow(bo_store_t *st, const char *org, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *rows,
                     kmsg_t *msg);

/* Narrows a session of org ("": the utility's) to want, an organisation
 * it sees (org itself or one under it; any for the utility's), into out
 * (which may be org); K_ENOTFOUND for another, out unchanged: a narrowing
 * never widens what a session sees. */
kerr_t bo_org_within(bo_store_t *st, const char *org, const char *want, char out[65], kmsg_t *msg);

/* What the monitoring page asks for: a building, as org sees it ("": all),
 * now, the start of today, and whether the residents' names are shown
 * whole (the contacts permission) or masked. */
typedef struct bo_monitor_ask {
    const char *org, *building;
    int64_t now, day_from;
    bool names;
    int64_t offset, limit; /* the rows asked for (limit 0: every row) */
} bo_monitor_ask_t;

/* The monitoring page's rows for the building (docs/console.md,
 * "Monitoring"): each room (floor, room, room_name) with each meter placed
 * in it and its latest state (customer, kind, balance, supply, online,
 * last_read, energy), today's use and money since day_from, its open
 * alarms, the currency of its tariff, the resident's name (masked: "张**");
 * a room without meters once with the meter's columns empty. K_ENOTFOUND
 * if there is no such building, or org does not see it. Only the rows
 * ask's offset and limit say; total: how many rows the building has. */
kerr_t bo_monitor_rows(bo_store_t *st, const bo_monitor_ask_t *ask, bo_rows_t *out, int64_t *total, kmsg_t *msg);

/* A room's history that org sees: what is "readings", "sales" or
 * "commands" of its meters, newest first, at most limit rows; K_ENOTFOUND
 * as bo_monitor_rows. */
kerr_t bo_monitor_history(bo_store_t *st, const char *org, const char *room, const char *what, int64_t limit,
                          bo_rows_t *out, kmsg_t *msg);

#endif
