/* The day's figures: the meter's daily freeze stored once and uploaded
 * (engine.h: engine_scan_frozen; docs/collector.md, "The day's figures"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "engine/engine_int.h"
#include "ledger/ledger_frozen.h"

/* The freeze as stored: the meter's local time read in the kiosk's zone
 * (its offset then). False if that time does not exist here. */
static bool stored(const gw_frozen_t *g, int64_t now, ledger_frozen_t *out)
{
    struct tm tm = {.tm_year = g->year - 1900, .tm_mon = g->month - 1, .tm_mday = g->day, .tm_hour = g->hour,
                    .tm_min = g->minute, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return false;
    *out = (ledger_frozen_t){.at = (int64_t)t * 1000, .utc_offset_minutes = (int)(tm.tm_gmtoff / 60),
                             .energy = g->energy_total, .bands_absent = g->bands_absent, .read_at = now};
    snprintf(out->meter, sizeof out->meter, "%s", g->meter);
    snprintf(out->local, sizeof out->local, "%s", g->at);
    memcpy(out->bands, g->energy_band, sizeof out->bands);
    return true;
}

kerr_t engine_scan_frozen(engine_t *e, const char *meter, engine_frozen_t *outcome, kmsg_t *msg)
{
    gw_frozen_t g;
    ledger_frozen_t f;
    bool fresh = false;
    *outcome = FROZEN_NONE;
    gw_err_t err = e->gw->ops->read_frozen(e->gw->ctx, meter, &g, msg);
    if (err == GW_UNSUPPORTED) {
        LOG_D("scan", "meter %s keeps no daily freeze: %s", meter, msg ? msg->text : "");
        *outcome = FROZEN_UNSUPPORTED;
        return K_OK;
    }
    if (err != GW_OK)
        return engine_gw_error(err);
    if (g.none)
        return K_OK;
    snprintf(g.meter, sizeof g.meter, "%s", meter);
    if (!stored(&g, kclock_wall(e->clk), &f))
        return kmsg_set(msg, K_EDEVICE, "meter %s: its freeze time %s is no time here", meter, g.at);
    kerr_t rc = ledger_record_frozen(e->ledger, &f, &fresh, msg);
    if (rc == K_OK)
        *outcome = fresh ? FROZEN_STORED : FROZEN_KNOWN;
    return rc;
}
