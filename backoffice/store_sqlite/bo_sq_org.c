/* An organisation's structure in SQLite (bo_store_org.h): organisations,
 * the sites they own, buildings, rooms, meters and kiosks placed in them,
 * the operators' organisations, and what an organisation's staff see. */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

#define PLACE "storing the organisation's structure"
#define AT(col) "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', " col " / 1000, 'unixepoch'), '')"

/* The sites organisation p owns, with those of every organisation under it. */
#define SITES(p)                                                                                                \
    "(WITH RECURSIVE t(id) AS (SELECT " p " UNION SELECT o.id FROM org o JOIN t ON o.parent = t.id) "         \
    "SELECT site FROM org_site WHERE org IN (SELECT id FROM t))"
#define ORGS(p) "(WITH RECURSIVE t(id) AS (SELECT " p " UNION SELECT o.id FROM org o JOIN t ON o.parent = t.id) SELECT id FROM t)"
/* A sale org ?1 sees: of its sites' kiosks, or of its meters at another's. */
#define MINE "(site IN " SITES("?1") " OR meter IN (SELECT id FROM meter WHERE site IN " SITES("?1") "))"
#define SPAN "created_at >= CAST(?2 AS BIGINT) AND created_at < CAST(?3 AS BIGINT)"
/* The meters placed in room p. */
#define ROOM_METERS(p) "(SELECT meter FROM room_meter WHERE room = " p ")"

static kerr_t org_add(void *ctx, const bo_place_rec_t *r, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, PLACE, "INSERT INTO org VALUES (?1, ?2, ?3, ?4)", "ttti", r->id, r->name,
                       r->parent, r->at);
}

static kerr_t building_add(void *ctx, const bo_place_rec_t *r, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, PLACE, "INSERT INTO building VALUES (?1, ?2, ?3, ?4)", "ttti", r->id,
                       r->parent, r->name, r->at);
}

static kerr_t room_add(void *ctx, const bo_place_rec_t *r, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, PLACE, "INSERT INTO room VALUES (?1, ?2, ?3, ?4, ?5)", "ttiti", r->id,
                       r->parent, r->floor, r->name, r->at);
}

static kerr_t parent_of(void *ctx, bo_org_kind_t kind, const char *id, char out[65], bool *found, kmsg_t *msg)
{
    out[0] = '\0';
    *found = false;
    if (kind == BO_ORG_SITE)
        return bo_db_get_text(ctx, out, 65, found, msg, "SELECT parent FROM org WHERE id = ?1", "t", id);
    if (kind == BO_ORG_BUILDING)
        return bo_db_get_text(ctx, out, 65, found, msg, "SELECT site FROM building WHERE id = ?1", "t", id);
    if (kind == BO_ORG_ROOM)
        return bo_db_get_text(ctx, out, 65, found, msg, "SELECT building FROM room WHERE id = ?1", "t", id);
    return kmsg_set(msg, K_EINVAL, "no parent for that kind");
}

static kerr_t org_exists(void *ctx, const char *org, bool *found, kmsg_t *msg)
{
    int64_t n = 0;
    return bo_db_get_int(ctx, &n, found, msg, "SELECT 1 FROM org WHERE id = ?1", "t", org);
}

static kerr_t site_org(void *ctx, const char *site, const char *org, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, PLACE,
                       "INSERT INTO org_site VALUES (?1, ?2) ON CONFLICT (site) DO UPDATE SET org = ?2", "tt", site,
                       org);
}

static kerr_t meter_room(void *ctx, const char *meter, const char *room, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, PLACE,
                       "INSERT INTO room_meter VALUES (?1, ?2) ON CONFLICT (meter) DO UPDATE SET room = ?2", "tt",
                       meter, room);
}

static kerr_t kiosk_building(void *ctx, const char *kiosk, const char *building, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, PLACE,
                       "INSERT INTO kiosk_place VALUES (?1, ?2) ON CONFLICT (kiosk) DO UPDATE SET building = ?2",
                       "tt", kiosk, building);
}

