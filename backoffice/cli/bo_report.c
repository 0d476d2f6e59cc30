/* Reports: sales by day, site or method from the transactions' latest
 * states; energy by meter and month from the meters' readings. */
#include <stdio.h>
#include <string.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/base/bo_json.h"

/* A text cell a spreadsheet would take for a formula (=, +, -, @, or a
 * tab or carriage return first: kiosk-sent text such as an audit reason)
 * is written after an apostrophe, so it opens as the text it is. */
static bool formula_like(const char *s)
{
    return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

static void csv_field(FILE *out, const char *s, bool text)
{
    bool guard = text && formula_like(s);
    if (!guard && !strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (guard)
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int bo_print_rows(sqlite3_stmt *st, bool csv, FILE *out)
{
    int cols = sqlite3_column_count(st), n = 0, src;
    for (int i = 0; i < cols; i++) {
        if (csv)
            csv_field(out, sqlite3_column_name(st, i), false);
        else
            fprintf(out, "%-16s", sqlite3_column_name(st, i));
        fputs(i + 1 < cols ? (csv ? "," : " ") : (csv ? "\r\n" : "\n"), out);
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < cols; i++) {
            bool text = sqlite3_column_type(st, i) == SQLITE_TEXT; /* before the conversion below */
            const unsigned char *t = sqlite3_column_text(st, i);
            if (csv)
                csv_field(out, t ? (const char *)t : "", text);
            else
                fprintf(out, "%-16s", t ? (const char *)t : "");
            fputs(i + 1 < cols ? (csv ? "," : " ") : (csv ? "\r\n" : "\n"), out);
        }
        n++;
    }
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? n : -1;
}

/* Sales are delivered transactions, counted once each (their latest state),
 * amounts in minor units per currency. */
static const char *sales_sql(const char *by)
{
    if (strcmp(by, "day") == 0)
        return "SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, currency, count(*) AS sales, "
               "sum(delivered) AS amount FROM sale WHERE state = 'delivered' AND created_at >= ?1 AND created_at < ?2 "
               "GROUP BY 1, 2 ORDER BY 1, 2";
    if (strcmp(by, "site") == 0)
        return "SELECT site, currency, count(*) AS sales, sum(delivered) AS amount FROM sale "
               "WHERE state = 'delivered' AND created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2 ORDER BY 1, 2";
    if (strcmp(by, "method") == 0)
        return "SELECT method, currency, count(*) AS sales, sum(delivered) AS amount FROM sale "
               "WHERE state = 'delivered' AND created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2 ORDER BY 1, 2";
    return NULL;
}

/* Energy between two consecutive readings of a meter is counted in the
 * month of the later one (Wh, or litres for water). */
static const char energy_sql[] =
    "SELECT meter, strftime('%Y-%m', at / 1000, 'unixepoch') AS month, sum(used) AS energy, count(*) AS readings "
    "FROM (SELECT meter, at, energy - lag(energy, 1, energy) OVER (PARTITION BY meter ORDER BY at) AS used"
    "  FROM (SELECT meter, at, max(energy) AS energy FROM reading GROUP BY meter, at))"
    " WHERE at >= ?1 AND at < ?2 GROUP BY 1, 2 ORDER BY 1, 2";

/* Rows kiosks uploaded that could never be stored, with the reason. */
static const char rejected_sql[] =
    "SELECT kiosk, seq, topic, strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, 'unixepoch') AS received, "
    "reason FROM ingest_row WHERE status = 'rejected' AND received_at >= ?1 AND received_at < ?2 "
    "ORDER BY received_at, kiosk, seq";

/* Alerts: those kiosks uploaded and the back office's own for staff
 * (kiosk `backoffice`: rows out of a kiosk's scope, rows held). */
static const char alerts_sql[] =
    "SELECT kiosk, kiosk_alert AS id, strftime('%Y-%m-%dT%H:%M:%SZ', at / 1000, 'unixepoch') AS at, meter, kind, "
    "severity, evidence FROM alert WHERE at >= ?1 AND at < ?2 ORDER BY alert.at, kiosk, kiosk_alert";

/* Rows held for staff (bo_quarantine.h), held or decided. */
static const char quarantine_sql[] =
    "SELECT id, kiosk, coalesce(seq, '') AS seq, topic, meter, rule, "
    "strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, 'unixepoch') AS received, state, decided_by, note, reason "
    "FROM quarantine WHERE received_at >= ?1 AND received_at < ?2 ORDER BY id";

const char *bo_report_sql(const char *what, const char *by)
{
    if (strcmp(what, "sales") == 0)
        return sales_sql(by ? by : "day");
    if (strcmp(what, "rejected") == 0)
        return rejected_sql;
    if (strcmp(what, "alerts") == 0)
        return alerts_sql;
    if (strcmp(what, "quarantine") == 0)
        return quarantine_sql;
    return strcmp(what, "energy") == 0 ? energy_sql : NULL;
}

const char *bo_kiosk_list_sql(void)
{
    return "SELECT k.id, k.site, k.state, coalesce(h.software, '') AS software, "
           "coalesce(h.outbox_depth, '') AS outbox_depth, "
           "coalesce(json_extract(h.report, '$.cashbox.fill_percent'), '') AS cashbox_fill, "
           "coalesce(json_extract(h.report, '$.paper'), '') AS paper, "
           "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', h.at / 1000, 'unixepoch'), '') AS last_heartbeat, "
           "coalesce(h.last_error, '') AS last_error, k.kiosk_code AS enrolment_code, "
           "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', k.cert_not_after / 1000, 'unixepoch'), '') AS cert_expires, "
           "k.upload_key AS upload_key, coalesce((SELECT l.id FROM kiosk_ledger l WHERE l.kiosk = k.id "
           "AND l.retired_at IS NULL), '') AS ledger "
           "FROM kiosk k LEFT JOIN kiosk_health h "
           "ON h.kiosk = k.id ORDER BY k.id";
}

static bool range(const bo_args_t *a, int64_t *from, int64_t *to)
{
    const char *f = bo_arg(a, "from"), *t = bo_arg(a, "to");
    *from = 0;
    *to = INT64_MAX;
    if (f && !bo_time_parse(f, from)) {
        fprintf(stderr, "backoffice: --from %s is not a date like 2026-11-01\n", f);
        return false;
    }
    if (t && !bo_time_parse(t, to)) {
        fprintf(stderr, "backoffice: --to %s is not a date like 2026-12-01\n", t);
        return false;
    }
    return true;
}

int bo_report(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *what = a->npos > 1 ? a->pos[1] : "", *by = bo_arg(a, "by");
    const char *sql = bo_report_sql(what, by);
    int64_t from, to;
    if (strcmp(what, "audit") == 0)
        return bo_report_audit(db, a, out);
    if (!sql) {
        fprintf(stderr, "usage: backoffice report sales --by day|site|method [--csv] [--from DATE] [--to DATE]\n"
                        "       backoffice report energy|rejected|alerts|quarantine [--csv] [--from DATE] [--to DATE]\n"
                        "       backoffice report audit [--kiosk ID] [--since DATE] [--action A] [--csv]\n");
        return BO_EXIT_USAGE;
    }
    if (!range(a, &from, &to))
        return BO_EXIT_USAGE;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "backoffice: the report failed: %s\n", sqlite3_errmsg(db));
        return BO_EXIT_FAIL;
    }
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    if (bo_print_rows(st, bo_arg(a, "csv") != NULL, out) < 0) {
        fprintf(stderr, "backoffice: the report failed: %s\n", sqlite3_errmsg(db));
        return BO_EXIT_FAIL;
    }
    return BO_EXIT_OK;
}
