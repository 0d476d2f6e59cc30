/* The collector's scheduled reading in `kioskctl worker`
 * (docs/collector.md, "Scheduled reading"): every meter of the registry on
 * the schedule of the back office's settings (scan_minutes, and
 * scan_after_midnight_minutes for the day's figures), through the engine's
 * read path (usage inspection, the ledger first, the outbox). The pass runs
 * in slices so the worker's other work (deliveries, the back office, the
 * watchdog) goes on between them; each exchange takes the bus for itself
 * alone, so a sale waits for at most one (engine/engine_bus.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "kiosk/ctl/ctl_scan.h"

void ctl_scan_init(ctl_scan_t *sc, int64_t every_ms)
{
    *sc = (ctl_scan_t){.state = scan_state_init(), .every_ms = every_ms};
}

/* The local time's offset from UTC at now, in ms. */
static int64_t utc_offset_ms(int64_t now)
{
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    return localtime_r(&t, &tm) ? (int64_t)tm.tm_gmtoff * 1000 : 0;
}

/* The schedule in force: the back office's settings (or their defaults),
 * the period shortened by --scan-every. */
static scan_sched_t schedule(ctl_site_t *s, const ctl_scan_t *sc, int64_t now)
{
    engine_limits_t lim;
    kmsg_t msg = {""};
    if (engine_sale_limits(&s->engine, &lim, &msg) != K_OK)
        lim = (engine_limits_t){.scan_minutes = SCAN_MINUTES_DEFAULT, .scan_after_midnight = SCAN_MIDNIGHT_DEFAULT};
    return (scan_sched_t){.period_ms = sc->every_ms > 0 ? sc->every_ms : lim.scan_minutes * 60000,
                          .after_midnight_ms = lim.scan_after_midnight < 0 ? -1 : lim.scan_after_midnight * 60000,
                          .utc_offset_ms = utc_offset_ms(now)};
}

/* The day's scan stores the meter's daily freeze (DL/T 645 05 06 01 01,
 * the Modbus profile's frozen block) once per freeze, uploaded as topic
 * `frozen` (docs/collector.md, "The day's figures"). A meter without
 * freezes is skipped quietly; a freeze that cannot be read is said, and
 * the reading taken just before stands. */
static void ctl_scan_frozen(ctl_site_t *s, const char *meter)
{
    engine_frozen_t outcome;
    kmsg_t msg = {""};
    if (engine_scan_frozen(&s->engine, meter, &outcome, &msg) != K_OK)
        printf("worker: scan: meter %s: its daily freeze: %s\n", meter, msg.text);
    else if (outcome == FROZEN_STORED)
        printf("worker: scan: meter %s: daily freeze stored\n", meter);
}

/* Reads one meter: a reading stored and inspected, or a miss counted. */
static void read_one(ctl_scan_t *sc, ctl_site_t *s, const char *meter)
{
    gw_reading_t r;
    ledger_alert_t alerts[INSPECT_MAX_ALERTS];
    size_t n;
    kmsg_t msg = {""}, why = {""};
    kerr_t rc = engine_read_meter_for(&s->engine, meter, READ_SCAN, &r, alerts, &n, &msg);
    bool cleared = false;
    int64_t misses = 0;
    if (rc == K_OK) {
        sc->run.answered++;
        if (engine_scan_answered(&s->engine, meter, &cleared, &why) == K_OK && cleared)
            printf("worker: scan: meter %s answers again\n", meter);
        if (sc->run.kind == SCAN_MIDNIGHT)
            ctl_scan_frozen(s, meter);
    } else if (rc == K_ETIMEOUT || rc == K_EDEVICE || rc == K_ENOTFOUND) {
        sc->run.missed++;
        if (engine_scan_missed(&s->engine, meter, msg.text, &misses, &why) == K_OK && misses == SCAN_MISSES_ALERT)
            printf("worker: scan: meter %s silent for %lld scans: %s\n", meter, (long long)misses, msg.text);
    } else {
        sc->run.missed++;
        printf("worker: scan: meter %s: %s\n", meter, msg.text);
    }
    if (why.text[0])
        printf("worker: scan: meter %s: %s\n", meter, why.text);
}

/* Starts a pass if one is due. */
static void start_if_due(ctl_scan_t *sc, ctl_site_t *s)
{
    int64_t now = kclock_wall(s->engine.clk);
    scan_sched_t sched = schedule(s, sc, now);
    scan_kind_t k = scan_due(&sched, &sc->state, now);
    if (k == SCAN_NONE)
        return;
    scan_started(&sched, &sc->state, k, now);
    sc->run = scan_run_begin(k, s->registry.n);
    sc->running = true;
    sc->started_mono = kclock_mono(NULL);
}

bool ctl_scan_step(ctl_scan_t *sc, ctl_site_t *s, int64_t budget_ms)
{
    if (!s->registry.loaded || s->registry.n == 0)
        return false;
    if (!sc->running)
        start_if_due(sc, s);
    if (!sc->running)
        return false;
    int64_t until = kclock_mono(NULL) + budget_ms;
    size_t i;
    while (kclock_mono(NULL) < until && scan_run_next(&sc->run, &i))
        read_one(sc, s, s->registry.entries[i].meter);
    if (sc->run.next < sc->run.n)
        return true;
    sc->running = false;
    sc->passes++;
    printf("worker: scan%s: %zu meters: %zu answered, %zu did not (%lld ms)\n",
           sc->run.kind == SCAN_MIDNIGHT ? " (the day's)" : "", sc->run.n, sc->run.answered, sc->run.missed,
           (long long)(kclock_mono(NULL) - sc->started_mono));
    return false;
}
