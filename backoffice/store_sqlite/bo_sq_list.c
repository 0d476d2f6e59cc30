/* The SQLite store's listings and reports (bo_store.h, bo_listing_t): the
 * SQL of each, its parameters, and its rows as a bo_rows_t. */
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

#define TIME(col) "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', " col " / 1000, 'unixepoch'), '')"

/* What a listing binds: nothing, ?1 an id, ?1 from and ?2 to, or the
 * audit report's ?1 kiosk, ?2 since and ?3 action, or a filter's ?1 id
 * and ?2 action ("" for any). */
/* Each meter's latest attempt in batch b (a bound parameter; '' any batch). */
#define BATCH_LATEST(b)                                                                                         \
    "SELECT c.* FROM meter_command c WHERE c.batch <> '' AND (" b " = '' OR c.batch = " b ") AND c.attempt = " \
    "(SELECT max(x.attempt) FROM meter_command x WHERE x.batch = c.batch AND x.meter = c.meter)"
#define BATCH_COUNT(state) "coalesce(sum(CASE WHEN l.state = '" state "' THEN 1 ELSE 0 END), 0) AS " state

typedef enum binds { NONE, ID, RANGE, LOCAL_RANGE, AUDIT, FILTER, ID_NOW, ID_RANGE, OPEN, ID_NOW_PAGE } binds_t;

typedef struct listing {
    const char *sql;
    binds_t binds;
} listing_t;

/* The fleet: every kiosk with its last heartbeat, the code it showed at
 * enrolment, its certificate's expiry, its upload key and current ledger. */
#define KIOSKS                                                                                                        \
    "SELECT k.id, k.site, k.state, coalesce(h.software, '') AS software, "                                            \
    "coalesce(h.outbox_depth, '') AS outbox_depth, "                                                                  \
    "coalesce(json_extract(h.report, '$.cashbox.fill_percent'), '') AS cashbox_fill, "                                \
    "coalesce(json_extract(h.report, '$.paper'), '') AS paper, "                                                      \
    "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', h.at / 1000, 'unixepoch'), '') AS last_heartbeat, "                      \
    "coalesce(h.last_error, '') AS last_error, k.kiosk_code AS enrolment_code, "                                      \
    "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', k.cert_not_after / 1000, 'unixepoch'), '') AS cert_expires, "            \
    "k.upload_key AS upload_key, coalesce((SELECT l.id FROM kiosk_ledger l WHERE l.kiosk = k.id "                     \
    "AND l.retired_at IS NULL), '') AS ledger "                                                                       \
    "FROM kiosk k LEFT JOIN kiosk_health h "                                                                          \
    "ON h.kiosk = k.id ORDER BY k.id"

/* Sales are delivered transactions, counted once each (their latest
 * state), amounts in minor units per currency. */
#define SALES(col)                                                                                               \
    "SELECT " col ", currency, count(*) AS sales, sum(delivered) AS amount FROM sale "                               \
    "WHERE state = 'delivered' AND created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2 ORDER BY 1, 2"

/* Each meter's latest reading (one row per meter: the newest, whichever
 * kiosk sent it) and its latest daily freeze (frozen_at: the meter's local
 * time with the kiosk's offset; frozen_energy), its supply in the meter's words and whether it is online:
 * read within twice the scan period (the kiosk's scan_minutes, else 60)
 * before ?2 (now). `where` picks the meters (?1). */
