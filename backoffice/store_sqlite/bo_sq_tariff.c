/* The SQLite store's tariff versions (bo_store_tariff.h, bo_st_tariffv_t):
 * the table tariff_version (bo_schema.c, version 15). */
#include "backoffice/store_sqlite/bo_sq_int.h"

#include <time.h>

static kerr_t put(void *ctx, const bo_tariff_ver_t *v, int64_t at, kmsg_t *msg)
{
    bool found = false;
    kerr_t rc = bo_db_get_text(ctx, NULL, 0, &found, msg, "SELECT id FROM tariff WHERE id = ?", "t", v->id);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "tariff %s is not known: set it first without --from", v->id);
    return rc ? rc
              : bo_db_write(ctx, NULL, msg, "storing a tariff version",
                            "INSERT INTO tariff_version(id, effective_at, currency, text, set_at) VALUES (?, ?, ?, ?, ?) "
                            "ON CONFLICT (id, effective_at) DO UPDATE SET currency = excluded.currency, "
                            "text = excluded.text, set_at = excluded.set_at",
                            "titti", v->id, v->from, v->currency, v->text, at);
}

static kerr_t each(void *ctx, const char *id, bo_tariff_ver_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT id, currency, text, effective_at FROM tariff_version "
                            "WHERE ?1 = '' OR id = ?1 ORDER BY id, effective_at",
                            "t", id ? id : "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_tariff_ver_t v = {bo_db_col(st, 0), bo_db_col(st, 1), bo_db_col(st, 2), bo_cur_int(st, 3)};
        fn(arg, &v);
    }
    bo_db_end(st);
    return rc;
}

/* One version as a row; the instant as local time, formatted here (as
 * SQLite's datetime(..., 'localtime') would) since a PostgreSQL session
 * keeps UTC. */
static void add_row(void *arg, const bo_tariff_ver_t *v)
{
    bo_rows_t *out = arg;
    time_t t = (time_t)(v->from / 1000);
    struct tm tm;
    char from[32] = "";
    if (localtime_r(&t, &tm))
        strftime(from, sizeof from, "%Y-%m-%d %H:%M:%S", &tm);
    const char *cells[] = {v->id, v->currency, from, v->text};
    static const bo_cell_t kinds[] = {BO_CELL_TEXT, BO_CELL_TEXT, BO_CELL_TEXT, BO_CELL_TEXT};
    if (out->ncols && !bo_rows_add(out, cells, kinds))
        bo_rows_free(out); /* out of memory: ncols 0 tells the caller */
}

static kerr_t rows(void *ctx, const char *id, bo_rows_t *out, kmsg_t *msg)
{
    static const char *const names[] = {"tariff", "currency", "from", "text"};
    bool made = bo_rows_init(out, 4);
    for (int i = 0; made && i < 4; i++)
        made = bo_rows_name(out, i, names[i]);
    if (!made) {
        bo_rows_free(out);
        return kmsg_set(msg, K_EIO, "listing tariff versions: out of memory");
    }
    kerr_t rc = each(ctx, id, add_row, out, msg);
    if (rc == K_OK && !out->ncols)
        rc = kmsg_set(msg, K_EIO, "listing tariff versions: out of memory");
    if (rc != K_OK)
        bo_rows_free(out);
    return rc;
}

const bo_st_tariffv_t bo__sq_tariffv = {
    .put = put,
    .each = each,
    .rows = rows,
};
