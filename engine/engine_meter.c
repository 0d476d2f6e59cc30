/* Meter reads with usage inspection (commands to meters: engine_command.c). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

kerr_t engine_gw_error(gw_err_t e)
{
    switch (e) {
    case GW_OK: return K_OK;
    case GW_UNREACHABLE:
    case GW_TIMEOUT: return K_ETIMEOUT;
    case GW_PROTOCOL:
    case GW_REFUSED: return K_EDEVICE;
    case GW_NOT_FOUND: return K_ENOTFOUND;
    case GW_INVALID:
    case GW_UNSUPPORTED: return K_EINVAL; /* nothing was sent; msg says why */
    }
    return K_EDEVICE;
}

static uint32_t inspect_flags(uint32_t gw)
{
    return (gw & GW_FLAG_COVER ? METER_COVER : 0u) | (gw & GW_FLAG_TERMINAL ? METER_TERMINAL : 0u) |
           (gw & GW_FLAG_MAGNETIC ? METER_MAGNETIC : 0u) | (gw & GW_FLAG_REVERSE ? METER_REVERSE : 0u);
}

static meter_snapshot_t snapshot(const ledger_reading_t *r)
{
    return (meter_snapshot_t){.at = r->at,
                              .energy = r->energy,
                              .balance = r->balance,
                              .count = (uint32_t)r->purchase_count,
                              .relay_open = r->relay_open,
                              .flags = inspect_flags(r->flags)};
}

static ledger_reading_t stored(const gw_reading_t *g, int64_t at, read_source_t source)
{
    ledger_reading_t r = {.at = at,
                          .source = source,
                          .energy = g->energy_total,
                          .balance = g->balance,
                          .purchase_count = g->purchase_count,
                          .relay_open = g->relay_open,
                          .flags = g->flags};
    snprintf(r.meter, sizeof r.meter, "%s", g->meter);
    memcpy(r.bands, g->energy_band, sizeof r.bands);
    r.bands_absent = g->bands_absent;
    return r;
}

/* Runs the inspection of now against the meter's last stored reading. */
static kerr_t inspect(engine_t *e, const ledger_reading_t *now, ledger_alert_t *alerts, size_t *n, kmsg_t *msg)
{
    ledger_reading_t prev;
    bool found;
    inspect_between_t between = {0};
    kerr_t rc = ledger_last_reading(e->ledger, now->meter, &prev, &found, msg);
    if (rc == K_OK && found) {
        int64_t credited, credits;
        rc = ledger_meter_activity(e->ledger, now->meter, prev.at, now->at, &credited, &credits,
                                   &between.relay_closed, msg);
        between.credited = credited;
        between.credits = (uint32_t)credits;
    }
    if (rc)
        return rc;
    meter_snapshot_t a = found ? snapshot(&prev) : (meter_snapshot_t){0}, b = snapshot(now);
    inspect_alert_t raised[INSPECT_MAX_ALERTS];
    *n = inspect_readings(found ? &a : NULL, &b, &between, raised);
    for (size_t i = 0; i < *n; i++) {
        ledger_alert_t *al = &alerts[i];
        memset(al, 0, sizeof *al);
        al->at = now->at;
        snprintf(al->meter, sizeof al->meter, "%s", now->meter);
        snprintf(al->kind, sizeof al->kind, "%s", inspect_alert_name(raised[i].kind));
        snprintf(al->severity, sizeof al->severity, "%s", inspect_severity_name(raised[i].severity));
        snprintf(al->evidence, sizeof al->evidence, "%s", raised[i].evidence);
        LOG_W("inspect", "meter %s: %s (%s): %s", al->meter, al->kind, al->severity, al->evidence);
    }
    return K_OK;
}

kerr_t engine_read_meter_for(engine_t *e, const char *meter, read_source_t source, gw_reading_t *out,
                             ledger_alert_t alerts[INSPECT_MAX_ALERTS], size_t *n_alerts, kmsg_t *msg)
{
    *n_alerts = 0;
    gw_err_t err = e->gw->ops->read(e->gw->ctx, &(gw_target_t){.meter = meter}, GW_READ_ALL, out, msg);
    if (err != GW_OK)
        return engine_gw_error(err);
    return engine__record_reading(e, out, source, alerts, n_alerts, msg);
}

kerr_t engine_read_meter(engine_t *e, const char *meter, gw_reading_t *out, ledger_alert_t alerts[INSPECT_MAX_ALERTS],
                         size_t *n_alerts, kmsg_t *msg)
{
    return engine_read_meter_for(e, meter, READ_STAFF, out, alerts, n_alerts, msg);
}

kerr_t engine__record_reading(engine_t *e, const gw_reading_t *g, read_source_t source,
                              ledger_alert_t alerts[INSPECT_MAX_ALERTS], size_t *n_alerts, kmsg_t *msg)
{
    *n_alerts = 0;
    ledger_reading_t r = stored(g, kclock_wall(e->clk), source);
    kerr_t rc = inspect(e, &r, alerts, n_alerts, msg);
    return rc ? rc : ledger_record_reading(e->ledger, &r, alerts, *n_alerts, msg);
}