#define METER_STATE(where)                                                                                            \
    "SELECT m.id AS meter, m.customer, m.protocol, m.gateway, m.kind, m.tariff, m.site, "                             \
    "coalesce((SELECT c.highest FROM meter_count c WHERE c.meter = m.id), 0) AS purchase_count, "                     \
    "coalesce(r.balance, '') AS balance, "                                                                            \
    "CASE WHEN r.meter IS NULL THEN '' WHEN m.kind = 'water' THEN "                                                   \
    "(CASE r.relay_open WHEN 1 THEN 'valve closed' ELSE 'valve open' END) "                                           \
    "ELSE (CASE r.relay_open WHEN 1 THEN 'relay open' ELSE 'relay closed' END) END AS supply, "                       \
    "CASE WHEN r.at IS NOT NULL AND ?2 - r.at <= 2 * 60000 * coalesce((SELECT s.value FROM kiosk_setting s "          \
    "WHERE s.kiosk = r.kiosk AND s.key = 'scan_minutes'), 60) THEN 'yes' ELSE 'no' END AS online, "                   \
    TIME("r.at") " AS last_read, coalesce(r.energy, '') AS energy, "                                               \
    "coalesce(r.flags, '') AS flags, coalesce(r.kiosk, '') AS kiosk, coalesce(r.source, '') AS source, "             \
    "coalesce(z.at_text, '') AS frozen_at, coalesce(z.energy, '') AS frozen_energy "                                  \
    "FROM meter m LEFT JOIN frozen z ON z.meter = m.id AND z.at = (SELECT max(y.at) FROM frozen y "                   \
    "WHERE y.meter = m.id) LEFT JOIN reading r ON r.meter = m.id AND r.at = (SELECT max(x.at) FROM reading x "        \
    "WHERE x.meter = m.id) AND r.kiosk = (SELECT min(x.kiosk) FROM reading x WHERE x.meter = m.id AND x.at = r.at) " \
    "WHERE " where " ORDER BY m.id"

/* A meter's energy per period (fmt: strftime's, in UTC): the rise of each
 * register between the last reading before the period and the period's
 * last reading (a period without readings adds to the next one; the
 * meter's first period rises from its first reading), with the same
 * period a year before (prev: its key) and the change; milli-units, Wh or
 * litres by the meter's kind. */
#define METER_ENERGY(fmt, prev)                                                                                       \
    "WITH r AS (SELECT at, max(energy) AS energy, max(sharp) AS sharp, max(peak) AS peak, max(flat) AS flat, "        \
    "max(valley) AS valley FROM reading WHERE meter = ?1 GROUP BY at), "                                              \
    "f AS (SELECT * FROM r ORDER BY at LIMIT 1), "                                                                    \
    "p AS (SELECT strftime('" fmt "', at / 1000, 'unixepoch') AS period, *, row_number() OVER "                      \
    "(PARTITION BY strftime('" fmt "', at / 1000, 'unixepoch') ORDER BY at DESC) AS rn FROM r), "                    \
    "e AS (SELECT period, p.at, p.energy - coalesce(lag(p.energy) OVER w, f.energy) AS energy, "                     \
    "p.sharp - coalesce(lag(p.sharp) OVER w, f.sharp) AS sharp, p.peak - coalesce(lag(p.peak) OVER w, f.peak) AS peak, " \
    "p.flat - coalesce(lag(p.flat) OVER w, f.flat) AS flat, "                                                        \
    "p.valley - coalesce(lag(p.valley) OVER w, f.valley) AS valley "                                                  \
    "FROM p, f WHERE rn = 1 WINDOW w AS (ORDER BY p.at)) "                                                            \
    "SELECT e.period, coalesce((SELECT CASE kind WHEN 'water' THEN 'L' ELSE 'Wh' END FROM meter WHERE id = ?1), "    \
    "'Wh') AS unit, coalesce(e.energy, '') AS energy, coalesce(e.sharp, '') AS sharp, coalesce(e.peak, '') AS peak, " \
    "coalesce(e.flat, '') AS flat, coalesce(e.valley, '') AS valley, coalesce(y.energy, '') AS year_before, "         \
    "coalesce(e.energy - y.energy, '') AS change FROM e LEFT JOIN e y ON y.period = " prev " "                        \
    "WHERE e.at >= ?2 AND e.at < ?3 ORDER BY e.period"

#define INCOME(fmt) BO_SQ_INCOME(fmt, "?1", "?2", "?3", "")

/* The account a meter was bound to at time t (a column), "" if none. */
#define ACCOUNT_AT(meter, t)                                                                                          \
    "coalesce((SELECT b.account FROM account_meter b WHERE b.meter = " meter " AND b.bound_at <= " t " AND "         \
    "(b.unbound_at IS NULL OR b.unbound_at > " t ") ORDER BY b.id DESC LIMIT 1), '')"
#define MONEY_CURRENCY "coalesce((SELECT currency FROM tariff ORDER BY id LIMIT 1), '')"

/* Every movement of money: recharges (delivered sales), refunds of sales,
 * charges applied to accounts and balances refunded at an account's
 * closing; minor units, refunds negative. Charges and closings are in the
 * currency of the first tariff (the back office has one). */
