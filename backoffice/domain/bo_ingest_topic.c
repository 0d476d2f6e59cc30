/* Storing each topic's row: txn, reading, alert (card: bo_ingest_card.c,
 * audit: bo_audit.c). A row already held under another outbox seq is a
 * duplicate; a malformed one is rejected; a row naming a meter passes the
 * gate first (bo_ingest_gate.c): the kiosk's scope, then the rules. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest_int.h"

/* Runs st; a uniqueness breach becomes BO_DUPLICATE with `dup` as reason. */
static kerr_t insert_once(const bo_in_t *in, sqlite3_stmt *st, const char *dup)
{
    kerr_t rc = bo_db_done(in->db, st, "storing a row", in->msg);
    if (rc == K_ECONFLICT) {
        *in->status = BO_DUPLICATE;
        kmsg_set(in->reason, K_OK, "%s", dup);
        return K_OK;
    }
    return rc;
}

/* Ends the rules' check: a database failure is the request's failure. */
static kerr_t rules_failed(const bo_in_t *in, kerr_t rc, const kmsg_t *why)
{
    return kmsg_set(in->msg, rc, "%s", why->text);
}

static kerr_t store_sale(sqlite3 *db, const char *kiosk, const bo_txn_t *t, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(
        db,
        "INSERT INTO sale VALUES (?1, ?2, (SELECT site FROM kiosk WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT (txn_id) DO UPDATE SET state = ?3, paid = ?10, "
        "delivered = ?11, refunded = ?12, purchase_count = ?13, event_seq = ?14, updated_at = ?16 "
        "WHERE ?14 > sale.event_seq",
        &st, msg);
    if (rc)
        return rc;
    const char *texts[] = {t->id, kiosk, t->state, t->meter, t->customer, t->method, t->channel, t->currency};
    for (int i = 0; i < 8; i++)
        bo_db_text(st, i + 1, texts[i]);
    const int64_t ints[] = {t->amount, t->paid, t->delivered, t->refunded};
    for (int i = 0; i < 4; i++)
        sqlite3_bind_int64(st, i + 9, ints[i]);
    if (t->purchase_count > 0)
        sqlite3_bind_int64(st, 13, t->purchase_count);
    sqlite3_bind_int64(st, 14, t->event_seq);
    sqlite3_bind_int64(st, 15, t->created_at);
    sqlite3_bind_int64(st, 16, t->updated_at);
    return bo_db_done(db, st, "storing a sale", msg);
}

/* The kiosk a transaction was first uploaded by ("" if none yet). */
static kerr_t owner_of(sqlite3 *db, const char *txn_id, char owner[65], kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "SELECT kiosk FROM sale WHERE txn_id = ?", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, txn_id);
    owner[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(owner, 65, "%s", bo_db_col(st, 0));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return K_OK;
}

/* The transaction is the kiosk's own, its meter in the kiosk's scope, and
 * it breaks no rule. */
static kerr_t admit_txn(const bo_in_t *in, const bo_txn_t *t, bool *go)
{
    char owner[65];
    kerr_t rc = owner_of(in->db, t->id, owner, in->msg);
    *go = false;
    if (rc)
        return rc;
    if (owner[0] && strcmp(owner, in->kiosk) != 0) {
        *in->status = BO_REJECTED;
        kmsg_set(in->reason, K_OK, "transaction %s belongs to kiosk %s; a kiosk uploads only its own", t->id, owner);
        return K_OK;
    }
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    bo_rule_ctx_t c = bo__ingest_rule_ctx(in);
    if (in->rules && (rc = bo_rules_txn(&c, t, &rule, &why)))
        return rules_failed(in, rc, &why);
    return bo__ingest_admit(in, t->meter, rule, &why, go);
}

