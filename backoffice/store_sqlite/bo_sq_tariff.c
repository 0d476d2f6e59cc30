/* The SQLite store's tariff versions (bo_store_tariff.h, bo_st_tariffv_t):
 * the table tariff_version (bo_schema.c, version 15). */
#include "backoffice/store_sqlite/bo_sq_int.h"

static kerr_t put(void *ctx, const bo_tariff_ver_t *v, int64_t at, kmsg_t *msg)
{
    bool found = false;
    kerr_t rc = bo_db_get_text(ctx, NULL, 0, &found, msg, "SELECT id FROM tariff WHERE id = ?", "t", v->id);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "tariff %s is not known: set it first without --from", v->id);
    return rc ? rc
              : bo_db_write(ctx, NULL, msg, "storing a tariff version",
                            "INSERT OR REPLACE INTO tariff_version(id, effective_at, currency, text, set_at) "
                            "VALUES (?, ?, ?, ?, ?)",
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

static kerr_t rows(void *ctx, const char *id, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT id AS tariff, currency, datetime(effective_at / 1000, 'unixepoch', 'localtime') AS \"from\", "
                       "text FROM tariff_version "
                       "WHERE ?1 = '' OR id = ?1 ORDER BY id, effective_at",
                       id, NULL, NULL, out, msg);
}

const bo_st_tariffv_t bo__sq_tariffv = {
    .put = put,
    .each = each,
    .rows = rows,
};