#define MONEY                                                                                                         \
    "SELECT " TIME("at") " AS at, kind, reference, site, customer, account, meter, method, currency, amount FROM ("  \
    "SELECT created_at AS at, 'recharge' AS kind, txn_id AS reference, site, customer, "                              \
    ACCOUNT_AT("s.meter", "s.created_at") " AS account, meter, method, currency, delivered AS amount "               \
    "FROM sale s WHERE state = 'delivered' AND created_at >= ?1 AND created_at < ?2 "                                 \
    "UNION ALL SELECT updated_at, 'refund', txn_id, site, customer, " ACCOUNT_AT("s.meter", "s.created_at")           \
    ", meter, method, currency, -refunded FROM sale s WHERE refunded > 0 AND updated_at >= ?1 AND updated_at < ?2 "   \
    "UNION ALL SELECT c.at, 'charge', c.item || '/' || c.period, coalesce(i.site, ''), coalesce(a.customer, ''), "    \
    "c.account, '', c.mode, " MONEY_CURRENCY ", c.amount FROM charge_applied c LEFT JOIN charge_item i "             \
    "ON i.id = c.item LEFT JOIN account a ON a.id = c.account WHERE c.at >= ?1 AND c.at < ?2 "                        \
    "UNION ALL SELECT closed_at, 'account_refund', id, '', customer, id, '', 'settlement', " MONEY_CURRENCY           \
    ", -settled FROM account WHERE settlement = 'refund' AND settled <> 0 AND closed_at >= ?1 AND closed_at < ?2) AS m " \
    "ORDER BY at, kind, reference"

/* An account's usage and fees by month (UTC): the energy its meters used
 * while bound to it (each register's rise between readings, counted in the
 * month of the later one; Wh, or litres for water), the recharges to them
 * while bound, and the charges applied to it. */
#define ACCOUNT_MONTH                                                                                                 \
    "WITH b AS (SELECT meter, bound_at, coalesce(unbound_at, 9223372036854775807) AS until FROM account_meter "       \
    "WHERE account = ?1), r AS (SELECT meter, at, max(energy) AS energy FROM reading WHERE meter IN "                 \
    "(SELECT meter FROM b) GROUP BY meter, at), u AS (SELECT meter, at, energy - lag(energy, 1, energy) OVER "        \
    "(PARTITION BY meter ORDER BY at) AS used FROM r), "                                                              \
    "e AS (SELECT strftime('%Y-%m', u.at / 1000, 'unixepoch') AS month, sum(u.used) AS energy FROM u JOIN b "         \
    "ON b.meter = u.meter AND u.at >= b.bound_at AND u.at < b.until WHERE u.at >= ?2 AND u.at < ?3 GROUP BY 1), "     \
    "s AS (SELECT strftime('%Y-%m', s.created_at / 1000, 'unixepoch') AS month, count(*) AS recharges, "              \
    "sum(s.delivered) AS paid FROM sale s JOIN b ON b.meter = s.meter AND s.created_at >= b.bound_at "                \
    "AND s.created_at < b.until WHERE s.state = 'delivered' AND s.created_at >= ?2 AND s.created_at < ?3 GROUP BY 1), " \
    "c AS (SELECT strftime('%Y-%m', at / 1000, 'unixepoch') AS month, sum(amount) AS charged FROM charge_applied "    \
    "WHERE account = ?1 AND at >= ?2 AND at < ?3 GROUP BY 1), "                                                       \
    "m AS (SELECT month FROM e UNION SELECT month FROM s UNION SELECT month FROM c) "                                  \
    "SELECT m.month, coalesce(e.energy, 0) AS energy, coalesce(s.recharges, 0) AS recharges, "                        \
    "coalesce(s.paid, 0) AS paid, coalesce(c.charged, 0) AS charged, " MONEY_CURRENCY " AS currency FROM m "         \
    "LEFT JOIN e ON e.month = m.month LEFT JOIN s ON s.month = m.month LEFT JOIN c ON c.month = m.month "             \
    "ORDER BY m.month"

