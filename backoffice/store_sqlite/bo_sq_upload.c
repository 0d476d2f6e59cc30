/* The SQLite store's uploads (bo_store_upload.h): first answers, signed
 * batches, kiosks' ledgers, the rows themselves; the audit trail and
 * staff alerts. */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

static kerr_t answer_get(void *ctx, const bo_row_key_t *k, bo_answer_rec_t *a, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT digest, status, reason FROM ingest_row WHERE kiosk = ? AND ledger = ? AND seq = ?",
                            "tti", k->kiosk, k->ledger, k->seq);
    if (rc == K_OK && *found) {
        bo_db_copy(st, 0, a->digest, sizeof a->digest);
        bo_db_copy(st, 1, a->status, sizeof a->status);
        bo_db_copy(st, 2, a->reason, sizeof a->reason);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t answer_put(void *ctx, const bo_row_key_t *k, const char *topic, const bo_answer_rec_t *a, int64_t at,
                         int64_t batch, kmsg_t *msg)
{
    return bo_db_write_keyed(ctx, NULL, msg, "remembering the answer",
                       "INSERT INTO ingest_row (kiosk, ledger, seq, topic, digest, status, reason, received_at, batch) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "ttittttii", k->kiosk, k->ledger, k->seq, topic, a->digest, a->status, a->reason, at, batch);
}

static kerr_t batch_put(void *ctx, const bo_batch_rec_t *b, int64_t *id, kmsg_t *msg)
{
    kerr_t rc = bo_db_write_keyed(ctx, NULL, msg, "keeping the signed upload",
                            "INSERT INTO ingest_batch (kiosk, ledger, received_at, signature, body) "
                            "VALUES (?, ?, ?, ?, ?)",
                            "ttitb", b->kiosk, b->ledger, b->at, b->signature, (const void *)b->body, (int)b->body_len);
    *id = bo_db_last_id(ctx);
    return rc;
}

static kerr_t purge(void *ctx, int64_t cutoff, kmsg_t *msg)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "DELETE FROM ingest_row WHERE received_at < %lld; DELETE FROM txn_event_seen WHERE at < %lld; "
             "DELETE FROM ingest_batch WHERE received_at < %lld;",
             (long long)cutoff, (long long)cutoff, (long long)cutoff);
    return bo_db_exec(ctx, sql, "forgetting rows older than the de-duplication window", msg);
}

static kerr_t ledger_read(bo_cur_t *st, bool found, bo_ledger_rec_t *l)
{
    memset(l, 0, sizeof *l);
    l->found = found;
    if (found) {
        bo_db_copy(st, 0, l->id, sizeof l->id);
        l->created_at = bo_cur_int(st, 1);
        l->first_seen = bo_cur_int(st, 2);
        l->retired_at = bo_cur_int(st, 3);
        bo_db_copy(st, 4, l->replaced_by, sizeof l->replaced_by);
    }
    bo_db_end(st);
    return K_OK;
}

static kerr_t ledger_current(void *ctx, const char *kiosk, bo_ledger_rec_t *l, kmsg_t *msg)
{
    bo_cur_t *st;
    bool found;
    kerr_t rc = bo_db_first(ctx, &st, &found, msg,
                            "SELECT id, created_at, first_seen, coalesce(retired_at, 0), replaced_by FROM kiosk_ledger "
                            "WHERE kiosk = ?1 AND retired_at IS NULL",
                            "t", kiosk);
    return rc ? kmsg_set(msg, rc, "reading the kiosk's ledgers: %s", bo_db_error(ctx)) : ledger_read(st, found, l);
}

static kerr_t ledger_get(void *ctx, const char *kiosk, const char *id, bo_ledger_rec_t *l, kmsg_t *msg)
{
    bo_cur_t *st;
    bool found;
    kerr_t rc = bo_db_first(ctx, &st, &found, msg,
                            "SELECT id, created_at, first_seen, coalesce(retired_at, 0), replaced_by FROM kiosk_ledger "
                            "WHERE kiosk = ?1 AND id = ?2",
                            "tt", kiosk, id);
    return rc ? kmsg_set(msg, rc, "reading the kiosk's ledgers: %s", bo_db_error(ctx)) : ledger_read(st, found, l);
}

static kerr_t ledger_add(void *ctx, const char *kiosk, const bo_ledger_t *l, int64_t first_seen, kmsg_t *msg)
{
    return bo_db_write_keyed(ctx, NULL, msg, "recording the kiosk's ledger",
                       "INSERT INTO kiosk_ledger (kiosk, id, created_at, first_seen) VALUES (?, ?, ?, ?)", "ttii",
                       kiosk, l->id, l->created_at, first_seen);
}

static kerr_t ledger_retire(void *ctx, const char *kiosk, const char *id, int64_t at, const char *by, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "retiring the kiosk's ledger",
                       "UPDATE kiosk_ledger SET retired_at = ?3, replaced_by = ?4 WHERE kiosk = ?1 AND id = ?2",
                       "ttit", kiosk, id, at, by);
}

