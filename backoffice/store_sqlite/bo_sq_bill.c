/* The SQLite store's daily billing (bo_store_bill.h, bo_st_bill_t): the
 * tables bill_day and bill_mark (bo_schema.c, version 11). */
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

/* A meter with its tariff's currency and text ("" when not known). */
#define METER_COLS                                                                                                \
    "SELECT m.id, m.site, CASE WHEN t.id IS NULL THEN '' ELSE m.tariff END, coalesce(t.currency, ''), "           \
    "coalesce(t.text, '') FROM meter m LEFT JOIN tariff t ON t.id = m.tariff "

static void meter_of(bo_cur_t *st, bo_bill_meter_cb fn, void *arg)
{
    bo_bill_meter_t m = {bo_db_col(st, 0), bo_db_col(st, 1), bo_db_col(st, 2), bo_db_col(st, 3), bo_db_col(st, 4)};
    fn(arg, &m);
}

static kerr_t meters_each(void *ctx, const char *site, bo_bill_meter_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, METER_COLS "WHERE ?1 = '' OR m.site = ?1 ORDER BY m.id", "t",
                            site ? site : "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        meter_of(st, fn, arg);
    bo_db_end(st);
    return rc;
}

static kerr_t meter_get(void *ctx, const char *meter, bo_bill_meter_cb fn, void *arg, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg, METER_COLS "WHERE m.id = ?", "t", meter);
    if (rc == K_OK && *found)
        meter_of(st, fn, arg);
    bo_db_end(st);
    return rc;
}

/* The last reading before ?2, those in [?2, ?3) and the first at or after
 * ?3; of several kiosks' readings at one instant, the highest register
 * (and its balance). */
static kerr_t readings(void *ctx, const char *meter, int64_t start, int64_t end, bo_bill_reading_t *out, size_t max,
                       size_t *n, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT at, energy, balance FROM (SELECT at, energy, balance, row_number() OVER "
                            "(PARTITION BY at ORDER BY energy DESC) AS n FROM reading WHERE meter = ?1 "
                            "AND at >= coalesce((SELECT max(at) FROM reading WHERE meter = ?1 AND at < ?2), ?2) "
                            "AND at <= coalesce((SELECT min(at) FROM reading WHERE meter = ?1 AND at >= ?3), ?3)) AS r "
                            "WHERE n = 1 ORDER BY at",
                            "tii", meter, start, end);
    for (*n = 0; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        if (*n == max) {
            rc = kmsg_set(msg, K_EOVERFLOW, "meter %s has more than %zu readings in a day", meter, max);
            break;
        }
        out[(*n)++] = (bo_bill_reading_t){bo_cur_int(st, 0), bo_cur_int(st, 1),
                                          bo_cur_int(st, 2)};
    }
    bo_db_end(st);
    return rc;
}

static kerr_t freeze(void *ctx, const char *meter, int64_t at, bo_bill_freeze_t *f, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(f, 0, sizeof *f);
    kerr_t rc = bo_db_first(ctx, &st, &f->have, msg,
                            "SELECT energy, sharp, peak, flat, valley FROM frozen WHERE meter = ? AND at = ?", "ti",
                            meter, at);
    if (rc == K_OK && f->have) {
        f->energy = bo_cur_int(st, 0);
        f->bands = true;
        for (int b = 0; b < 4; b++) {
            f->bands = f->bands && !bo_cur_null(st, 1 + b);
            f->band[b] = bo_cur_int(st, 1 + b);
        }
    }
    bo_db_end(st);
    return rc;
}

static kerr_t past(void *ctx, const char *meter, const char *from, const char *to, bo_bill_past_t *out, size_t max,
                   size_t *n, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT day, energy, money FROM bill_day WHERE meter = ? AND day >= ? AND day < ? "
                            "ORDER BY day",
                            "ttt", meter, from, to);
    for (*n = 0; rc == K_OK && more && *n < max; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_db_copy(st, 0, out[*n].day, sizeof out[*n].day);
        out[*n].energy = bo_cur_int(st, 1);
        out[(*n)++].money = bo_cur_int(st, 2);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t last_day(void *ctx, const char *meter, char day[11], kmsg_t *msg)
{
    return bo_db_get_text(ctx, day, 11, NULL, msg, "SELECT coalesce(max(day), '') FROM bill_day WHERE meter = ?", "t",
                          meter);
}

static kerr_t put(void *ctx, const bo_bill_row_t *r, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "storing a day's bill",
                       "INSERT INTO bill_day(meter, day, site, tariff, currency, method, complete, energy, "
                       "sharp, peak, flat, valley, money, balance, days_left_7, days_left_30, billed_at) VALUES "
                       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CASE WHEN ?9 THEN CAST(?10 AS BIGINT) END, CASE WHEN ?9 THEN CAST(?11 AS BIGINT) END, "
                       "CASE WHEN ?9 THEN CAST(?12 AS BIGINT) END, CASE WHEN ?9 THEN CAST(?13 AS BIGINT) END, ?14, CASE WHEN ?15 THEN CAST(?16 AS BIGINT) END, ?17, "
                       "?18, ?19) ON CONFLICT (meter, day) DO UPDATE SET "
                       "site = excluded.site, tariff = excluded.tariff, currency = excluded.currency, "
                       "method = excluded.method, complete = excluded.complete, energy = excluded.energy, "
                       "sharp = excluded.sharp, peak = excluded.peak, flat = excluded.flat, valley = excluded.valley, "
                       "money = excluded.money, balance = excluded.balance, days_left_7 = excluded.days_left_7, "
                       "days_left_30 = excluded.days_left_30, billed_at = excluded.billed_at",
                       "ttttttiiiiiiiiiiiii", r->meter, r->day, r->site, r->tariff, r->currency, r->method,
                       (int64_t)r->complete, r->energy, (int64_t)r->bands, r->band[0], r->band[1], r->band[2],
                       r->band[3], r->money, (int64_t)r->has_balance, r->balance, r->left7, r->left30, r->billed_at);
}

