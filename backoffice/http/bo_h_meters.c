/* Staff's JSON API for meters and alerts (docs/collector.md, "The back
 * office's view of meters"): each meter's latest state, and the alerts
 * listed and acknowledged; the same rows the command line prints. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_alerts.h"
#include "backoffice/domain/bo_report.h"
#include "backoffice/http/bo_server.h"

/* Answers the rows (bo_h_answer_rows), or 404 when one was asked for and
 * none came. */
static void rows_answer(bo_req_t *q, bo_resp_t *r, bo_listing_t what, const bo_list_args_t *args, bool one)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_h_rows(q, what, args, &rows, &msg);
    if (rc == K_EDENIED) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    if (rc) {
        bo_resp_error(r, 500, "internal", "listing failed: %s", msg.text);
        return;
    }
    if (one && rows.nrows == 0) {
        bo_rows_free(&rows);
        bo_resp_error(r, 404, "not_found", "no meter %s is registered", args->id);
        return;
    }
    bo_h_answer_rows(q, r, &rows);
}

/* A page of the meters for a session that sees them all: the store picks
 * the page's meters before their states, and counts them all. */
static void meters_page(bo_req_t *q, bo_resp_t *r, bo_list_args_t *args, const bo_page_t *page)
{
    bo_rows_t rows, count;
    kmsg_t msg = {{0}};
    args->offset = page->offset;
    args->limit = page->limit;
    bo_lock(q->s);
    kerr_t rc = bo_report_rows(&q->s->store, BO_LIST_METERS_COUNT, args, &count, &msg);
    if (rc == K_OK) {
        int64_t total = count.nrows == 1 ? strtoll(count.cells[0], NULL, 10) : 0;
        bo_rows_free(&count);
        rc = bo_report_rows(&q->s->store, BO_LIST_METERS_PAGE, args, &rows, &msg);
        bo_unlock(q->s);
        if (rc == K_OK) {
            bo_h_answer_page(q, r, &rows, page, total);
            return;
        }
    } else
        bo_unlock(q->s);
    bo_resp_error(r, 500, "internal", "listing failed: %s", msg.text);
}

void bo_h_admin_meters(bo_req_t *q, bo_resp_t *r)
{
    const char *site = bo_req_arg(q, "site");
    bo_list_args_t args = {.id = site ? site : "", .from = bo_now(q->s)};
    bo_page_t page;
    if (!bo_h_page(q, r, &page))
        return;
    if (page.asked && !q->org[0])
        meters_page(q, r, &args, &page);
    else
        rows_answer(q, r, BO_LIST_METERS, &args, false);
}

void bo_h_admin_meter(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t args = {.id = q->arg[0], .from = bo_now(q->s)};
    rows_answer(q, r, BO_LIST_METER_ONE, &args, true);
}

void bo_h_admin_alerts(bo_req_t *q, bo_resp_t *r)
{
    const char *open = bo_req_arg(q, "open");
    bo_list_args_t args = {.open_only = open && strcmp(open, "0") != 0 && strcmp(open, "false") != 0};
    rows_answer(q, r, BO_LIST_ALERTS, &args, false);
}

/* Body {"operator": NAME, "reason": TEXT}. */
void bo_h_admin_alert_ack(bo_req_t *q, bo_resp_t *r)
{
    char *end, actor[96];
    long long id = strtoll(q->arg[0], &end, 10);
    cJSON *body = cJSON_ParseWithLength(q->body, q->body_len);
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(body, "operator"),
                *why = cJSON_GetObjectItemCaseSensitive(body, "reason");
    if (*end || id < 1 || !cJSON_IsString(op) || !op->valuestring[0] || !cJSON_IsString(why)) {
        cJSON_Delete(body);
        bo_resp_error(r, 400, "bad_request", "acknowledge alert ID with {\"operator\": NAME, \"reason\": TEXT}");
        return;
    }
    if (q->console_op[0]) /* the operator signed in to the console, whatever the body says */
        snprintf(actor, sizeof actor, "console:%s", q->console_op);
    else
        snprintf(actor, sizeof actor, "operator:%s", op->valuestring);
    bo_who_t who = {actor, bo_now(q->s)};
    kmsg_t msg = {{0}};
    kerr_t rc = bo_h_scope_alert(q, id, &msg);
    bo_lock(q->s);
    if (rc == K_OK)
        rc = bo_alert_ack(&q->s->store, &who, id, why->valuestring, &msg);
    bo_unlock(q->s);
    cJSON_Delete(body);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)id);
    cJSON_AddStringToObject(o, "state", "acknowledged");
    bo_resp_json(r, 200, o);
}