static const listing_t listings[] = {
    [BO_LIST_SITES] = {"SELECT id, name FROM site ORDER BY id", NONE},
    [BO_LIST_KIOSKS] = {KIOSKS, NONE},
    [BO_LIST_CUSTOMERS] = {"SELECT id, name FROM customer ORDER BY id", NONE},
    [BO_LIST_METERS] = {METER_STATE("(?1 = '' OR m.site = ?1)"), ID_NOW},
    /* a page of them: the page's meters picked first, then their states */
    [BO_LIST_METERS_PAGE] = {METER_STATE("m.id IN (SELECT x.id FROM meter x WHERE ?1 = '' OR x.site = ?1 "
                                         "ORDER BY x.id LIMIT ?3 OFFSET ?4)"),
                             ID_NOW_PAGE},
    [BO_LIST_METERS_COUNT] = {"SELECT count(*) AS n FROM meter m WHERE ?1 = '' OR m.site = ?1", ID},
    [BO_LIST_CARDS] = {"SELECT c.serial, c.meter, c.customer, c.type, c.generation, c.state, c.kiosk, "
                       "coalesce(b.reason, '') AS blocked FROM card c LEFT JOIN blocked_card b ON b.serial = c.serial "
                       "UNION ALL SELECT b.serial, '', '', '', '', '', '', b.reason FROM blocked_card b "
                       "WHERE b.serial NOT IN (SELECT serial FROM card) ORDER BY 1",
                       NONE},
    [BO_LIST_TARIFFS] = {"SELECT id, currency, text FROM tariff ORDER BY id", NONE},
    [BO_LIST_SETTINGS] = {"SELECT kiosk, key, value FROM kiosk_setting ORDER BY kiosk, key", NONE},
    [BO_LIST_COUNTS] = {"SELECT c.meter, c.highest, coalesce(l.count, '') AS leased, coalesce(l.kiosk, '') AS kiosk, "
                        "coalesce(l.txn_id, '') AS txn, coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', l.ends_at / 1000, "
                        "'unixepoch'), '') AS lease_ends FROM meter_count c LEFT JOIN count_lease l "
                        "ON l.meter = c.meter ORDER BY c.meter",
                        NONE},
    [BO_LIST_GRANTS] = {"SELECT id, site, from_site, meter, reason, granted_by, "
                        "strftime('%Y-%m-%dT%H:%M:%SZ', granted_at / 1000, 'unixepoch') AS granted "
                        "FROM site_grant WHERE revoked_at IS NULL ORDER BY id",
                        NONE},
    [BO_LIST_GRANTS_ALL] = {"SELECT id, site, from_site, meter, reason, granted_by, "
                            "strftime('%Y-%m-%dT%H:%M:%SZ', granted_at / 1000, 'unixepoch') AS granted, revoked_by, "
                            "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at / 1000, 'unixepoch'), '') AS revoked, "
                            "revoke_reason FROM site_grant ORDER BY id",
                            NONE},
    [BO_LIST_QUARANTINE_HELD] = {"SELECT id, kiosk, coalesce(seq, '') AS seq, topic, meter, rule, "
                                 "strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, 'unixepoch') AS received, reason "
                                 "FROM quarantine WHERE state = 'held' ORDER BY id",
                                 NONE},
    [BO_LIST_QUARANTINE_ALL] = {"SELECT id, kiosk, coalesce(seq, '') AS seq, topic, meter, rule, "
                                "strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, 'unixepoch') AS received, state, "
                                "decided_by, note, reason FROM quarantine ORDER BY id",
                                NONE},
    [BO_LIST_ACCOUNTS] = {"SELECT a.id AS account, a.customer, a.state, " TIME("a.opened_at") " AS opened, "
                          TIME("a.closed_at") " AS closed, a.balance, a.settlement, "
                          "(SELECT count(*) FROM account_meter b WHERE b.account = a.id AND b.unbound_at IS NULL) "
                          "AS meters FROM account a ORDER BY a.id",
                          NONE},
    [BO_LIST_ACCOUNT] = {"SELECT a.id AS account, a.customer, coalesce(c.name, '') AS name, a.state, "
                         TIME("a.opened_at") " AS opened, " TIME("a.closed_at") " AS closed, a.balance, a.settlement, "
                         "a.settled, a.carried_to, a.close_reason "
                         "FROM account a LEFT JOIN customer c ON c.id = a.customer WHERE a.id = ?",
                         ID},
    [BO_LIST_ACCOUNT_METERS] = {"SELECT b.meter, " TIME("b.bound_at") " AS bound, " TIME("b.unbound_at")
                                " AS unbound, coalesce(b.final_reading, '') AS final_reading, b.unbound_why AS why, "
                                "CASE WHEN b.first_zero_ok = 1 THEN 'yes' ELSE 'no' END AS zero_first_ok "
                                "FROM account_meter b WHERE b.account = ? ORDER BY b.id",
                                ID},
    [BO_LIST_ACCOUNT_CARDS] = {"SELECT c.serial, c.meter, c.type, c.generation, c.state, c.kiosk, "
                               "coalesce(k.reason, '') AS blocked FROM card c LEFT JOIN blocked_card k "
                               "ON k.serial = c.serial WHERE c.meter IN (SELECT meter FROM account_meter "
                               "WHERE account = ?) ORDER BY c.meter, c.generation",
                               ID},
    [BO_LIST_GROUPS] = {"SELECT name, perms FROM staff_group ORDER BY name", NONE},
    [BO_LIST_OPERATORS] = {"SELECT name, group_name AS \"group\", CASE disabled WHEN 1 THEN 'disabled' ELSE 'active' "
                           "END AS state, strftime('%Y-%m-%dT%H:%M:%SZ', updated_at / 1000, 'unixepoch') AS updated, "
                           "coalesce((SELECT s.org FROM staff_org s WHERE s.operator = staff_operator.name), '') AS org "
                           "FROM staff_operator ORDER BY name",
                           NONE},
    /* By the local day (UTC + ?3 ms): the day starts at 00:00 on the sites' clocks. */
    [BO_REPORT_SALES_DAY] = {"SELECT strftime('%Y-%m-%d', (created_at + ?3) / 1000, 'unixepoch') AS day, currency, "
                             "count(*) AS sales, sum(delivered) AS amount FROM sale WHERE state = 'delivered' "
                             "AND created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2 ORDER BY 1, 2",
                             LOCAL_RANGE},
    [BO_REPORT_SALES_SITE] = {SALES("site"), RANGE},
    [BO_REPORT_SALES_METHOD] = {SALES("method"), RANGE},
    /* Energy between two consecutive readings of a meter is counted in the
     * month of the later one (Wh, or litres for water). */
    [BO_REPORT_ENERGY] = {"SELECT meter, strftime('%Y-%m', at / 1000, 'unixepoch') AS month, sum(used) AS energy, "
                          "count(*) AS readings FROM (SELECT meter, at, energy - lag(energy, 1, energy) OVER "
                          "(PARTITION BY meter ORDER BY at) AS used"
                          "  FROM (SELECT meter, at, max(energy) AS energy FROM reading GROUP BY meter, at) AS m) AS u"
                          " WHERE at >= ?1 AND at < ?2 GROUP BY 1, 2 ORDER BY 1, 2",
                          RANGE},
    /* Rows kiosks uploaded that could never be stored, with the reason. */
    [BO_REPORT_REJECTED] = {"SELECT kiosk, seq, topic, strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, "
                            "'unixepoch') AS received, reason FROM ingest_row WHERE status = 'rejected' "
                            "AND received_at >= ?1 AND received_at < ?2 ORDER BY received_at, kiosk, seq",
                            RANGE},
    /* Alerts: those kiosks uploaded and the back office's own for staff. */
    [BO_REPORT_ALERTS] = {"SELECT kiosk, kiosk_alert AS id, strftime('%Y-%m-%dT%H:%M:%SZ', at / 1000, 'unixepoch') "
                          "AS at, meter, kind, severity, evidence FROM alert WHERE at >= ?1 AND at < ?2 "
                          "ORDER BY alert.at, kiosk, kiosk_alert",
                          RANGE},
    /* Rows held for staff, held or decided. */
    [BO_REPORT_QUARANTINE] = {"SELECT id, kiosk, coalesce(seq, '') AS seq, topic, meter, rule, "
                              "strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, 'unixepoch') AS received, state, "
                              "decided_by, note, reason FROM quarantine WHERE received_at >= ?1 AND received_at < ?2 "
                              "ORDER BY id",
                              RANGE},
    /* The fleet's audit trail, oldest first. */
    [BO_REPORT_AUDIT] = {"SELECT kiosk, kiosk_audit AS audit_id, "
                         "strftime('%Y-%m-%dT%H:%M:%SZ', at / 1000, 'unixepoch') AS at, actor, action, target, "
                         "reason, detail FROM audit WHERE (?1 = '' OR kiosk = ?1) AND at >= ?2 "
                         "AND (?3 = '' OR action = ?3) ORDER BY audit.at, kiosk, kiosk_audit, id",
                         AUDIT},
    /* Central commands with their outcomes, newest first. */
    [BO_LIST_COMMANDS] = {"SELECT id, meter, kiosk, command, params, state, operator, " TIME("issued_at") " AS issued, "
                          TIME("expires_at") " AS expires, " TIME("executed_at") " AS executed, txn_id AS txn, "
                          "coalesce(balance_after, '') AS balance_after, coalesce(count_after, '') AS count_after, "
                          "batch, outcome FROM meter_command WHERE (?1 = '' OR meter = ?1) AND (?2 = '' OR state = ?2) "
                          "ORDER BY issued_at DESC, id",
                          FILTER},
    [BO_LIST_METER_ONE] = {METER_STATE("m.id = ?1"), ID_NOW},
    [BO_REPORT_METER_DAY] = {METER_ENERGY("%Y-%m-%d", "date(e.period, '-1 year')"), ID_RANGE},
    [BO_REPORT_METER_MONTH] = {METER_ENERGY("%Y-%m", "strftime('%Y-%m', e.period || '-01', '-1 year')"), ID_RANGE},
    [BO_REPORT_METER_YEAR] = {METER_ENERGY("%Y", "printf('%04d', CAST(e.period AS INTEGER) - 1)"), ID_RANGE},
    /* Alerts for staff with their state: open, cleared (the kiosk or meter
     * is back) or acknowledged (by whom, why). */
    [BO_LIST_ALERTS] = {"SELECT id, kiosk, subject AS about, meter, " TIME("at") " AS at, kind, severity, evidence, "
                        "CASE WHEN acked_at IS NOT NULL THEN 'acknowledged' WHEN cleared_at IS NOT NULL THEN 'cleared' "
                        "ELSE 'open' END AS state, " TIME("cleared_at") " AS cleared, acked_by, ack_reason, "
                        TIME("acked_at") " AS acknowledged FROM alert WHERE (?1 = 0 OR (acked_at IS NULL AND "
                        "cleared_at IS NULL)) ORDER BY id",
                        OPEN},
    /* Batches with how many meters' latest attempts are in each state. */
    /* The notice outbox, newest first, the recipient masked. */
    /* A meter's last top-ups (the phone page): sales that delivered credit, newest first. */
    [BO_LIST_METER_TOPUPS] = {"SELECT " TIME("created_at") " AS at, method, currency, delivered AS amount "
                              "FROM sale WHERE meter = ?1 AND delivered > 0 ORDER BY created_at DESC, txn_id LIMIT 10",
                              ID},
    [BO_LIST_NOTICES] = {"SELECT id, " TIME("created_at") " AS created, account, meter, kind, channel, shown AS "
                         "recipient, lang, state, attempts, " TIME("next_try_at") " AS next_try, " TIME("sent_at")
                         " AS sent, provider_id, report, error, key FROM notice_outbox WHERE (?1 = '' OR account = ?1) "
                         "AND (?2 = '' OR state = ?2) ORDER BY id DESC LIMIT 1000",
                         FILTER},
    [BO_LIST_BATCHES] = {"SELECT b.id, b.command, b.selection, " TIME("b.run_at") " AS run_at, b.retries, b.state, "
                         "b.operator, b.reason, " TIME("b.created_at") " AS created, count(l.meter) AS meters, "
                         BATCH_COUNT("queued") ", " BATCH_COUNT("sent") ", " BATCH_COUNT("done") ", "
                         BATCH_COUNT("failed") ", " BATCH_COUNT("unknown") ", " BATCH_COUNT("expired") ", "
                         BATCH_COUNT("refused") ", " BATCH_COUNT("cancelled") ", b.params FROM batch b "
                         "LEFT JOIN (" BATCH_LATEST("''") ") l ON l.batch = b.id WHERE ?1 = '' OR b.id = ?1 "
                         "GROUP BY b.id ORDER BY b.created_at DESC, b.id",
                         ID},
    /* A batch's meters, each with its latest attempt. */
    [BO_LIST_BATCH_METERS] = {"SELECT meter, attempt, id AS command_id, state, outcome, kiosk, " TIME("issued_at")
                              " AS issued, " TIME("executed_at") " AS executed, txn_id AS txn FROM ("
                              BATCH_LATEST("?1") ") AS l ORDER BY meter",
                              ID},
    [BO_LIST_BATCH_COUNTS] = {"SELECT state, count(*) AS meters FROM (" BATCH_LATEST("?1") ") AS l GROUP BY state "
                              "ORDER BY state",
                              ID},
    [BO_REPORT_INCOME_DAY] = {INCOME("%Y-%m-%d"), LOCAL_RANGE},
    [BO_REPORT_INCOME_MONTH] = {INCOME("%Y-%m"), LOCAL_RANGE},
    [BO_REPORT_INCOME_YEAR] = {INCOME("%Y"), LOCAL_RANGE},
    [BO_REPORT_MONEY] = {MONEY, RANGE},
    [BO_REPORT_ACCOUNT_MONTH] = {ACCOUNT_MONTH, ID_RANGE},
};

