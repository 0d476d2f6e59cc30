/* Staff's read-only JSON API: the reports and the fleet, as the command
 * line prints them (the same SQL), as JSON or, with format=csv, CSV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/base/bo_json.h"
#include "backoffice/http/bo_server.h"
#include "kiosk/app/kjson.h"

/* Every row of st as an object named by its columns; finalizes st. */
static cJSON *rows_json(sqlite3_stmt *st)
{
    cJSON *arr = cJSON_CreateArray();
    int cols = sqlite3_column_count(st);
    while (arr && sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        for (int i = 0; i < cols; i++) {
            const char *name = sqlite3_column_name(st, i);
            if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
                kjson_add_int(o, name, sqlite3_column_int64(st, i));
            else
                kjson_add_str(o, name, bo_db_col(st, i));
        }
    }
    sqlite3_finalize(st);
    return arr;
}

/* Answers the rows of st (parameters bound) as JSON {"rows": [...]} or CSV. */
static void answer_rows(bo_req_t *q, bo_resp_t *r, sqlite3_stmt *st)
{
    const char *format = bo_req_arg(q, "format");
    if (format && strcmp(format, "csv") == 0) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        int n = f ? bo_print_rows(st, true, f) : -1;
        if (f)
            fclose(f);
        if (n < 0) {
            free(buf);
            bo_resp_error(r, 500, "internal", "the report failed; retry later");
            return;
        }
        r->status = 200;
        r->body = buf;
        r->type = "text/csv; charset=utf-8";
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "rows", rows_json(st));
    bo_resp_json(r, 200, o);
}

static bool time_arg(bo_req_t *q, const char *name, int64_t *out, bo_resp_t *r)
{
    const char *v = bo_req_arg(q, name);
    if (!v || bo_time_parse(v, out))
        return true;
    bo_resp_error(r, 400, "bad_request", "%s=%s is not a date like 2026-11-01", name, v);
    return false;
}

/* The audit trail: ?kiosk=ID&since=DATE&action=A, oldest first. */
static void admin_audit(bo_req_t *q, bo_resp_t *r)
{
    int64_t since = 0;
    if (!time_arg(q, "since", &since, r))
        return;
    sqlite3_stmt *st;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    if (bo_audit_query(q->s->db, bo_req_arg(q, "kiosk"), since, bo_req_arg(q, "action"), &st, &msg) == K_OK)
        answer_rows(q, r, st);
    else
        bo_resp_error(r, 500, "internal", "the audit report failed: %s", msg.text);
    bo_unlock(q->s);
}

void bo_h_admin_report(bo_req_t *q, bo_resp_t *r)
{
    if (strcmp(q->arg[0], "audit") == 0) {
        admin_audit(q, r);
        return;
    }
    const char *sql = bo_report_sql(q->arg[0], bo_req_arg(q, "by"));
    int64_t from = 0, to = INT64_MAX;
    if (!sql) {
        bo_resp_error(r, 404, "not_found",
                      "no report '%s' by '%s': use sales (by day, site or method), energy, rejected, alerts, "
                      "quarantine or audit",
                      q->arg[0], bo_req_arg(q, "by") ? bo_req_arg(q, "by") : "day");
        return;
    }
    if (!time_arg(q, "from", &from, r) || !time_arg(q, "to", &to, r))
        return;
    sqlite3_stmt *st;
    bo_lock(q->s);
    if (sqlite3_prepare_v2(q->s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int64(st, 2, to);
        answer_rows(q, r, st);
    } else {
        bo_resp_error(r, 500, "internal", "the report failed: %s", sqlite3_errmsg(q->s->db));
    }
    bo_unlock(q->s);
}

void bo_h_admin_kiosks(bo_req_t *q, bo_resp_t *r)
{
    sqlite3_stmt *st;
    bo_lock(q->s);
    if (sqlite3_prepare_v2(q->s->db, bo_kiosk_list_sql(), -1, &st, NULL) == SQLITE_OK)
        answer_rows(q, r, st);
    else
        bo_resp_error(r, 500, "internal", "listing the kiosks failed: %s", sqlite3_errmsg(q->s->db));
    bo_unlock(q->s);
}
