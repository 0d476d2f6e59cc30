#include "core/inspect.h"

#include <stdio.h>

static const char *const names[ALERT_KIND_COUNT] = {
    [ALERT_ENERGY_BACKWARDS] = "energy_backwards", [ALERT_ENERGY_WHILE_OPEN] = "energy_while_open",
    [ALERT_TAMPER] = "tamper",                     [ALERT_MAGNETIC] = "magnetic",
    [ALERT_REVERSE] = "reverse_energy",            [ALERT_BALANCE_ROSE] = "balance_rose",
    [ALERT_COUNT_JUMP] = "count_jump",             [ALERT_CUT_WITH_CREDIT] = "cut_with_credit",
};

const char *inspect_alert_name(alert_kind_t k)
{
    return k < ALERT_KIND_COUNT ? names[k] : "?";
}

const char *inspect_severity_name(alert_severity_t s)
{
    switch (s) {
    case SEVERITY_INFO: return "info";
    case SEVERITY_WARNING: return "warning";
    case SEVERITY_CRITICAL: return "critical";
    }
    return "?";
}

static inspect_alert_t *raise(inspect_alert_t *out, size_t *n, alert_kind_t k, alert_severity_t s)
{
    inspect_alert_t *a = &out[(*n)++];
    a->kind = k;
    a->severity = s;
    a->evidence[0] = '\0';
    return a;
}

/* Flags that appeared since the last reading. */
static void new_flags(const meter_snapshot_t *prev, const meter_snapshot_t *now, inspect_alert_t *out, size_t *n)
{
    uint32_t appeared = now->flags & ~(prev ? prev->flags : 0u);
    uint32_t covers = appeared & (METER_COVER | METER_TERMINAL);
    if (covers)
        snprintf(raise(out, n, ALERT_TAMPER, SEVERITY_CRITICAL)->evidence, sizeof out->evidence, "%s",
                 covers == (METER_COVER | METER_TERMINAL) ? "meter and terminal covers opened"
                 : covers == METER_COVER                  ? "meter cover opened"
                                                          : "terminal cover opened");
    if (appeared & METER_MAGNETIC)
        snprintf(raise(out, n, ALERT_MAGNETIC, SEVERITY_CRITICAL)->evidence, sizeof out->evidence,
                 "magnetic interference detected");
    if (appeared & METER_REVERSE)
        snprintf(raise(out, n, ALERT_REVERSE, SEVERITY_WARNING)->evidence, sizeof out->evidence,
                 "reverse energy detected");
}

/* Energy, balance and count against what this kiosk did in between. */
static void compare(const meter_snapshot_t *p, const meter_snapshot_t *now, const inspect_between_t *b,
                    inspect_alert_t *out, size_t *n)
{
    const size_t len = sizeof out->evidence;
    if (now->energy < p->energy)
        snprintf(raise(out, n, ALERT_ENERGY_BACKWARDS, SEVERITY_CRITICAL)->evidence, len,
                 "energy %lld, before %lld", (long long)now->energy, (long long)p->energy);
    else if (p->relay_open && now->relay_open && !b->relay_closed && b->credits == 0 &&
             now->energy > p->energy + INSPECT_OPEN_TOLERANCE)
        snprintf(raise(out, n, ALERT_ENERGY_WHILE_OPEN, SEVERITY_CRITICAL)->evidence, len,
                 "energy rose %lld with the relay open", (long long)(now->energy - p->energy));
    if (now->balance > p->balance + b->credited)
        snprintf(raise(out, n, ALERT_BALANCE_ROSE, SEVERITY_WARNING)->evidence, len,
                 "balance %lld, before %lld, credited here %lld", (long long)now->balance, (long long)p->balance,
                 (long long)b->credited);
    if (now->count > p->count + b->credits)
        snprintf(raise(out, n, ALERT_COUNT_JUMP, SEVERITY_WARNING)->evidence, len,
                 "purchase count %u, before %u, credits here %u", now->count, p->count, b->credits);
}

size_t inspect_readings(const meter_snapshot_t *prev, const meter_snapshot_t *now, const inspect_between_t *between,
                        inspect_alert_t out[INSPECT_MAX_ALERTS])
{
    static const inspect_between_t nothing = {0};
    size_t n = 0;
    new_flags(prev, now, out, &n);
    if (prev)
        compare(prev, now, between ? between : &nothing, out, &n);
    if (now->relay_open && now->balance > 0 && (!prev || !prev->relay_open || prev->balance <= 0))
        snprintf(raise(out, &n, ALERT_CUT_WITH_CREDIT, SEVERITY_WARNING)->evidence, sizeof out->evidence,
                 "relay open with balance %lld", (long long)now->balance);
    return n;
}
