/* The SQLite store's purchase counts (bo_store_meter.h): the highest
 * count per meter, each meter's lease, and which sale each count went to. */
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

static kerr_t highest(void *ctx, const char *meter, int64_t *out, kmsg_t *msg)
{
    *out = 0;
    return bo_db_get_int(ctx, out, NULL, msg, "SELECT highest FROM meter_count WHERE meter = ?", "t", meter);
}

static kerr_t seen(void *ctx, const char *meter, int64_t count, int64_t at, kmsg_t *msg)
{
    return bo_db_write_keyed(ctx, NULL, msg, "recording a meter's count",
                       "INSERT INTO meter_count VALUES (?1, ?2, ?3) ON CONFLICT (meter) DO UPDATE "
                       "SET highest = ?2, updated_at = ?3 WHERE ?2 > meter_count.highest",
                       "tii", meter, count, at);
}

static kerr_t lease_get(void *ctx, const char *meter, bo_lease_t *l, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(l, 0, sizeof *l);
    kerr_t rc = bo_db_first(ctx, &st, &l->held, msg,
                            "SELECT kiosk, txn_id, count, granted_at, ends_at FROM count_lease WHERE meter = ?", "t",
                            meter);
    if (rc == K_OK && l->held) {
        bo_db_copy(st, 0, l->kiosk, sizeof l->kiosk);
        bo_db_copy(st, 1, l->txn, sizeof l->txn);
        l->count = bo_cur_int(st, 2);
        l->granted_at = bo_cur_int(st, 3);
        l->ends_at = bo_cur_int(st, 4);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t lease_put(void *ctx, const char *meter, const bo_lease_t *l, int64_t at, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "granting a count",
                            "INSERT INTO count_lease(meter, kiosk, txn_id, count, ends_at, granted_at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (meter) DO UPDATE SET kiosk = excluded.kiosk, "
                            "txn_id = excluded.txn_id, count = excluded.count, ends_at = excluded.ends_at, "
                            "granted_at = excluded.granted_at",
                            "tttiii", meter, l->kiosk, l->txn, l->count, l->ends_at, l->granted_at);
    if (rc == K_OK)
        rc = bo_db_write(ctx, NULL, msg, "granting a count",
                         "INSERT INTO count_grant VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (meter, count) DO UPDATE "
                         "SET kiosk = excluded.kiosk, txn_id = excluded.txn_id, at = excluded.at",
                         "titti", meter, l->count, l->kiosk, l->txn, at);
    return rc;
}

static kerr_t lease_drop(void *ctx, const char *meter, bool *changed, kmsg_t *msg)
{
    return bo_db_write_keyed(ctx, changed, msg, "ending a count lease", "DELETE FROM count_lease WHERE meter = ?", "t",
                       meter);
}

static kerr_t given_to(void *ctx, const char *meter, int64_t count, char kiosk[65], char txn[37], kmsg_t *msg)
{
    bo_cur_t *st;
    bool found;
    kerr_t rc = bo_db_first(ctx, &st, &found, msg, "SELECT kiosk, txn_id FROM count_grant WHERE meter = ? AND count = ?",
                            "ti", meter, count);
    kiosk[0] = txn[0] = '\0';
    if (rc == K_OK && found) {
        bo_db_copy(st, 0, kiosk, 65);
        bo_db_copy(st, 1, txn, 37);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t live(void *ctx, const char *kiosk, const char *except, int64_t at, int64_t *n, kmsg_t *msg)
{
    *n = 0;
    return bo_db_get_int(ctx, n, NULL, msg,
                         "SELECT count(*) FROM count_lease WHERE kiosk = ? AND meter <> ? AND ends_at > ?", "tti", kiosk,
                         except, at);
}

const bo_st_counts_t bo__sq_counts = {
    .highest = highest,
    .seen = seen,
    .lease_get = lease_get,
    .lease_put = lease_put,
    .lease_drop = lease_drop,
    .given_to = given_to,
    .live = live,
};