static kerr_t ingest_txn(const bo_in_t *in)
{
    bo_txn_t t;
    bool go;
    if (bo_decode_txn(in->row->payload, &t, in->reason) != K_OK) {
        *in->status = BO_REJECTED;
        return K_OK;
    }
    kerr_t rc = admit_txn(in, &t, &go);
    if (rc || !go)
        return rc;
    sqlite3_stmt *st;
    rc = bo_db_cached(in->db, "INSERT INTO txn_event_seen VALUES (?, ?, ?, ?, ?)", &st, in->msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, in->kiosk);
    bo_db_text(st, 2, t.id);
    sqlite3_bind_int64(st, 3, t.event_seq);
    sqlite3_bind_int64(st, 4, in->row->seq);
    sqlite3_bind_int64(st, 5, in->now);
    char dup[160];
    snprintf(dup, sizeof dup, "event %lld of transaction %s was received before under another outbox seq",
             (long long)t.event_seq, t.id);
    rc = insert_once(in, st, dup);
    if (rc || *in->status == BO_DUPLICATE)
        return rc;
    rc = store_sale(in->db, in->kiosk, &t, in->msg);
    if (rc == K_OK)
        rc = bo_account_on_sale(in->db, t.meter, t.state, t.created_at, in->msg);
    return rc ? rc : bo_counts_on_txn(in->db, in->kiosk, &t, in->now, in->msg);
}

static kerr_t ingest_reading(const bo_in_t *in)
{
    bo_reading_t r;
    bool go;
    if (bo_decode_reading(in->row->payload, &r, in->reason) != K_OK) {
        *in->status = BO_REJECTED;
        return K_OK;
    }
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    bo_rule_ctx_t c = bo__ingest_rule_ctx(in);
    kerr_t rc = in->rules ? bo_rules_reading(&c, &r, &rule, &why) : K_OK;
    if (rc)
        return rules_failed(in, rc, &why);
    if ((rc = bo__ingest_admit(in, r.meter, rule, &why, &go)) || !go)
        return rc;
    sqlite3_stmt *st;
    rc = bo_db_cached(in->db, "INSERT INTO reading VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, in->msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, in->kiosk);
    bo_db_text(st, 2, r.meter);
    const int64_t v[] = {r.at, r.energy, r.balance, r.purchase_count, r.relay_open, r.flags};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_int64(st, i + 3, v[i]);
    rc = insert_once(in, st, "this reading (meter and time) was received before");
    if (rc || *in->status == BO_DUPLICATE)
        return rc;
    return bo_counts_seen(in->db, r.meter, r.purchase_count, in->now, in->msg);
}

static kerr_t ingest_alert(const bo_in_t *in)
{
    bo_alert_t a;
    bool go;
    if (bo_decode_alert(in->row->payload, &a, in->reason) != K_OK) {
        *in->status = BO_REJECTED;
        return K_OK;
    }
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    bo_rule_ctx_t c = bo__ingest_rule_ctx(in);
    if (in->rules)
        bo_rules_time(&c, "time", a.at, &rule, &why);
    kerr_t rc = bo__ingest_admit(in, a.meter, rule, &why, &go);
    if (rc || !go)
        return rc;
    sqlite3_stmt *st;
    rc = bo_db_cached(in->db, "INSERT INTO alert (kiosk, kiosk_alert, meter, at, kind, severity, evidence, ledger) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      &st, in->msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, in->kiosk);
    sqlite3_bind_int64(st, 2, a.id);
    bo_db_text(st, 3, a.meter);
    sqlite3_bind_int64(st, 4, a.at);
    bo_db_text(st, 5, a.kind);
    bo_db_text(st, 6, a.severity);
    bo_db_text(st, 7, a.evidence);
    bo_db_text(st, 8, in->row->ledger);
    return insert_once(in, st, "this alert (kiosk's alert id) was received before");
}

kerr_t bo_ingest_row(sqlite3 *db, const bo_rules_t *rules, const char *kiosk, const bo_row_t *row, int64_t now,
                     bo_row_status_t *status, kmsg_t *reason, kmsg_t *msg)
{
    *status = BO_ACCEPTED;
    reason->text[0] = '\0';
    const bo_in_t in = {db, rules, kiosk, row, now, status, reason, msg};
    if (strcmp(row->topic, "txn") == 0)
        return ingest_txn(&in);
    if (strcmp(row->topic, "reading") == 0)
        return ingest_reading(&in);
    if (strcmp(row->topic, "alert") == 0)
        return ingest_alert(&in);
    if (strcmp(row->topic, "audit") == 0)
        return bo_audit_ingest(db, kiosk, row, now, status, reason, msg);
    return bo__ingest_card(&in);
}

const char *bo_row_status_name(bo_row_status_t s)
{
    return s == BO_ACCEPTED ? "accepted" : s == BO_DUPLICATE ? "duplicate" : "rejected";
}
