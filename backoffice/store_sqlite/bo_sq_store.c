/* The SQLite store's table (bo_sqlite.h): transactions, listings, and
 * each part's ops (bo_sq_*.c). */
#include "backoffice/store_sqlite/bo_sqlite.h"

#include <stdlib.h>

#include "backoffice/store_sqlite/bo_db_int.h"
#include "backoffice/store_sqlite/bo_sq_int.h"

static void close_db(void *ctx)
{
    bo_db_close(ctx);
}

static kerr_t begin(void *ctx, kmsg_t *msg)
{
    return bo_db_begin(ctx, msg);
}

static kerr_t begin_keyed(void *ctx, const char *const *keys, size_t n, kmsg_t *msg)
{
    return bo_db_begin_keyed(ctx, keys, n, msg);
}

static kerr_t commit(void *ctx, kmsg_t *msg)
{
    return bo_db_commit(ctx, msg);
}

static void rollback(void *ctx)
{
    bo_db_rollback(ctx);
}

/* Not a transaction's lock: a session's, taken once per connection
 * (docs/instances.md); held while the connection that took it is the one
 * in use and known alive, asked again on a connection made again. */
static kerr_t lead(void *ctx, bool *ours, kmsg_t *msg)
{
    bo_db_t *db = ctx;
    *ours = true;
    if (bo_db_engine(db) != BO_ENGINE_POSTGRESQL || (db->led && db->led == bo_db_connection(db)))
        return K_OK;
    int64_t got = 0;
    kerr_t rc = bo_db_get_int(db, &got, NULL, msg, "SELECT pg_try_advisory_lock(7261545)", "");
    *ours = rc == K_OK && got == 1;
    db->led = *ours ? bo_db_connection(db) : 0;
    return rc;
}

static kerr_t ping(void *ctx, int timeout_ms, kmsg_t *msg)
{
    return bo_db_ping(ctx, timeout_ms, msg);
}

static kerr_t watch_open(const char *database, void **w, kmsg_t *msg)
{
    bo_db_watch_t *got = NULL;
    kerr_t rc = bo_db_watch_open(database, &got, msg);
    *w = got;
    return rc;
}

static int watch_wait(void *w, int timeout_ms)
{
    return bo_db_watch_wait(w, timeout_ms);
}

static void watch_close(void *w)
{
    bo_db_watch_close(w);
}

static const bo_store_ops_t ops = {
    .engine = "sqlite",
    .close = close_db,
    .begin = begin,
    .begin_keyed = begin_keyed,
    .commit = commit,
    .rollback = rollback,
    .lead = lead,
    .ping = ping,
    .watch_open = watch_open,
    .watch_wait = watch_wait,
    .watch_close = watch_close,
    .list = bo__sq_list,
    .backup = bo__sq_backup,
    .fleet = &bo__sq_fleet,
    .docs = &bo__sq_docs,
    .staff = &bo__sq_staff,
    .meters = &bo__sq_meters,
    .counts = &bo__sq_counts,
    .upload = &bo__sq_upload,
    .log = &bo__sq_log,
    .qr = &bo__sq_qr,
    .held = &bo__sq_held,
    .cmd = &bo__sq_cmd,
    .batch = &bo__sq_batch,
    .bill = &bo__sq_bill,
    .notice = &bo__sq_notice,
    .post = &bo__sq_post,
    .charge = &bo__sq_charge,
    .console = &bo__sq_console,
    .tariffv = &bo__sq_tariffv,
    .sched = &bo__sq_sched,
    .writeoff = &bo__sq_writeoff,
    .refund = &bo__sq_refund,
    .org = &bo__sq_org,
    .recon = &bo__sq_recon,
};

kerr_t bo_sqlite_open(const char *path, bo_store_t *out, kmsg_t *msg)
{
    bo_db_t *db = NULL;
    kerr_t rc = bo_db_open(path, &db, msg);
    if (rc == K_OK)
        bo_sqlite_adopt(db, out);
    return rc;
}

void bo_sqlite_adopt(bo_db_t *db, bo_store_t *out)
{
    *out = (bo_store_t){db, &ops};
}

bo_db_t *bo_sqlite_db(const bo_store_t *st)
{
    return st->ops == &ops ? st->ctx : NULL;
}

bo_db_t *bo_db_adopt_sqlite(sqlite3 *lite)
{
    bo_db_t *db = calloc(1, sizeof *db);
    if (db)
        db->lite = lite;
    return db;
}

sqlite3 *bo_db_sqlite(bo_db_t *db)
{
    return db->engine == BO_ENGINE_POSTGRESQL ? NULL : db->lite;
}