static kerr_t unnamed_last(void *ctx, const char *kiosk, int64_t *at, kmsg_t *msg)
{
    *at = -1;
    return bo_db_int(ctx, "SELECT coalesce(max(received_at), -1) FROM ingest_row WHERE kiosk = ? AND ledger = ''",
                     kiosk, at, msg);
}

static kerr_t unnamed_adopt(void *ctx, const char *kiosk, const char *ledger, kmsg_t *msg)
{
    static const char *const sql[] = {
        "UPDATE ingest_row SET ledger = ?2 WHERE kiosk = ?1 AND ledger = ''",
        "UPDATE alert SET ledger = ?2 WHERE kiosk = ?1 AND ledger = ''",
        "UPDATE audit SET ledger = ?2 WHERE kiosk = ?1 AND ledger = ''",
    };
    kerr_t rc = K_OK;
    for (size_t i = 0; rc == K_OK && i < sizeof sql / sizeof sql[0]; i++)
        rc = bo_db_write(ctx, NULL, msg, "giving the kiosk's earlier rows to its first named ledger", sql[i], "tt",
                         kiosk, ledger);
    return rc;
}

static kerr_t event_seen(void *ctx, const char *kiosk, const bo_txn_t *t, int64_t seq, int64_t at, kmsg_t *msg)
{
    return bo_db_write_keyed(ctx, NULL, msg, "storing a row", "INSERT INTO txn_event_seen VALUES (?, ?, ?, ?, ?)", "ttiii",
                       kiosk, t->id, t->event_seq, seq, at);
}

static kerr_t sale_owner(void *ctx, const char *txn, char owner[65], kmsg_t *msg)
{
    return bo_db_get_text(ctx, owner, 65, NULL, msg, "SELECT kiosk FROM sale WHERE txn_id = ?", "t", txn);
}

static kerr_t sale_put(void *ctx, const char *kiosk, const bo_txn_t *t, kmsg_t *msg)
{
    return bo_db_write_keyed(
        ctx, NULL, msg, "storing a sale",
        "INSERT INTO sale VALUES (?1, ?2, (SELECT site FROM kiosk WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT (txn_id) DO UPDATE SET state = ?3, paid = ?10, "
        "delivered = ?11, refunded = ?12, purchase_count = ?13, event_seq = ?14, updated_at = ?16 "
        "WHERE ?14 > sale.event_seq",
        "ttttttttiiiipiii", t->id, kiosk, t->state, t->meter, t->customer, t->method, t->channel, t->currency,
        t->amount, t->paid, t->delivered, t->refunded, t->purchase_count, t->event_seq, t->created_at, t->updated_at);
}

static kerr_t reading_put(void *ctx, const char *kiosk, const bo_reading_t *r, kmsg_t *msg)
{
    const int64_t *b = r->bands, none[4] = {-1, -1, -1, -1};
    if (!r->has_bands)
        b = none;
    return bo_db_write(ctx, NULL, msg, "storing a row",
                       "INSERT INTO reading (kiosk, meter, at, energy, balance, purchase_count, relay_open, flags, "
                       "sharp, peak, flat, valley, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, nullif(?, -1), "
                       "nullif(?, -1), nullif(?, -1), nullif(?, -1), ?)",
                       "ttiiiiiiiiiit", kiosk, r->meter, r->at, r->energy, r->balance, r->purchase_count,
                       r->relay_open, r->flags, b[0], b[1], b[2], b[3], r->source);
}

static kerr_t frozen_put(void *ctx, const char *kiosk, const bo_frozen_t *f, kmsg_t *msg)
{
    const int64_t *b = f->bands, none[4] = {-1, -1, -1, -1};
    if (!f->has_bands)
        b = none;
    return bo_db_write(ctx, NULL, msg, "storing a freeze",
                       "INSERT INTO frozen (meter, at, at_text, kiosk, energy, sharp, peak, flat, valley, read_at) "
                       "VALUES (?, ?, ?, ?, ?, nullif(?, -1), nullif(?, -1), nullif(?, -1), nullif(?, -1), ?)",
                       "titti" "iiiii", f->meter, f->at, f->at_text, kiosk, f->energy, b[0], b[1], b[2], b[3],
                       f->read_at);
}

static kerr_t alert_put(void *ctx, const char *kiosk, const char *ledger, const bo_alert_t *a, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "storing a row",
                       "INSERT INTO alert (kiosk, kiosk_alert, meter, at, kind, severity, evidence, ledger) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       "titittt" "t", kiosk, a->id, a->meter, a->at, a->kind, a->severity, a->evidence, ledger);
}

static kerr_t card_put(void *ctx, const char *kiosk, const bo_card_t *c, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "storing a card",
                       "INSERT INTO card VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (serial) "
                       "DO UPDATE SET state = ?6, kiosk = ?8, updated_at = ?9 WHERE ?9 > card.updated_at",
                       "ttttittti", c->serial, c->meter, c->customer, c->type, c->generation, c->state, c->replaces,
                       kiosk, c->updated_at);
}

