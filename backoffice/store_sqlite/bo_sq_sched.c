/* The SQLite store's scheduled runs (bo_store_sched.h, bo_st_sched_t): the
 * table schedule_run (bo_schema.c, version 16). */
#include "backoffice/store_sqlite/bo_sq_int.h"

/* Calls fn with the first column of each row of sql (no parameters). */
static kerr_t ids_each(void *ctx, const char *sql, bo_sched_id_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, sql, "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0));
    bo_db_end(st);
    return rc;
}

static kerr_t charge_sites_each(void *ctx, bo_sched_id_cb fn, void *arg, kmsg_t *msg)
{
    return ids_each(ctx, "SELECT DISTINCT site FROM charge_item ORDER BY site", fn, arg, msg);
}

static kerr_t groups_each(void *ctx, bo_sched_id_cb fn, void *arg, kmsg_t *msg)
{
    return ids_each(ctx, "SELECT id FROM apportion_group ORDER BY id", fn, arg, msg);
}

static kerr_t done(void *ctx, const char *job, const char *period, bool *found, kmsg_t *msg)
{
    return bo_db_get_text(ctx, NULL, 0, found, msg, "SELECT job FROM schedule_run WHERE job = ? AND period = ?", "tt",
                          job, period);
}

static kerr_t record(void *ctx, const char *job, const char *period, int64_t at, const char *detail, bool *added,
                     kmsg_t *msg)
{
    return bo_db_write(ctx, added, msg, "recording a scheduled run",
                       "INSERT INTO schedule_run(job, period, at, detail) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       "ttit", job, period, at, detail);
}

const bo_st_sched_t bo__sq_sched = {
    .charge_sites_each = charge_sites_each,
    .groups_each = groups_each,
    .done = done,
    .record = record,
};
