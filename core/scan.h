/* Scheduled reading: when the collector reads every meter of its site, in
 * which order, and what a meter that does not answer leads to. Pure: the
 * caller passes the time (wall milliseconds) and the local offset. */
#ifndef CORE_SCAN_H
#define CORE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCAN_MINUTES_DEFAULT 60       /* settings "scan_minutes" */
#define SCAN_MIDNIGHT_DEFAULT 5       /* settings "scan_after_midnight_minutes"; -1 off */
#define SCAN_MISSES_ALERT 3           /* misses in a row that raise meter_silent */
#define SCAN_DAY_MS INT64_C(86400000)

/* Where a reading comes from (the outbox's "source"). */
typedef enum read_source {
    READ_SCAN,    /* the collector's scheduled scan */
    READ_SALE,    /* around a sale (the meter card read at a sale) */
    READ_STAFF,   /* staff asked (kioskctl meter read/scan, the service screens) */
    READ_COMMAND, /* a central command's read */
    READ_SOURCE_COUNT,
} read_source_t;

/* The source's name ("scan"), NULL for a value out of range. */
const char *read_source_name(read_source_t s);

/* The schedule, from the back office's settings. */
typedef struct scan_sched {
    int64_t period_ms;         /* between two scans; > 0 */
    int64_t after_midnight_ms; /* the day's scan this long after local midnight; < 0: none */
    int64_t utc_offset_ms;     /* local time = UTC + this */
} scan_sched_t;

/* What the collector remembers of the scans it started. */
typedef struct scan_state {
    int64_t last_start; /* wall ms of the last scan's start; 0: none yet */
    int64_t last_day;   /* the local day (days since the epoch) of the last after-midnight scan; -1: none */
} scan_state_t;

typedef enum scan_kind {
    SCAN_NONE,     /* nothing due */
    SCAN_PERIODIC, /* the period has passed since the last scan (or none yet) */
    SCAN_MIDNIGHT, /* the day's scan after local midnight (the daily freeze is read too) */
} scan_kind_t;

/* A fresh state: no scan yet. */
scan_state_t scan_state_init(void);

/* Which scan is due at now: the day's scan once in each local day, within
 * one period after its time; else a periodic one when the period has
 * passed since the last start (or at once, with none yet). */
scan_kind_t scan_due(const scan_sched_t *s, const scan_state_t *st, int64_t now);

/* Records that a scan of kind k started at now. */
void scan_started(const scan_sched_t *s, scan_state_t *st, scan_kind_t k, int64_t now);

/* One pass over n meters, in the registry's order. */
typedef struct scan_run {
    scan_kind_t kind;
    size_t n, next;
    size_t answered, missed;
} scan_run_t;

/* Starts a pass of kind k over n meters. */
scan_run_t scan_run_begin(scan_kind_t k, size_t n);

/* The index of the next meter to read into *idx; false when the pass is done. */
bool scan_run_next(scan_run_t *r, size_t *idx);

/* What a meter's answer (or its silence) means for its alert. */
typedef enum scan_alert_step {
    SCAN_ALERT_KEEP,  /* nothing to raise or clear */
    SCAN_ALERT_RAISE, /* SCAN_MISSES_ALERT misses in a row: raise meter_silent, once */
    SCAN_ALERT_CLEAR, /* it answered after having been reported silent */
} scan_alert_step_t;

/* The step after a miss that brought the meter's misses in a row to misses. */
scan_alert_step_t scan_after_miss(int64_t misses);

/* The step after an answer from a meter that had missed misses_before times in a row. */
scan_alert_step_t scan_after_answer(int64_t misses_before);

#endif
