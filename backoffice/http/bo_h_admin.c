/* Staff's read-only JSON API: the reports and the fleet, the same rows the
 * command line prints (bo_report.h), as JSON {"rows": [...]} or, with
 * format=csv, CSV; every listing paged on request (?limit=&offset=). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_billing.h"
#include "backoffice/domain/bo_report.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000

static bool page_number(const char *v, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    long long n = v ? strtoll(v, &end, 10) : 0;
    if (!v)
        return true;
    if (!*v || *end || n < lo || n > hi)
        return false;
    *out = n;
    return true;
}

bool bo_h_page(bo_req_t *q, bo_resp_t *r, bo_page_t *p)
{
    const char *l = bo_req_arg(q, "limit"), *o = bo_req_arg(q, "offset");
    *p = (bo_page_t){.asked = l || o, .offset = 0, .limit = PAGE_DEFAULT};
    if (page_number(l, 1, PAGE_MAX, &p->limit) && page_number(o, 0, INT32_MAX, &p->offset))
        return true;
    bo_resp_error(r, 400, "bad_request", "a page is limit=1..%d and offset=0 or more", PAGE_MAX);
    return false;
}

static bool in_page(const bo_rows_t *r, int row, void *arg)
{
    (void)r;
    const bo_page_t *p = arg;
    return row >= p->offset && row - p->offset < p->limit;
}

void bo_h_answer_page(bo_req_t *q, bo_resp_t *r, bo_rows_t *rows, const bo_page_t *page, int64_t total)
{
    const char *format = bo_req_arg(q, "format");
    if (format && strcmp(format, "csv") == 0) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            bo_rows_write(rows, true, f);
            fclose(f);
        }
        bo_rows_free(rows);
        if (!f || !buf) {
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
    cJSON_AddItemToObject(o, "rows", bo_rows_json(rows));
    if (page->asked && total >= 0)
        kjson_add_int(o, "total", total);
    if (page->asked) {
        kjson_add_int(o, "offset", page->offset);
        kjson_add_int(o, "limit", page->limit);
    }
    bo_rows_free(rows);
    bo_resp_json(r, 200, o);
}

void bo_h_answer_rows(bo_req_t *q, bo_resp_t *r, bo_rows_t *rows)
{
    bo_page_t page;
    if (!bo_h_page(q, r, &page)) {
        bo_rows_free(rows);
        return;
    }
    int64_t total = rows->nrows;
    if (page.asked)
        bo_rows_keep(rows, in_page, &page);
    bo_h_answer_page(q, r, rows, &page, total);
}

/* Query argument name as a time into *out (left as it is if not given): a
 * date alone is its midnight on a clock utc_offset_ms ahead of UTC
 * (bo_report_day_parse; 0: UTC). */
static bool time_arg(bo_req_t *q, const char *name, int64_t utc_offset_ms, int64_t *out, bo_resp_t *r)
{
    const char *v = bo_req_arg(q, name);
    if (!v || bo_report_day_parse(v, utc_offset_ms, out))
        return true;
    bo_resp_error(r, 400, "bad_request", "%s=%s is not a date like 2026-11-01", name, v);
    return false;
}

/* Runs the listing under the lock and answers it; what a failure says. */
static void listing(bo_req_t *q, bo_resp_t *r, bo_listing_t what, const bo_list_args_t *args, const char *failed)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_h_rows(q, what, args, &rows, &msg);
    if (rc == K_EDENIED)
        bo_resp_kerr(r, rc, &msg);
    else if (rc)
        bo_resp_error(r, 500, "internal", "%s: %s", failed, msg.text);
    else
        bo_h_answer_rows(q, r, &rows);
}

void bo_h_admin_report(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t args = {.from = 0, .to = INT64_MAX};
    bo_listing_t what;
    if (strcmp(q->arg[0], "audit") == 0) {
        if (!time_arg(q, "since", 0, &args.from, r))
            return;
        args.kiosk = bo_req_arg(q, "kiosk");
        args.action = bo_req_arg(q, "action");
        listing(q, r, BO_REPORT_AUDIT, &args, "the audit report failed");
        return;
    }
    const char *meter = strcmp(q->arg[0], "energy") == 0 ? bo_req_arg(q, "meter") : NULL;
    args.id = meter;
    if (meter ? !bo_report_meter_energy(bo_req_arg(q, "by"), &what) : !bo_report_find(q->arg[0], bo_req_arg(q, "by"), &what)) {
        bo_resp_error(r, 404, "not_found",
                      "no report '%s' by '%s': use sales (by day, site or method), income (by day, month or "
                      "year), money, energy, rejected, alerts, quarantine or audit",
                      q->arg[0], bo_req_arg(q, "by") ? bo_req_arg(q, "by") : "day");
        return;
    }
    if (bo_report_local(what)) /* the sites' local days ([notices] utc_offset_minutes) */
        args.utc_offset_ms = q->s->cfg.notices.utc_offset_min * 60000;
    if (!time_arg(q, "from", args.utc_offset_ms, &args.from, r) || !time_arg(q, "to", args.utc_offset_ms, &args.to, r))
        return;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = meter ? bo_h_scope(q, BO_ORG_METER, meter, &msg) : K_OK; /* another organisation's: 404 */
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        listing(q, r, what, &args, "the report failed");
}

void bo_h_admin_billing(bo_req_t *q, bo_resp_t *r)
{
    bo_bill_by_t by;
    const char *id;
    if (!bo_billing_by(bo_req_arg(q, "account"), bo_req_arg(q, "site"), bo_req_arg(q, "meter"), &by, &id)) {
        bo_resp_error(r, 400, "bad_request", "say whose days: one of account, site or meter");
        return;
    }
    static const bo_org_kind_t kinds[] = {
        [BO_BILL_BY_METER] = BO_ORG_METER, [BO_BILL_BY_ACCOUNT] = BO_ORG_ACCOUNT, [BO_BILL_BY_SITE] = BO_ORG_SITE};
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_h_scope(q, kinds[by], id, &msg); /* another organisation's: 404 */
    if (rc == K_OK)
        rc = bo_billing_report(&q->s->store, by, id, bo_req_arg(q, "from"), bo_req_arg(q, "to"), &rows, &msg);
    bo_unlock(q->s);
    if (rc == K_EINVAL)
        bo_resp_error(r, 400, "bad_request", "%s", msg.text);
    else if (rc == K_ENOTFOUND)
        bo_resp_kerr(r, rc, &msg);
    else if (rc)
        bo_resp_error(r, 500, "internal", "the billing report failed: %s", msg.text);
    else
        bo_h_answer_rows(q, r, &rows);
}

void bo_h_admin_kiosks(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t args = {0};
    listing(q, r, BO_LIST_KIOSKS, &args, "listing the kiosks failed");
}

void bo_h_admin_commands(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t args = {.id = bo_req_arg(q, "meter"), .action = bo_req_arg(q, "state")};
    listing(q, r, BO_LIST_COMMANDS, &args, "listing the commands failed");
}

void bo_h_admin_batches(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t args = {.id = ""};
    listing(q, r, BO_LIST_BATCHES, &args, "listing the batches failed");
}
