/* The SQLite store's batches (bo_store_command.h, bo_st_batch_t). */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

static kerr_t add(void *ctx, const bo_cmd_batch_t *b, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "recording a batch",
                       "INSERT INTO batch(id, command, params, selection, run_at, retries, expiry_s, operator, reason, "
                       "created_by, created_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "ttttiiitttit", b->id, b->command, b->params, b->selection, b->run_at, b->retries, b->expiry_s,
                       b->operator_name, b->reason, b->created_by, b->created_at, b->state);
}

static kerr_t get(void *ctx, const char *id, bo_cmd_batch_t *b, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT id, command, state, operator, reason, created_by, params, selection, run_at, "
                            "retries, expiry_s, created_at, coalesce(cancelled_at, 0) FROM batch WHERE id = ?",
                            "t", id);
    if (rc == K_OK && *found) {
        memset(b, 0, sizeof *b);
        char *texts[] = {b->id, b->command, b->state, b->operator_name, b->reason, b->created_by, b->params,
                         b->selection};
        size_t lens[] = {sizeof b->id,     sizeof b->command,    sizeof b->state,  sizeof b->operator_name,
                         sizeof b->reason, sizeof b->created_by, sizeof b->params, sizeof b->selection};
        for (int i = 0; i < 8; i++)
            bo_db_copy(st, i, texts[i], lens[i]);
        int64_t *nums[] = {&b->run_at, &b->retries, &b->expiry_s, &b->created_at, &b->cancelled_at};
        for (int i = 0; i < 5; i++)
            *nums[i] = bo_cur_int(st, 8 + i);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t site_meters(void *ctx, const char *site, bo_meter_id_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, "SELECT id FROM meter WHERE site = ? ORDER BY id", "t", site);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0));
    bo_db_end(st);
    return rc;
}

static kerr_t cancel(void *ctx, const char *id, int64_t now, const char *why, int64_t *n, kmsg_t *msg)
{
    *n = 0;
    kerr_t rc = bo_db_write(ctx, NULL, msg, "cancelling a batch",
                            "UPDATE batch SET state = 'cancelled', cancelled_at = ? WHERE id = ?", "it", now, id);
    if (rc == K_OK)
        rc = bo_db_write(ctx, NULL, msg, "cancelling a batch's queued commands",
                         "UPDATE meter_command SET state = 'cancelled', outcome = ?, updated_at = ? "
                         "WHERE batch = ? AND state = 'queued'",
                         "tit", why, now, id);
    if (rc == K_OK)
        *n = bo_db_changes(ctx);
    return rc;
}

static kerr_t ended_each(void *ctx, int limit, bo_cmd_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    bo_cmd_rec_t c;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT " BO_SQ_CMD_COLS " FROM meter_command c WHERE c.batch <> '' "
                            "AND c.state IN ('failed', 'unknown', 'expired') "
                            "AND NOT (c.command = 'credit' AND c.state = 'unknown') "
                            "AND EXISTS (SELECT 1 FROM batch b WHERE b.id = c.batch AND b.state = 'open' "
                            "AND c.attempt <= b.retries) "
                            "AND NOT EXISTS (SELECT 1 FROM meter_command r WHERE r.retry_of = c.id) "
                            "ORDER BY c.updated_at, c.id LIMIT ?",
                            "i", (int64_t)limit);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo__sq_read_cmd(st, &c);
        fn(arg, &c);
    }
    bo_db_end(st);
    return rc;
}

const bo_st_batch_t bo__sq_batch = {
    .add = add,
    .get = get,
    .site_meters = site_meters,
    .cancel = cancel,
    .ended_each = ended_each,
};