static kerr_t staff_org(void *ctx, const char *op, const char *org, kmsg_t *msg)
{
    if (!org[0])
        return bo_db_write(ctx, NULL, msg, PLACE, "DELETE FROM staff_org WHERE operator = ?1", "t", op);
    return bo_db_write(ctx, NULL, msg, PLACE,
                       "INSERT INTO staff_org VALUES (?1, ?2) ON CONFLICT (operator) DO UPDATE SET org = ?2", "tt", op,
                       org);
}

static kerr_t org_of(void *ctx, const char *op, char org[65], kmsg_t *msg)
{
    return bo_db_get_text(ctx, org, 65, NULL, msg, "SELECT org FROM staff_org WHERE operator = ?1", "t", op);
}

static kerr_t visible(void *ctx, const char *org, bo_org_kind_t kind, bo_rows_t *out, kmsg_t *msg)
{
    static const char *const sql[] = {
        [BO_ORG_SITE] = "SELECT site AS id FROM " SITES("?1") " AS s ORDER BY 1",
        [BO_ORG_KIOSK] = "SELECT id FROM kiosk WHERE site IN " SITES("?1") " ORDER BY 1",
        [BO_ORG_METER] = "SELECT id FROM meter WHERE site IN " SITES("?1") " ORDER BY 1",
        [BO_ORG_ACCOUNT] = "SELECT DISTINCT b.account AS id FROM account_meter b JOIN meter m ON m.id = b.meter "
                           "WHERE m.site IN " SITES("?1") " ORDER BY 1",
        [BO_ORG_BUILDING] = "SELECT id FROM building WHERE site IN " SITES("?1") " ORDER BY 1",
        [BO_ORG_ROOM] = "SELECT r.id FROM room r JOIN building b ON b.id = r.building WHERE b.site IN " SITES("?1")
                        " ORDER BY 1",
        [BO_ORG_BATCH] = "SELECT b.id FROM batch b WHERE EXISTS (SELECT 1 FROM meter_command c WHERE c.batch = b.id) "
                         "AND NOT EXISTS (SELECT 1 FROM meter_command c WHERE c.batch = b.id AND c.meter NOT IN "
                         "(SELECT id FROM meter WHERE site IN " SITES("?1") ")) ORDER BY 1",
        [BO_ORG_ACTOR] = "SELECT 'console:' || operator AS id FROM staff_org WHERE org IN " ORGS("?1") " ORDER BY 1",
    };
    if ((unsigned)kind >= sizeof sql / sizeof sql[0])
        return kmsg_set(msg, K_EINVAL, "no such kind of place");
    return bo__sq_rows(ctx, sql[kind], org, NULL, NULL, out, msg);
}

