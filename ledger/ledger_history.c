/* A meter's history as the touchscreen shows it: energy used per day,
 * from the readings the kiosk stored (remote reads and card write-backs).
 * Read only. */
#include <string.h>

#include "ledger/ledger_int.h"

#define DAY_MS INT64_C(86400000)

/* The rise of the register between two readings counts on the day of the
 * later one; a register that went down (a meter replaced) counts nothing. */
static void add_rise(int64_t prev, int64_t now, int64_t at, int64_t first_day, int days, int64_t *per_day)
{
    int64_t day = at / DAY_MS - first_day;
    if (now > prev && day >= 0 && day < days)
        per_day[day] += now - prev;
}

/* A meter's readings up to ?3 from the last one before ?2 on (at, energy). */
#define SINCE_SQL                                                                                                      \
    "SELECT at, energy FROM meter_reading WHERE meter = ?1 AND at >= "                                                 \
    "(SELECT COALESCE(MAX(at), 0) FROM meter_reading WHERE meter = ?1 AND at < ?2) AND at <= ?3 ORDER BY at, id"

/* The meter's readings from the last one before from_ms up to to_ms,
 * ready to step. */
static kerr_t readings_since(ledger_t *l, const char *meter, int64_t from_ms, int64_t to_ms, sqlite3_stmt **st,
                             kmsg_t *msg)
{
    kerr_t rc = ledger__cached(l, SINCE_SQL, st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(*st, 1, meter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(*st, 2, from_ms);
    sqlite3_bind_int64(*st, 3, to_ms);
    return K_OK;
}

kerr_t ledger_daily_use(ledger_t *l, const char *meter, int64_t now_ms, int days, int64_t *per_day, int *readings,
                        kmsg_t *msg)
{
    memset(per_day, 0, (size_t)days * sizeof *per_day);
    *readings = 0;
    int64_t first_day = now_ms / DAY_MS - (days - 1);
    sqlite3_stmt *st;
    kerr_t rc = readings_since(l, meter, first_day * DAY_MS, now_ms, &st, msg);
    if (rc)
        return rc;
    int s;
    int64_t prev = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t energy = sqlite3_column_int64(st, 1);
        if ((*readings)++)
            add_rise(prev, energy, sqlite3_column_int64(st, 0), first_day, days, per_day);
        prev = energy;
    }
    ledger__release(l, st);
    if (*readings < 2)
        memset(per_day, 0, (size_t)days * sizeof *per_day);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the meter's history", msg);
}

kerr_t ledger_use_since(ledger_t *l, const char *meter, int64_t since_ms, int64_t now_ms, int64_t *used, kmsg_t *msg)
{
    *used = 0;
    sqlite3_stmt *st;
    kerr_t rc = readings_since(l, meter, since_ms, now_ms, &st, msg);
    if (rc)
        return rc;
    int s, n = 0;
    int64_t prev = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t energy = sqlite3_column_int64(st, 1);
        if (n++ && energy > prev)
            *used += energy - prev;
        prev = energy;
    }
    ledger__release(l, st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the meter's history", msg);
}