const bo_st_upload_t bo__sq_upload = {
    .answer_get = answer_get,
    .answer_put = answer_put,
    .batch_put = batch_put,
    .purge = purge,
    .ledger_current = ledger_current,
    .ledger_get = ledger_get,
    .ledger_add = ledger_add,
    .ledger_retire = ledger_retire,
    .unnamed_last = unnamed_last,
    .unnamed_adopt = unnamed_adopt,
    .event_seen = event_seen,
    .sale_owner = sale_owner,
    .sale_put = sale_put,
    .reading_put = reading_put,
    .alert_put = alert_put,
    .frozen_put = frozen_put,
    .card_put = card_put,
};

static kerr_t audit_self(void *ctx, const bo_audit_rec_t *a, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "writing the back office's audit log",
                       "INSERT INTO audit(kiosk, kiosk_audit, at, actor, action, target, reason, detail, "
                       "received_at) VALUES ('" BO_STORE_SELF "', NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?1)",
                       "ittttt", a->at, a->actor, a->action, a->target, a->reason, a->detail);
}

static kerr_t audit_put(void *ctx, const char *kiosk, const char *ledger, const bo_audit_t *a, int64_t at,
                        kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "storing an audit row",
                       "INSERT INTO audit(kiosk, kiosk_audit, at, actor, action, target, reason, detail, "
                       "received_at, ledger) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "tiitttttit", kiosk, a->id, a->at, a->actor, a->action, a->target, a->reason, a->detail, at,
                       ledger);
}

/* The back office's own alert about meter or kiosk subject, numbered after the last. */
static kerr_t insert_self(void *ctx, int64_t at, const char *kind, const char *meter, const char *subject,
                          const char *evidence, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "raising an alert for staff",
                       "INSERT INTO alert (kiosk, kiosk_alert, meter, at, kind, severity, evidence, subject) VALUES "
                       "('" BO_STORE_SELF "', (SELECT coalesce(max(kiosk_alert), 0) + 1 "
                       "FROM alert WHERE kiosk = '" BO_STORE_SELF "'), ?1, ?2, ?3, 'warning', ?4, ?5)",
                       "titt" "t", meter, at, kind, evidence, subject);
}

static kerr_t alert_self(void *ctx, int64_t at, const char *kind, const char *meter, const char *evidence,
                         kmsg_t *msg)
{
    return insert_self(ctx, at, kind, meter, "", evidence, msg);
}

static kerr_t alert_about(void *ctx, int64_t at, const char *kind, const char *subject, const char *evidence,
                          kmsg_t *msg)
{
    return insert_self(ctx, at, kind, "", subject, evidence, msg);
}

#define OPEN_ALERT                                                                                                    \
    " kind = ?1 AND subject = ?2 AND (?3 = '' OR meter = ?3) AND cleared_at IS NULL"

static kerr_t alert_open(void *ctx, const char *kind, const char *subject, const char *meter, bool *found,
                         kmsg_t *msg)
{
    int64_t n = 0;
    kerr_t rc = bo_db_get_int(ctx, &n, NULL, msg, "SELECT count(*) FROM alert WHERE" OPEN_ALERT, "ttt", kind,
                              subject, meter);
    *found = n > 0;
    return rc;
}

static kerr_t alert_clear(void *ctx, const char *kind, const char *subject, const char *meter, int64_t at,
                          bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "clearing an alert", "UPDATE alert SET cleared_at = ?4 WHERE" OPEN_ALERT,
                       "ttti", kind, subject, meter, at);
}

static kerr_t alert_ack(void *ctx, int64_t id, int64_t at, const char *by, const char *reason, bool *found,
                        bool *changed, kmsg_t *msg)
{
    int64_t n = 0;
    kerr_t rc = bo_db_get_int(ctx, &n, NULL, msg, "SELECT count(*) FROM alert WHERE id = ?", "i", id);
    *found = n > 0;
    *changed = false;
    if (rc || !*found)
        return rc;
    return bo_db_write(ctx, changed, msg, "acknowledging an alert",
                       "UPDATE alert SET acked_at = ?2, acked_by = ?3, ack_reason = ?4 WHERE id = ?1 "
                       "AND acked_at IS NULL",
                       "iitt", id, at, by, reason);
}

static kerr_t heartbeat_each(void *ctx, void (*fn)(void *arg, const char *kiosk, int64_t at), void *arg,
                             kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, "SELECT kiosk, at FROM kiosk_health ORDER BY kiosk", "");
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0), bo_cur_int(st, 1));
    bo_db_end(st);
    return rc;
}

const bo_st_log_t bo__sq_log = {
    .audit_self = audit_self,
    .audit_put = audit_put,
    .alert_self = alert_self,
    .alert_about = alert_about,
    .alert_open = alert_open,
    .alert_clear = alert_clear,
    .alert_ack = alert_ack,
    .heartbeat_each = heartbeat_each,
};