static kerr_t orgs(void *ctx, const char *org, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT o.id, o.name, o.parent, coalesce((SELECT group_concat(site, ' ') FROM (SELECT site "
                       "FROM org_site WHERE org = o.id ORDER BY site) AS s), '') AS sites FROM org o "
                       "WHERE ?1 = '' OR o.id IN " ORGS("?1") " ORDER BY o.id",
                       org, NULL, NULL, out, msg);
}

static kerr_t buildings(void *ctx, const char *org, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT b.id, b.name, b.site, s.name AS site_name, coalesce(os.org, '') AS org, "
                       "(SELECT count(DISTINCT floor) FROM room WHERE building = b.id) AS floors, "
                       "(SELECT count(*) FROM room WHERE building = b.id) AS rooms, "
                       "(SELECT count(*) FROM room_meter p JOIN room r ON r.id = p.room WHERE r.building = b.id) "
                       "AS meters, coalesce((SELECT group_concat(kiosk, ' ') FROM kiosk_place WHERE building = b.id), "
                       "'') AS kiosks FROM building b JOIN site s ON s.id = b.site LEFT JOIN org_site os "
                       "ON os.site = b.site WHERE ?1 = '' OR b.site IN " SITES("?1") " ORDER BY b.site, b.id",
                       org, NULL, NULL, out, msg);
}

/* The rooms of building ("": every building's) with their meters, one row
 * per room and meter, in the order shown. */
#define PLACES                                                                                                    \
    "FROM room r LEFT JOIN room_meter p ON p.room = r.id WHERE ?1 = '' OR r.building = ?1"

/* A page of those rows; today's use is the rise of the meter's register
 * since the last reading before the day began (its first of the day if it
 * has none before). */
static kerr_t placed(void *ctx, const bo_place_page_t *q, bo_rows_t *out, int64_t *total, kmsg_t *msg)
{
    bo_cur_t *st;
    bool row = false, found = false;
    memset(out, 0, sizeof *out);
    kerr_t rc = bo_db_get_int(ctx, total, &found, msg, "SELECT count(*) " PLACES, "t", q->building);
    if (rc == K_OK)
        rc = bo_db_first(
            ctx, &st, &row, msg,
            "WITH pr AS (SELECT r.building, r.id, r.name, r.floor, p.meter " PLACES " "
            "ORDER BY r.building, r.floor, r.id, p.meter LIMIT CAST(?3 AS BIGINT) OFFSET CAST(?4 AS BIGINT)) "
            "SELECT r.building, r.id AS room, r.name AS room_name, r.floor, coalesce(r.meter, '') AS meter, "
            "CASE WHEN r.meter IS NULL THEN NULL ELSE coalesce("
            "(SELECT max(x.energy) FROM reading x WHERE x.meter = r.meter AND x.at >= CAST(?2 AS BIGINT)) - coalesce("
            "(SELECT max(x.energy) FROM reading x WHERE x.meter = r.meter AND x.at < CAST(?2 AS BIGINT)), "
            "(SELECT min(x.energy) FROM reading x WHERE x.meter = r.meter AND x.at >= CAST(?2 AS BIGINT))), 0) END "
            "AS today_use, "
            "CASE WHEN r.meter IS NULL THEN NULL ELSE coalesce((SELECT sum(s.delivered) FROM sale s "
            "WHERE s.meter = r.meter AND s.state = 'delivered' AND s.created_at >= CAST(?2 AS BIGINT)), 0) END "
            "AS today_money, "
            "CASE WHEN r.meter IS NULL THEN NULL ELSE (SELECT count(*) FROM alert a WHERE a.meter = r.meter "
            "AND a.acked_at IS NULL AND a.cleared_at IS NULL) END AS alarms, "
            "coalesce((SELECT t.currency FROM meter m JOIN tariff t ON t.id = m.tariff WHERE m.id = r.meter), '') "
            "AS currency, coalesce((SELECT c.name FROM meter m JOIN customer c ON c.id = m.customer WHERE m.id = "
            "r.meter), '') AS resident FROM pr r ORDER BY r.building, r.floor, r.id, r.meter",
            "tiii", q->building, q->day_from, q->limit > 0 ? q->limit : INT64_MAX / 2, q->offset);
    return rc ? rc : bo__sq_fill(ctx, st, row, out, msg);
}

/* The rows of sql over org's span: ?1 org, ?2 from, ?3 to, ?4 the local
 * time's offset from UTC (ms). */
static kerr_t span_rows(void *ctx, const char *sql, const char *org, int64_t from, int64_t to, int64_t utc_offset_ms,
                        bo_rows_t *out, kmsg_t *msg)
{
    bo_cur_t *st;
    bool row;
    memset(out, 0, sizeof *out);
    kerr_t rc = bo_db_first(ctx, &st, &row, msg, sql, "tiii", org, from, to, utc_offset_ms);
    return rc ? rc : bo__sq_fill(ctx, st, row, out, msg);
}

static kerr_t sales(void *ctx, const char *org, const char *by, int64_t from, int64_t to, int64_t utc_offset_ms,
                    bo_rows_t *out, kmsg_t *msg)
{
#define SCOPED_SALES(col) "SELECT " col ", currency, count(*) AS sales, sum(delivered) AS amount FROM sale " \
                          "WHERE state = 'delivered' AND " SPAN " AND " MINE " GROUP BY 1, 2 ORDER BY 1, 2"
    const char *sql = strcmp(by, "site") == 0     ? SCOPED_SALES("site")
                      : strcmp(by, "method") == 0 ? SCOPED_SALES("method")
                                                  : SCOPED_SALES("strftime('%Y-%m-%d', (created_at + CAST(?4 AS BIGINT)) "
                                                                 "/ 1000, 'unixepoch') AS day");
    return span_rows(ctx, sql, org, from, to, utc_offset_ms, out, msg);
}

static kerr_t income(void *ctx, const char *org, bo_org_period_t by, int64_t from, int64_t to, int64_t utc_offset_ms,
                     bo_rows_t *out, kmsg_t *msg)
{
#define ORG_INCOME(fmt) \
    BO_SQ_INCOME(fmt, "CAST(?2 AS BIGINT)", "CAST(?3 AS BIGINT)", "CAST(?4 AS BIGINT)", " AND " MINE)
    static const char *const sql[] = {
        [BO_ORG_BY_DAY] = ORG_INCOME("%Y-%m-%d"),
        [BO_ORG_BY_MONTH] = ORG_INCOME("%Y-%m"),
        [BO_ORG_BY_YEAR] = ORG_INCOME("%Y"),
    };
    if ((unsigned)by >= sizeof sql / sizeof sql[0])
        return kmsg_set(msg, K_EINVAL, "no such period");
    return span_rows(ctx, sql[by], org, from, to, utc_offset_ms, out, msg);
}

/* A room's history, by what: its meters' readings, top-ups, commands. */
static const struct {
    const char *what, *sql;
} histories[] = {
    {"readings", "SELECT meter, " AT("at") " AS at, energy, balance, CASE relay_open WHEN 1 THEN 'open' ELSE 'closed' "
                 "END AS relay, kiosk FROM reading WHERE meter IN " ROOM_METERS("?1")
                 " ORDER BY reading.at DESC LIMIT CAST(?2 AS BIGINT)"},
    {"sales", "SELECT txn_id AS txn, meter, " AT("created_at") " AS at, method, currency, amount, delivered, refunded, "
              "state, kiosk FROM sale WHERE meter IN " ROOM_METERS("?1")
              " ORDER BY created_at DESC LIMIT CAST(?2 AS BIGINT)"},
    {"commands", "SELECT id, meter, command, params, state, operator, reason, " AT("issued_at") " AS issued, "
                 AT("executed_at") " AS executed, outcome FROM meter_command WHERE meter IN " ROOM_METERS("?1")
                 " ORDER BY issued_at DESC, id LIMIT CAST(?2 AS BIGINT)"},
};

static kerr_t history(void *ctx, const char *room, const char *what, int64_t limit, bo_rows_t *out, kmsg_t *msg)
{
    char n[24];
    snprintf(n, sizeof n, "%lld", (long long)limit);
    for (size_t i = 0; i < sizeof histories / sizeof histories[0]; i++)
        if (strcmp(what, histories[i].what) == 0)
            return bo__sq_rows(ctx, histories[i].sql, room, n, NULL, out, msg);
    return kmsg_set(msg, K_EINVAL, "no history '%s': readings, sales or commands", what);
}

const bo_st_org_t bo__sq_org = {
    .org_add = org_add,
    .building_add = building_add,
    .room_add = room_add,
    .parent_of = parent_of,
    .org_exists = org_exists,
    .site_org = site_org,
    .meter_room = meter_room,
    .kiosk_building = kiosk_building,
    .staff_org = staff_org,
    .org_of = org_of,
    .visible = visible,
    .orgs = orgs,
    .buildings = buildings,
    .placed = placed,
    .sales = sales,
    .income = income,
    .history = history,
};
