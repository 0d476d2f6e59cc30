/* Reading the ledger: one transaction, lists, histories, meter facts. */
#include <string.h>

#include "base/kjson.h"
#include "ledger/ledger_int.h"

kerr_t ledger_get(ledger_t *l, const char *id, ledger_txn_t *out, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT " LEDGER_TXN_COLUMNS " FROM txn WHERE id = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        ledger__row_txn(st, out);
    else if (s == SQLITE_DONE)
        rc = kmsg_set(msg, K_ENOTFOUND, "no transaction %s in the ledger", id);
    else
        rc = ledger__err(l, s, "reading a transaction", msg);
    ledger__release(l, st);
    return rc;
}

kerr_t ledger_resolve_id(ledger_t *l, const char *prefix, char out[UUID_STR_LEN], kmsg_t *msg)
{
    size_t n = strlen(prefix);
    if (n < 8 || n > 36 || strspn(prefix, "0123456789abcdef-") != n)
        return kmsg_set(msg, K_EINVAL, "'%s' is not a transaction id (give at least its first 8 characters)",
                        prefix);
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, "SELECT id FROM txn WHERE substr(id, 1, ?) = ? LIMIT 2", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, (int)n);
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    int found = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (found++ == 0)
            ledger__col_text(st, 0, out, UUID_STR_LEN);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return ledger__err(l, s, "looking up a transaction", msg);
    if (found == 0)
        return kmsg_set(msg, K_ENOTFOUND, "no transaction %s in the ledger", prefix);
    if (found > 1)
        return kmsg_set(msg, K_ECONFLICT, "'%s' matches several transactions; give more of the id", prefix);
    return K_OK;
}

kerr_t ledger_list(ledger_t *l, const ledger_filter_t *f, ledger_txn_cb cb, void *ctx, kmsg_t *msg)
{
    char sql[640];
    snprintf(sql, sizeof sql,
             "SELECT " LEDGER_TXN_COLUMNS " FROM txn WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR meter = ?2)"
             " AND (?3 = 0 OR created_at >= ?3) AND (?4 = 0 OR created_at < ?4)"
             " AND (?5 = 0 OR state NOT IN ('delivered', 'cancelled', 'refunded', 'voided'))"
             " AND (?6 = 0 OR (state = 'delivery_pending' AND retry_at <= ?6))"
             " ORDER BY created_at %s, id %s LIMIT ?7",
             f->newest_first ? "DESC" : "ASC", f->newest_first ? "DESC" : "ASC");
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, sql, &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, f->state == TXN_NONE ? "" : txn_state_name(f->state), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f->meter ? f->meter : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, f->from);
    sqlite3_bind_int64(st, 4, f->to);
    sqlite3_bind_int(st, 5, f->unfinished);
    sqlite3_bind_int64(st, 6, f->due_before);
    sqlite3_bind_int(st, 7, f->limit > 0 ? f->limit : -1);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_txn_t t;
        ledger__row_txn(st, &t);
        cb(ctx, &t);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "listing transactions", msg);
}

kerr_t ledger_events(ledger_t *l, const char *id, ledger_event_cb cb, void *ctx, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(
        l, "SELECT seq, event, from_state, to_state, detail, at FROM txn_event WHERE txn_id = ? ORDER BY seq", &st,
        msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_event_t e = {.seq = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 5)};
        char name[32];
        ledger__col_text(st, 1, name, sizeof name);
        if (!txn_event_from_name(name, &e.event))
            e.event = TXN_EVENT_COUNT;
        ledger__col_text(st, 2, name, sizeof name);
        e.from = strcmp(name, "none") == 0 ? TXN_NONE : txn_state_from_name(name);
        ledger__col_text(st, 3, name, sizeof name);
        e.to = txn_state_from_name(name);
        ledger__col_text(st, 4, e.detail, sizeof e.detail);
        cb(ctx, &e);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the history", msg);
}

