/* Scheduled reading's rules (scan.h). */
#include "core/scan.h"

static const char *const source_names[READ_SOURCE_COUNT] = {"scan", "sale", "staff", "command"};

const char *read_source_name(read_source_t s)
{
    return (unsigned)s < READ_SOURCE_COUNT ? source_names[s] : NULL;
}

/* Days since the epoch of a local time (floor, also before 1970). */
static int64_t day_of(int64_t local)
{
    int64_t d = local / SCAN_DAY_MS;
    return local % SCAN_DAY_MS < 0 ? d - 1 : d;
}

scan_state_t scan_state_init(void)
{
    return (scan_state_t){.last_start = 0, .last_day = -1};
}

scan_kind_t scan_due(const scan_sched_t *s, const scan_state_t *st, int64_t now)
{
    if (s->after_midnight_ms >= 0) {
        int64_t local = now + s->utc_offset_ms, day = day_of(local);
        int64_t since = local - day * SCAN_DAY_MS;
        if (day != st->last_day && since >= s->after_midnight_ms && since < s->after_midnight_ms + s->period_ms)
            return SCAN_MIDNIGHT;
    }
    if (st->last_start == 0 || now - st->last_start >= s->period_ms || now < st->last_start)
        return SCAN_PERIODIC;
    return SCAN_NONE;
}

void scan_started(const scan_sched_t *s, scan_state_t *st, scan_kind_t k, int64_t now)
{
    if (k == SCAN_NONE)
        return;
    st->last_start = now;
    if (k == SCAN_MIDNIGHT)
        st->last_day = day_of(now + s->utc_offset_ms);
}

scan_run_t scan_run_begin(scan_kind_t k, size_t n)
{
    return (scan_run_t){.kind = k, .n = n};
}

bool scan_run_next(scan_run_t *r, size_t *idx)
{
    if (r->next >= r->n)
        return false;
    *idx = r->next++;
    return true;
}

scan_alert_step_t scan_after_miss(int64_t misses)
{
    return misses == SCAN_MISSES_ALERT ? SCAN_ALERT_RAISE : SCAN_ALERT_KEEP;
}

scan_alert_step_t scan_after_answer(int64_t misses_before)
{
    return misses_before >= SCAN_MISSES_ALERT ? SCAN_ALERT_CLEAR : SCAN_ALERT_KEEP;
}