/* Runs the listing's statement sql with the arguments binds names. */
static kerr_t run(bo_db_t *db, const char *sql, binds_t binds, const bo_list_args_t *a, bo_cur_t **st, bool *row,
                  kmsg_t *msg)
{
    const char *id = a->id ? a->id : "";
    if (binds == ID)
        return bo_db_first(db, st, row, msg, sql, "t", id);
    if (binds == RANGE)
        return bo_db_first(db, st, row, msg, sql, "ii", a->from, a->to);
    if (binds == LOCAL_RANGE)
        return bo_db_first(db, st, row, msg, sql, "iii", a->from, a->to, a->utc_offset_ms);
    if (binds == ID_NOW)
        return bo_db_first(db, st, row, msg, sql, "ti", id, a->from);
    if (binds == ID_NOW_PAGE)
        return bo_db_first(db, st, row, msg, sql, "tiii", id, a->from, a->limit, a->offset);
    if (binds == ID_RANGE)
        return bo_db_first(db, st, row, msg, sql, "tii", id, a->from, a->to);
    if (binds == OPEN)
        return bo_db_first(db, st, row, msg, sql, "i", (int64_t)a->open_only);
    if (binds == AUDIT)
        return bo_db_first(db, st, row, msg, sql, "tit", a->kiosk, a->from, a->action);
    if (binds == FILTER)
        return bo_db_first(db, st, row, msg, sql, "tt", id, a->action);
    return bo_db_first(db, st, row, msg, sql, "");
}