kerr_t ledger_attempts(ledger_t *l, const char *id, ledger_attempt_cb cb, void *ctx, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l,
                                "SELECT id, purchase_count, amount, channel, started_at, finished_at, result, "
                                "applied, detail FROM delivery_attempt WHERE txn_id = ? ORDER BY id",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_attempt_t a = {.id = sqlite3_column_int64(st, 0),
                              .purchase_count = sqlite3_column_int64(st, 1),
                              .amount = sqlite3_column_int64(st, 2),
                              .channel = ledger__col_channel(st, 3),
                              .started_at = sqlite3_column_int64(st, 4),
                              .finished_at = sqlite3_column_int64(st, 5)};
        ledger__col_text(st, 6, a.result, sizeof a.result);
        a.applied = sqlite3_column_type(st, 7) == SQLITE_NULL ? APPLIED_UNKNOWN
                                                               : (ledger_applied_t)sqlite3_column_int(st, 7);
        ledger__col_text(st, 8, a.detail, sizeof a.detail);
        cb(ctx, &a);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading delivery attempts", msg);
}

kerr_t ledger_meter_facts(ledger_t *l, const char *meter, const char *self, ledger_meter_facts_t *out,
                          kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    /* A count is open while its transaction is not final and no attempt
     * with it is confirmed. */
    kerr_t rc = ledger__prepare(l,
                                "SELECT id FROM txn t WHERE meter = ?1 AND id != ?2 AND purchase_count IS NOT NULL"
                                " AND state NOT IN ('delivered', 'cancelled', 'refunded', 'voided')"
                                " AND NOT EXISTS (SELECT 1 FROM delivery_attempt a WHERE a.txn_id = t.id"
                                " AND a.applied = 1) ORDER BY created_at LIMIT 1",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, self ? self : "", -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        out->other_open = true;
        ledger__col_text(st, 0, out->other_id, sizeof out->other_id);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return ledger__err(l, s, "reading meter facts", msg);
    rc = ledger__prepare(l, "SELECT max(purchase_count) FROM delivery_attempt WHERE meter = ? AND applied = 1",
                         &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    if (s == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        out->have_delivered = true;
        out->highest_delivered = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "reading meter facts", msg);
}

kerr_t ledger_outbox_depth(ledger_t *l, int64_t *n, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", &st, msg);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "reading the outbox", msg);
}

kerr_t ledger_audit_recent(ledger_t *l, int limit, void (*cb)(void *ctx, const ledger_audit_row_t *r), void *ctx,
                           kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, "SELECT id, at, actor, action, target, reason FROM audit ORDER BY id DESC LIMIT ?",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, limit);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_audit_row_t r = {.id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1)};
        ledger__col_text(st, 2, r.actor, sizeof r.actor);
        ledger__col_text(st, 3, r.action, sizeof r.action);
        ledger__col_text(st, 4, r.target, sizeof r.target);
        ledger__col_text(st, 5, r.reason, sizeof r.reason);
        cb(ctx, &r);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the audit log", msg);
}

cJSON *ledger__txn_json(const ledger_txn_t *t)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "id", t->id) && kjson_add_str(o, "state", txn_state_name(t->state)) &&
              kjson_add_int(o, "amount", t->amount) && kjson_add_str(o, "currency", t->currency) &&
              kjson_add_str(o, "meter", t->meter) && kjson_add_str(o, "customer", t->customer) &&
              kjson_add_str(o, "method", sale_method_name(t->method)) &&
              kjson_add_str(o, "channel", sale_channel_name(t->channel)) &&
              kjson_add_str(o, "card", t->card) &&
              kjson_add_int(o, "paid", t->paid) && kjson_add_int(o, "delivered", t->delivered) &&
              kjson_add_int(o, "refunded", t->refunded) &&
              (t->purchase_count > 0 ? kjson_add_int(o, "purchase_count", t->purchase_count)
                                     : cJSON_AddNullToObject(o, "purchase_count") != NULL) &&
              kjson_add_str(o, "reason", t->reason) && kjson_add_time(o, "created_at", t->created_at) &&
              kjson_add_time(o, "updated_at", t->updated_at);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
