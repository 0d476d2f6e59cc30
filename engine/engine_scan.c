/* The collector's account of meters that do and do not answer its scans
 * (engine.h: engine_scan_missed, engine_scan_answered; the rule is
 * core/scan.c's). */
#include <stdio.h>

#include "base/log.h"
#include "engine/engine_int.h"

/* An alert about meter, of kind and severity, with evidence. */
static kerr_t raise(engine_t *e, const char *meter, const char *kind, const char *severity, const char *evidence,
                    kmsg_t *msg)
{
    ledger_alert_t a = {.at = kclock_wall(e->clk)};
    snprintf(a.meter, sizeof a.meter, "%s", meter);
    snprintf(a.kind, sizeof a.kind, "%s", kind);
    snprintf(a.severity, sizeof a.severity, "%s", severity);
    snprintf(a.evidence, sizeof a.evidence, "%s", evidence);
    LOG_W("scan", "meter %s: %s: %s", meter, kind, evidence);
    return ledger_meter_alert(e->ledger, &a, msg);
}

kerr_t engine_scan_missed(engine_t *e, const char *meter, const char *why, int64_t *misses, kmsg_t *msg)
{
    kerr_t rc = ledger_meter_missed(e->ledger, meter, kclock_wall(e->clk), why, misses, msg);
    if (rc || scan_after_miss(*misses) != SCAN_ALERT_RAISE)
        return rc;
    char evidence[256];
    snprintf(evidence, sizeof evidence, "no answer to %lld scans in a row; the last: %s", (long long)*misses, why);
    return raise(e, meter, "meter_silent", "warning", evidence, msg);
}

kerr_t engine_scan_answered(engine_t *e, const char *meter, bool *cleared, kmsg_t *msg)
{
    int64_t before = 0;
    *cleared = false;
    kerr_t rc = ledger_meter_answered(e->ledger, meter, &before, msg);
    if (rc || scan_after_answer(before) != SCAN_ALERT_CLEAR)
        return rc;
    *cleared = true;
    char evidence[128];
    snprintf(evidence, sizeof evidence, "answering again after %lld scans without an answer", (long long)before);
    if ((rc = ledger_alerts_settle(e->ledger, meter, "meter_silent", kclock_wall(e->clk), msg)))
        return rc;
    return raise(e, meter, "meter_answering", "info", evidence, msg);
}
