/* The SQLite store's scheduled runs (bo_store_sched.h, bo_st_sched_t): the
 * table schedule_run (bo_schema.c, version 16). */
#include "backoffice/store_sqlite/bo_sq_int.h"

/* Calls fn with the first two columns of each row of sql (text, integer;
 * its two text parameters p1 and p2, or none when p1 is NULL). */
static kerr_t ids_each(void *ctx, const char *sql, const char *p1, const char *p2, bo_sched_id_cb fn, void *arg,
                       kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = p1 ? bo_db_first(ctx, &st, &more, msg, sql, "tt", p1, p2) : bo_db_first(ctx, &st, &more, msg, sql, "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0), bo_cur_int(st, 1));
    bo_db_end(st);
    return rc;
}

static kerr_t charge_sites_each(void *ctx, bo_sched_id_cb fn, void *arg, kmsg_t *msg)
{
    return ids_each(ctx,
                    "SELECT site, MIN(created_at) FROM charge_item GROUP BY site "
                    "ORDER BY site",
                    NULL, NULL, fn, arg, msg);
}

static kerr_t groups_each(void *ctx, bo_sched_id_cb fn, void *arg, kmsg_t *msg)
{
    return ids_each(ctx, "SELECT id, created_at FROM apportion_group ORDER BY id", NULL, NULL, fn, arg, msg);
}

static kerr_t runs_each(void *ctx, const char *job, const char *from, bo_sched_id_cb fn, void *arg, kmsg_t *msg)
{
    return ids_each(ctx,
                    "SELECT period, at FROM schedule_run WHERE job = ? AND "
                    "period >= ? ORDER BY period",
                    job, from, fn, arg, msg);
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
                       "INSERT INTO schedule_run(job, period, at, detail) VALUES "
                       "(?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       "ttit", job, period, at, detail);
}

const bo_st_sched_t bo__sq_sched = {
    .charge_sites_each = charge_sites_each,
    .groups_each = groups_each,
    .runs_each = runs_each,
    .done = done,
    .record = record,
};
