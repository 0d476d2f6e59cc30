/* The SQLite store's write-offs (bo_store_writeoff.h, bo_st_writeoff_t):
 * the tables writeoff and writeoff_bill (bo_schema.c, version 17). */
#include "backoffice/store_sqlite/bo_sq_int.h"

static kerr_t add(void *ctx, const bo_writeoff_rec_t *w, int64_t *id, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "recording a write-off",
                            "INSERT INTO writeoff(account, balance, bills, operator, reason, at) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            "tiitti", w->account, w->balance, w->bills, w->operator_name, w->reason, w->at);
    *id = rc == K_OK ? bo_db_last_id(ctx) : 0;
    return rc;
}

static kerr_t bill(void *ctx, int64_t id, int64_t bill_id, int64_t amount, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "recording a bill written off",
                       "INSERT INTO writeoff_bill(writeoff, bill, amount) VALUES (?, ?, ?)", "iii", id, bill_id,
                       amount);
}

const bo_st_writeoff_t bo__sq_writeoff = {
    .add = add,
    .bill = bill,
};