/* Every row of st (on its first row if row) into out, then st ended. */
static kerr_t fill_all(bo_db_t *db, bo_cur_t *st, bool row, bo_rows_t *out, kmsg_t *msg)
{
    int cols = bo_cur_cols(st);
    const char *texts[64];
    bo_cell_t kinds[64];
    kerr_t rc = K_OK;
    bool ok = cols <= 64 && bo_rows_init(out, cols);
    for (int i = 0; ok && i < cols; i++)
        ok = bo_rows_name(out, i, bo_cur_name(st, i));
    for (; ok && row; row = bo_db_next(db, st, &rc, msg)) {
        for (int i = 0; i < cols; i++) {
            kinds[i] = bo_cur_kind(st, i); /* before the text conversion below */
            texts[i] = bo_db_col(st, i);
        }
        ok = bo_rows_add(out, texts, kinds);
    }
    bo_db_end(st);
    if (ok && rc == K_OK)
        return K_OK;
    bo_rows_free(out);
    return ok ? rc : kmsg_set(msg, K_EIO, "out of memory");
}

kerr_t bo__sq_list(void *ctx, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg)
{
    bo_cur_t *st;
    bool row;
    memset(out, 0, sizeof *out);
    if ((unsigned)what >= sizeof listings / sizeof listings[0] || !listings[what].sql)
        return kmsg_set(msg, K_EINVAL, "no listing %d", (int)what);
    kerr_t rc = run(ctx, listings[what].sql, listings[what].binds, args, &st, &row, msg);
    return rc ? rc : fill_all(ctx, st, row, out, msg);
}

kerr_t bo__sq_fill(void *ctx, bo_cur_t *st, bool row, bo_rows_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    return fill_all(ctx, st, row, out, msg);
}

kerr_t bo__sq_rows(void *ctx, const char *sql, const char *p1, const char *p2, const char *p3, bo_rows_t *out,
                   kmsg_t *msg)
{
    bo_cur_t *st;
    bool row;
    memset(out, 0, sizeof *out);
    kerr_t rc = bo_db_first(ctx, &st, &row, msg, sql, "ttt", p1, p2, p3);
    return rc ? rc : fill_all(ctx, st, row, out, msg);
}
