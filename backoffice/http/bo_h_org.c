/* An organisation's structure and the monitoring page over HTTP
 * (sync/openapi.yaml; docs/console.md, "Organisations", "Monitoring"):
 * the structure a session sees, a building's rooms with their meters, a
 * room's history; and the narrowing of every listing to what the signed-in
 * operator's organisation sees. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_org.h"
#include "backoffice/domain/bo_report.h"
#include "backoffice/http/bo_server.h"
#include "core/perm.h"

#define DAY_MS (86400LL * 1000)

kerr_t bo_h_rows(bo_req_t *q, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg)
{
    bo_lock(q->s);
    kerr_t rc = bo_report_rows(&q->s->store, what, args, out, msg);
    if (rc == K_OK)
        rc = bo_org_narrow(&q->s->store, q->org, what, args, out, msg);
    bo_unlock(q->s);
    return rc;
}

/* Whether rows (alerts) have one of that id. */
static bool has_id(const bo_rows_t *rows, int64_t id)
{
    int c = bo_rows_col(rows, "id");
    for (int i = 0; c >= 0 && i < rows->nrows; i++)
        if (strtoll(rows->cells[(size_t)i * (size_t)rows->ncols + (size_t)c], NULL, 10) == id)
            return true;
    return false;
}

kerr_t bo_h_scope(bo_req_t *q, bo_org_kind_t kind, const char *id, kmsg_t *msg)
{
    static const char *const names[] = {"site", "kiosk", "meter", "account", "building", "room", "batch", "operator"};
    bool yes = false;
    kerr_t rc = bo_org_sees(&q->s->store, q->org, kind, id, &yes, msg);
    if (rc == K_OK && !yes)
        return kmsg_set(msg, K_ENOTFOUND, "no %s %s in organisation %s", names[kind], id ? id : "", q->org);
    return rc;
}

kerr_t bo_h_scope_alert(bo_req_t *q, int64_t id, kmsg_t *msg)
{
    bo_list_args_t all = {0};
    bo_rows_t seen, every;
    if (!q->org[0])
        return K_OK;
    kerr_t rc = bo_h_rows(q, BO_LIST_ALERTS, &all, &seen, msg);
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_report_rows(&q->s->store, BO_LIST_ALERTS, &all, &every, msg);
        bo_unlock(q->s);
    }
    if (rc)
        return rc;
    bool mine = has_id(&seen, id), known = has_id(&every, id);
    bo_rows_free(&seen);
    bo_rows_free(&every);
    return known && !mine ? kmsg_set(msg, K_ENOTFOUND, "no alert %lld in organisation %s", (long long)id, q->org)
                          : K_OK;
}

/* The start of the sites' local day now. */
static int64_t day_from(const bo_req_t *q)
{
    int64_t now = bo_now(q->s), off = q->s->cfg.notices.utc_offset_min * 60000;
    return (now + off) / DAY_MS * DAY_MS - off;
}

/* GET /v1/admin/structure: {"organisation", "orgs": [...], "buildings":
 * [...], "sites": [{id, name}]} as the session's organisation sees them
 * ("organisation": "" for the utility's staff, who see all). */
void bo_h_admin_structure(bo_req_t *q, bo_resp_t *r)
{
    bo_rows_t orgs = {0}, buildings = {0}, sites = {0};
    bo_list_args_t none = {0};
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->org->orgs(q->s->store.ctx, q->org, &orgs, &msg);
    if (rc == K_OK)
        rc = q->s->store.ops->org->buildings(q->s->store.ctx, q->org, &buildings, &msg);
    bo_unlock(q->s);
    if (rc == K_OK)
        rc = bo_h_rows(q, BO_LIST_SITES, &none, &sites, &msg);
    if (rc == K_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "organisation", q->org);
        cJSON_AddItemToObject(o, "orgs", bo_rows_json(&orgs));
        cJSON_AddItemToObject(o, "buildings", bo_rows_json(&buildings));
        cJSON_AddItemToObject(o, "sites", bo_rows_json(&sites));
        bo_resp_json(r, 200, o);
    } else
        bo_resp_kerr(r, rc, &msg);
    bo_rows_free(&orgs);
    bo_rows_free(&buildings);
    bo_rows_free(&sites);
}

/* GET /v1/admin/monitor?building=B[&limit=&offset=][&format=csv]: the
 * building's rooms with their meters (bo_monitor_rows), today being the
 * sites' local day; a page is made by the store, not cut from every row. */
void bo_h_admin_monitor(bo_req_t *q, bo_resp_t *r)
{
    const char *b = bo_req_arg(q, "building");
    bo_rows_t rows;
    bo_page_t page;
    int64_t total = 0;
    kmsg_t msg = {{0}};
    if (!b || !b[0]) {
        bo_resp_error(r, 400, "bad_request", "say which building: ?building=ID (see /v1/admin/structure)");
        return;
    }
    if (!bo_h_page(q, r, &page))
        return;
    /* the residents' names whole for the staff API and an operator with contacts, else masked */
    bo_monitor_ask_t ask = {q->org, b, bo_now(q->s), day_from(q),
                            !q->console_op[0] || perm_allows(q->console_perms, PERM_CONTACTS),
                            page.offset, page.asked ? page.limit : 0};
    bo_lock(q->s);
    kerr_t rc = bo_monitor_rows(&q->s->store, &ask, &rows, &total, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_h_answer_page(q, r, &rows, &page, total);
}

static bool history_page(const bo_rows_t *r, int row, void *arg)
{
    (void)r;
    return row >= *(const int64_t *)arg;
}

/* GET /v1/admin/rooms/{id}/history?what=readings|sales|commands
 * [&limit=N][&offset=M]: the room's meters' latest readings, top-ups or
 * central commands, newest first (50 unless a limit is given; not counted). */
void bo_h_admin_room_history(bo_req_t *q, bo_resp_t *r)
{
    const char *what = bo_req_arg(q, "what");
    bo_rows_t rows;
    bo_page_t page;
    kmsg_t msg = {{0}};
    if (!what || (strcmp(what, "readings") && strcmp(what, "sales") && strcmp(what, "commands"))) {
        bo_resp_error(r, 400, "bad_request", "say what=readings, sales or commands");
        return;
    }
    if (!bo_h_page(q, r, &page))
        return;
    if (!bo_req_arg(q, "limit"))
        page.limit = 50;
    bo_lock(q->s);
    kerr_t rc = bo_monitor_history(&q->s->store, q->org, q->arg[0], what, page.offset + page.limit, &rows, &msg);
    bo_unlock(q->s);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    bo_rows_keep(&rows, history_page, &page.offset);
    bo_h_answer_page(q, r, &rows, &page, -1);
}
