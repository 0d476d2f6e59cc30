/* The purchase-count service's records (bo_counts_int.h): the highest
 * count per meter, each meter's lease, and which sale each count went to. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_counts_int.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest.h"

kerr_t bo__count_highest(sqlite3 *db, const char *meter, int64_t *out, kmsg_t *msg)
{
    *out = 0;
    return bo_db_int(db, "SELECT highest FROM meter_count WHERE meter = ?", meter, out, msg);
}

kerr_t bo_counts_seen(sqlite3 *db, const char *meter, int64_t count, int64_t now, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db,
                             "INSERT INTO meter_count VALUES (?1, ?2, ?3) ON CONFLICT (meter) DO UPDATE "
                             "SET highest = ?2, updated_at = ?3 WHERE ?2 > meter_count.highest",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    sqlite3_bind_int64(st, 2, count);
    sqlite3_bind_int64(st, 3, now);
    return bo_db_done(db, st, "recording a meter's count", msg);
}

kerr_t bo__count_lease(sqlite3 *db, const char *meter, bo_lease_t *l, kmsg_t *msg)
{
    memset(l, 0, sizeof *l);
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db,
                             "SELECT kiosk, txn_id, count, granted_at, ends_at FROM count_lease WHERE meter = ?", &st,
                             msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    if (sqlite3_step(st) == SQLITE_ROW) {
        l->held = true;
        snprintf(l->kiosk, sizeof l->kiosk, "%s", bo_db_col(st, 0));
        snprintf(l->txn, sizeof l->txn, "%s", bo_db_col(st, 1));
        l->count = sqlite3_column_int64(st, 2);
        l->granted_at = sqlite3_column_int64(st, 3);
        l->ends_at = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return K_OK;
}

kerr_t bo__count_drop(sqlite3 *db, const char *meter, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "DELETE FROM count_lease WHERE meter = ?", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    return bo_db_done(db, st, "ending a count lease", msg);
}

kerr_t bo__count_put(sqlite3 *db, const char *meter, const bo_lease_t *l, int64_t now, kmsg_t *msg)
{
    static const char *const sql[] = {
        "INSERT OR REPLACE INTO count_lease(meter, kiosk, txn_id, count, ends_at, granted_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        "INSERT OR REPLACE INTO count_grant VALUES (?1, ?4, ?2, ?3, ?6)"};
    kerr_t rc = K_OK;
    for (int i = 0; rc == K_OK && i < 2; i++) {
        sqlite3_stmt *st;
        if ((rc = bo_db_cached(db, sql[i], &st, msg)))
            break;
        bo_db_text(st, 1, meter);
        bo_db_text(st, 2, l->kiosk);
        bo_db_text(st, 3, l->txn);
        sqlite3_bind_int64(st, 4, l->count);
        if (i == 0)
            sqlite3_bind_int64(st, 5, l->ends_at);
        sqlite3_bind_int64(st, 6, i == 0 ? l->granted_at : now);
        rc = bo_db_done(db, st, "granting a count", msg);
    }
    return rc;
}

kerr_t bo__count_given_to(sqlite3 *db, const char *meter, int64_t count, char kiosk[65], char txn[37], kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "SELECT kiosk, txn_id FROM count_grant WHERE meter = ? AND count = ?", &st, msg);
    kiosk[0] = txn[0] = '\0';
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    sqlite3_bind_int64(st, 2, count);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(kiosk, 65, "%s", bo_db_col(st, 0));
        snprintf(txn, 37, "%s", bo_db_col(st, 1));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return K_OK;
}

kerr_t bo__count_live(sqlite3 *db, const char *kiosk, const char *except, int64_t now, int64_t *n, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "SELECT count(*) FROM count_lease WHERE kiosk = ? AND meter <> ? AND ends_at > ?",
                             &st, msg);
    *n = 0;
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    bo_db_text(st, 2, except);
    sqlite3_bind_int64(st, 3, now);
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return K_OK;
}

bool bo__count_is(const bo_lease_t *l, const char *kiosk, const char *txn)
{
    return l->held && strcmp(l->kiosk, kiosk) == 0 && strcmp(l->txn, txn) == 0;
}