/* Each meter's new rows of one table (sql: meter, lo, hi, the highest
 * rowid after ?1), one call per meter. */
static kerr_t dirty_of(void *ctx, const char *sql, int64_t *mark, bo_bill_dirty_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, sql, "i", *mark);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        fn(arg, bo_db_col(st, 0), bo_cur_int(st, 1), bo_cur_int(st, 2));
        if (bo_cur_int(st, 3) > *mark)
            *mark = bo_cur_int(st, 3);
    }
    bo_db_end(st);
    return rc;
}

/* A reading moves the days between its neighbours (a meter's new readings
 * together: from the first one's neighbour to the last one's); a freeze at
 * a midnight the day before it and its own. */
static kerr_t dirty_each(void *ctx, int64_t *reading, int64_t *frozen, bo_bill_dirty_cb fn, void *arg, kmsg_t *msg)
{
    kerr_t rc = dirty_of(ctx,
                         "SELECT meter, min(lo), max(hi), max(id) FROM (SELECT n.meter, coalesce((SELECT max(p.at) "
                         "FROM reading p WHERE p.meter = n.meter AND p.at < n.at), n.at) AS lo, coalesce((SELECT "
                         "min(x.at) FROM reading x WHERE x.meter = n.meter AND x.at > n.at), n.at) AS hi, n.rowid AS id "
                         "FROM reading n WHERE n.rowid > ?) AS d GROUP BY meter",
                         reading, fn, arg, msg);
    if (rc == K_OK)
        rc = dirty_of(ctx, "SELECT meter, min(at) - 1, max(at), max(rowid) FROM frozen WHERE rowid > ? GROUP BY meter", frozen, fn,
                      arg, msg);
    return rc;
}

static kerr_t mark_get(void *ctx, const char *name, int64_t *v, kmsg_t *msg)
{
    *v = 0;
    return bo_db_get_int(ctx, v, NULL, msg, "SELECT value FROM bill_mark WHERE name = ?", "t", name);
}

static kerr_t mark_set(void *ctx, const char *name, int64_t v, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "recording what billing has seen",
                       "INSERT INTO bill_mark(name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", "ti", name, v);
}

/* Milli-days as "12.345" ('' when not known). */
#define DAYS(col) "CASE WHEN " col " < 0 THEN '' ELSE printf('%d.%03d', " col " / 1000, " col " % 1000) END"

/* The report: each meter's days (?2 to ?3) picked by `which` (?1), then a
 * total: the energy and money summed, the balance each meter's last (a band no day has: NULL, shown empty). */
#define REPORT(which)                                                                                                \
    "WITH d AS (SELECT * FROM bill_day WHERE day >= ?2 AND day <= ?3 AND " which "), "                              \
    "last AS (SELECT balance FROM d WHERE balance IS NOT NULL AND day = (SELECT max(x.day) FROM d x "                \
    "WHERE x.meter = d.meter AND x.balance IS NOT NULL)) "                                                           \
    "SELECT day, meter, currency, energy, sharp, peak, flat, valley, money, balance, days_left_7, days_left_30, "   \
    "method FROM (SELECT day, meter, currency, energy, coalesce(sharp, '') AS sharp, coalesce(peak, '') AS peak, "  \
    "coalesce(flat, '') AS flat, coalesce(valley, '') AS valley, money, coalesce(balance, '') AS balance, "         \
    DAYS("days_left_7") " AS days_left_7, " DAYS("days_left_30") " AS days_left_30, method FROM d "                 \
    "UNION ALL SELECT 'total', '', coalesce(max(currency), ''), coalesce(sum(energy), 0), sum(sharp), sum(peak), "  \
    "sum(flat), sum(valley), coalesce(sum(money), 0), (SELECT sum(balance) FROM last), '', '', '' FROM d) AS r "   \
    "ORDER BY day = 'total', day, meter"

static kerr_t report(void *ctx, bo_bill_by_t by, const char *id, const char *from, const char *to, bo_rows_t *out,
                     kmsg_t *msg)
{
    static const char *const sql[] = {
        [BO_BILL_BY_METER] = REPORT("meter = ?1"),
        [BO_BILL_BY_ACCOUNT] = REPORT("meter IN (SELECT meter FROM account_meter WHERE account = ?1)"),
        [BO_BILL_BY_SITE] = REPORT("site = ?1"),
    };
    return bo__sq_rows(ctx, sql[by], id, from, to, out, msg);
}

const bo_st_bill_t bo__sq_bill = {
    .meters_each = meters_each,
    .meter_get = meter_get,
    .readings = readings,
    .freeze = freeze,
    .past = past,
    .last_day = last_day,
    .put = put,
    .dirty_each = dirty_each,
    .mark_get = mark_get,
    .mark_set = mark_set,
    .report = report,
};
