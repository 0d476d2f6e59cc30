/* The console's overview and staff lists (sync/openapi.yaml): the fleet
 * online and offline, open alerts and today's sales by method in one
 * answer (the operators and groups: bo_h_staff_admin.c). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_report.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

#define DAY_MS (86400LL * 1000)

/* Column name's index in rows, -1 if it has none. */
static int col(const bo_rows_t *rows, const char *name)
{
    for (int i = 0; i < rows->ncols; i++)
        if (strcmp(rows->names[i], name) == 0)
            return i;
    return -1;
}

static const char *cell(const bo_rows_t *rows, int row, int c)
{
    return c < 0 ? "" : rows->cells[row * rows->ncols + c];
}

/* Whether kiosk has an open kiosk_silent alert among the open alerts. */
static bool silent(const bo_rows_t *alerts, const char *kiosk)
{
    int kind = col(alerts, "kind"), about = col(alerts, "about");
    for (int i = 0; i < alerts->nrows; i++)
        if (strcmp(cell(alerts, i, kind), "kiosk_silent") == 0 && strcmp(cell(alerts, i, about), kiosk) == 0)
            return true;
    return false;
}

/* Active kiosks online (a heartbeat, not silent) and offline. */
static cJSON *fleet(const bo_rows_t *kiosks, const bo_rows_t *alerts)
{
    int64_t online = 0, offline = 0;
    int id = col(kiosks, "id"), state = col(kiosks, "state"), beat = col(kiosks, "last_heartbeat");
    for (int i = 0; i < kiosks->nrows; i++) {
        if (strcmp(cell(kiosks, i, state), "active") != 0)
            continue;
        if (cell(kiosks, i, beat)[0] && !silent(alerts, cell(kiosks, i, id)))
            online++;
        else
            offline++;
    }
    cJSON *o = cJSON_CreateObject();
    kjson_add_int(o, "online", online);
    kjson_add_int(o, "offline", offline);
    kjson_add_int(o, "total", kiosks->nrows);
    return o;
}

/* The three listings the overview reads, as the request's organisation
 * sees them. */
static kerr_t read_all(bo_req_t *q, int64_t from, int64_t to, bo_rows_t *kiosks, bo_rows_t *alerts,
                       bo_rows_t *sales, kmsg_t *msg)
{
    bo_list_args_t none = {0}, open = {.open_only = true}, day = {.from = from, .to = to};
    kerr_t rc = bo_h_rows(q, BO_LIST_KIOSKS, &none, kiosks, msg);
    if (rc == K_OK)
        rc = bo_h_rows(q, BO_LIST_ALERTS, &open, alerts, msg);
    if (rc == K_OK)
        rc = bo_h_rows(q, BO_REPORT_SALES_METHOD, &day, sales, msg);
    return rc;
}

/* GET /v1/admin/overview: {"day", "kiosks": {online, offline, total},
 * "alerts_open", "sales_today": [{method, currency, sales, amount}]};
 * today is the sites' local day ([notices] utc_offset_minutes). */
void bo_h_admin_overview(bo_req_t *q, bo_resp_t *r)
{
    int64_t now = bo_now(q->s), off = q->s->cfg.notices.utc_offset_min * 60000;
    int64_t from = (now + off) / DAY_MS * DAY_MS - off;
    bo_rows_t kiosks = {0}, alerts = {0}, sales = {0};
    kmsg_t msg = {{0}};
    kerr_t rc = read_all(q, from, now + 1, &kiosks, &alerts, &sales, &msg);
    if (rc == K_OK) {
        cJSON *o = cJSON_CreateObject();
        kjson_add_time(o, "day_from", from);
        kjson_add_int(o, "utc_offset_minutes", q->s->cfg.notices.utc_offset_min);
        cJSON_AddItemToObject(o, "kiosks", fleet(&kiosks, &alerts));
        kjson_add_int(o, "alerts_open", alerts.nrows);
        cJSON_AddItemToObject(o, "sales_today", bo_rows_json(&sales));
        bo_resp_json(r, 200, o);
    } else
        bo_resp_error(r, 500, "internal", "the overview failed: %s; retry later", msg.text);
    bo_rows_free(&kiosks);
    bo_rows_free(&alerts);
    bo_rows_free(&sales);
}
