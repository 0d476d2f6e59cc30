/* Scheduled reading's ledger side: meters that did not answer a scan, and
 * the alerts about them (docs/collector.md, "Scheduled reading"). */
#include <string.h>

#include "ledger/ledger_int.h"

kerr_t ledger_meter_missed(ledger_t *l, const char *meter, int64_t at, const char *why, int64_t *misses, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO meter_miss(meter, misses, first_at, last_at, why) VALUES (?1, 1, ?2, ?2, ?3)"
                               " ON CONFLICT(meter) DO UPDATE SET misses = misses + 1, last_at = ?2, why = ?3"
                               " RETURNING misses",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_text(st, 3, why, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *misses = sqlite3_column_int64(st, 0);
        s = sqlite3_step(st);
    }
    ledger__release(l, st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "recording a meter's silence", msg);
}

kerr_t ledger_meter_answered(ledger_t *l, const char *meter, int64_t *misses_before, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "DELETE FROM meter_miss WHERE meter = ? RETURNING misses", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter, -1, SQLITE_STATIC);
    *misses_before = 0;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *misses_before = sqlite3_column_int64(st, 0);
        s = sqlite3_step(st);
    }
    ledger__release(l, st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "recording a meter's answer", msg);
}

kerr_t ledger_meter_alert(ledger_t *l, const ledger_alert_t *a, kmsg_t *msg)
{
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = ledger__insert_alert(l, a, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

kerr_t ledger_alerts_settle(ledger_t *l, const char *meter, const char *kind, int64_t at, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(
        l, "UPDATE alert SET acknowledged_at = ?3, acknowledged_by = 'collector' WHERE meter = ?1 AND kind = ?2 AND acknowledged_at IS NULL", &st,
        msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at);
    return ledger__run(l, st, "settling a meter's alerts", msg);
}
