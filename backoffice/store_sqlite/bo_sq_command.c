/* The SQLite store's central commands (bo_store_command.h). */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

#define COLS BO_SQ_CMD_COLS

void bo__sq_read_cmd(bo_cur_t *st, bo_cmd_rec_t *c)
{
    memset(c, 0, sizeof *c);
    char *texts[] = {c->id,     c->kiosk,  c->meter,  c->command, c->state, c->operator_name,
                     c->reason, c->batch, c->params, c->outcome, c->txn};
    size_t lens[] = {sizeof c->id,     sizeof c->kiosk,  sizeof c->meter,  sizeof c->command,
                     sizeof c->state,  sizeof c->operator_name, sizeof c->reason, sizeof c->batch,
                     sizeof c->params, sizeof c->outcome, sizeof c->txn};
    for (int i = 0; i < 11; i++)
        bo_db_copy(st, i, texts[i], lens[i]);
    c->has_after = !bo_cur_null(st, 11);
    c->balance_after = bo_cur_int(st, 11);
    c->count_after = bo_cur_int(st, 12);
    int64_t *times[] = {&c->issued_at, &c->expires_at, &c->sent_at, &c->acked_at, &c->executed_at, &c->updated_at};
    for (int i = 0; i < 6; i++)
        *times[i] = bo_cur_int(st, 13 + i);
    bo_db_copy(st, 19, c->envelope, sizeof c->envelope);
    c->not_before = bo_cur_int(st, 20);
    c->attempt = bo_cur_int(st, 21);
    bo_db_copy(st, 22, c->retry_of, sizeof c->retry_of);
}

static kerr_t add(void *ctx, const bo_cmd_rec_t *c, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "queueing a central command",
                       "INSERT INTO meter_command(id, kiosk, meter, command, params, operator, reason, issued_at, "
                       "expires_at, state, batch, envelope, updated_at, not_before, attempt, retry_of) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "tttttttiitttiiit", c->id, c->kiosk, c->meter, c->command, c->params, c->operator_name,
                       c->reason, c->issued_at, c->expires_at, c->state, c->batch, c->envelope, c->updated_at,
                       c->not_before, c->attempt ? c->attempt : 1, c->retry_of);
}

static kerr_t get(void *ctx, const char *id, bo_cmd_rec_t *c, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg, "SELECT " COLS " FROM meter_command WHERE id = ?", "t", id);
    if (rc == K_OK && *found)
        bo__sq_read_cmd(st, c);
    bo_db_end(st);
    return rc;
}

static kerr_t set(void *ctx, const bo_cmd_rec_t *c, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "changing a central command",
                       "UPDATE meter_command SET state = ?, outcome = ?, txn_id = ?, "
                       "balance_after = CASE WHEN ? THEN CAST(? AS BIGINT) END, count_after = CASE WHEN ? THEN CAST(? AS BIGINT) END, "
                       "sent_at = ?, acked_at = ?, executed_at = ?, updated_at = ? WHERE id = ?",
                       "tttiiiipppit", c->state, c->outcome, c->txn, (int64_t)c->has_after, c->balance_after,
                       (int64_t)c->has_after, c->count_after, c->sent_at, c->acked_at, c->executed_at, c->updated_at,
                       c->id);
}

static kerr_t pending_each(void *ctx, const char *kiosk, int64_t now, int limit, bo_cmd_cb fn, void *arg,
                           kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    bo_cmd_rec_t c;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT " COLS " FROM meter_command WHERE kiosk = ? AND (state = 'queued' OR "
                            "(state = 'sent' AND acked_at IS NULL)) AND expires_at > ?2 AND not_before <= ?2 "
                            "ORDER BY issued_at, id LIMIT ?3",
                            "tii", kiosk, now, (int64_t)limit);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo__sq_read_cmd(st, &c);
        fn(arg, &c);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t expire_due(void *ctx, int64_t now, const char *why, int64_t *n, kmsg_t *msg)
{
    *n = 0;
    kerr_t rc = bo_db_write(ctx, NULL, msg, "expiring central commands",
                            "UPDATE meter_command SET state = 'expired', outcome = ?, updated_at = ? "
                            "WHERE (state = 'queued' OR (state = 'sent' AND acked_at IS NULL)) AND expires_at <= ?",
                            "tii", why, now, now);
    if (rc == K_OK)
        *n = bo_db_changes(ctx);
    return rc;
}

static kerr_t site_kiosk(void *ctx, const char *site, char kiosk[65], bool *found, kmsg_t *msg)
{
    return bo_db_get_text(ctx, kiosk, 65, found, msg,
                          "SELECT id FROM kiosk WHERE site = ? AND state = 'active' ORDER BY id LIMIT 1", "t", site);
}

const bo_st_cmd_t bo__sq_cmd = {
    .add = add,
    .get = get,
    .set = set,
    .pending_each = pending_each,
    .expire_due = expire_due,
    .site_kiosk = site_kiosk,
};
