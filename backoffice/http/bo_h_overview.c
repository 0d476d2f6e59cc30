/* The console's overview (sync/openapi.yaml): the fleet online and
 * offline, open alerts, today's sales by method, the meters cut off and
 * those below their alarm level, in one answer (the operators and groups:
 * bo_h_staff_admin.c). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_notice.h"
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

/* The alarm level used when the notices' first level is off (0): the
 * monitoring page's default, 20.00. */
#define LEVEL_DEFAULT 2000

/* Meter's alarm level: the first low-balance level of the notices for it
 * (its account's, else its site's, else [notices] levels), LEVEL_DEFAULT
 * if that is off. The caller holds the lock. */
static kerr_t level_of(bo_store_t *st, const bo_notices_cfg_t *cfg, const char *meter, int64_t *level, kmsg_t *msg)
{
    char account[65] = "";
    bool bound = false;
    bo_nlevels_t lv;
    kerr_t rc = st->ops->meters->binding_of(st->ctx, meter, account, &bound, msg);
    if (rc == K_OK)
        rc = bo_notice_levels_of(st, cfg, bound ? account : "", meter, &lv, msg);
    *level = rc == K_OK && lv.level[0] > 0 ? lv.level[0] : LEVEL_DEFAULT;
    return rc;
}

/* {"cut_off", "below_alarm", "alarm_level"} of the meters' latest
 * readings: relay open or valve closed; a balance below the meter's alarm
 * level (alarm_level: the level they all share, else the first level of
 * [notices] levels). */
static kerr_t meter_counts(bo_req_t *q, const bo_rows_t *meters, cJSON *o, kmsg_t *msg)
{
    int id = col(meters, "meter"), bal = col(meters, "balance"), sup = col(meters, "supply");
    int64_t cut = 0, low = 0, shared = -1, level = 0;
    kerr_t rc = K_OK;
    bo_lock(q->s);
    for (int i = 0; rc == K_OK && i < meters->nrows; i++) {
        const char *supply = cell(meters, i, sup), *balance = cell(meters, i, bal);
        cut += strcmp(supply, "relay open") == 0 || strcmp(supply, "valve closed") == 0;
        if (!balance[0])
            continue;
        rc = level_of(&q->s->store, &q->s->cfg.notices, cell(meters, i, id), &level, msg);
        low += rc == K_OK && strtoll(balance, NULL, 10) < level;
        shared = shared == -1 || shared == level ? level : -2;
    }
    bo_unlock(q->s);
    int64_t first = q->s->cfg.notices.levels[0] > 0 ? q->s->cfg.notices.levels[0] : LEVEL_DEFAULT;
    kjson_add_int(o, "meters_cut_off", cut);
    kjson_add_int(o, "meters_below_alarm", low);
    kjson_add_int(o, "alarm_level", shared >= 0 ? shared : first);
    return rc;
}

/* The listings the overview reads, as the request's organisation
 * sees them. */
static kerr_t read_all(bo_req_t *q, int64_t from, int64_t to, bo_rows_t rows[4], kmsg_t *msg)
{
    bo_list_args_t none = {0}, open = {.open_only = true}, day = {.from = from, .to = to};
    bo_list_args_t meters = {.id = "", .from = to - 1};
    kerr_t rc = bo_h_rows(q, BO_LIST_KIOSKS, &none, &rows[0], msg);
    if (rc == K_OK)
        rc = bo_h_rows(q, BO_LIST_ALERTS, &open, &rows[1], msg);
    if (rc == K_OK)
        rc = bo_h_rows(q, BO_REPORT_SALES_METHOD, &day, &rows[2], msg);
    if (rc == K_OK)
        rc = bo_h_rows(q, BO_LIST_METERS, &meters, &rows[3], msg);
    return rc;
}

/* GET /v1/admin/overview: {"day", "kiosks": {online, offline, total},
 * "alerts_open", "sales_today": [{method, currency, sales, amount}],
 * "meters_cut_off", "meters_below_alarm", "alarm_level"}; today is the
 * sites' local day ([notices] utc_offset_minutes). */
void bo_h_admin_overview(bo_req_t *q, bo_resp_t *r)
{
    int64_t now = bo_now(q->s), off = q->s->cfg.notices.utc_offset_min * 60000;
    int64_t from = (now + off) / DAY_MS * DAY_MS - off;
    bo_rows_t rows[4] = {{0}};
    kmsg_t msg = {{0}};
    cJSON *o = cJSON_CreateObject();
    kerr_t rc = read_all(q, from, now + 1, rows, &msg);
    if (rc == K_OK)
        rc = meter_counts(q, &rows[3], o, &msg);
    if (rc == K_OK) {
        kjson_add_time(o, "day_from", from);
        kjson_add_int(o, "utc_offset_minutes", q->s->cfg.notices.utc_offset_min);
        cJSON_AddItemToObject(o, "kiosks", fleet(&rows[0], &rows[1]));
        kjson_add_int(o, "alerts_open", rows[1].nrows);
        cJSON_AddItemToObject(o, "sales_today", bo_rows_json(&rows[2]));
        bo_resp_json(r, 200, o);
    } else {
        cJSON_Delete(o);
        bo_resp_error(r, 500, "internal", "the overview failed: %s; retry later", msg.text);
    }
    for (int i = 0; i < 4; i++)
        bo_rows_free(&rows[i]);
}
