/* Storing each topic's row: txn, reading, alert, card (audit: bo_audit.c). A row already held
 * under another outbox seq is a duplicate; a malformed one is rejected. */
#include <stdio.h>
#include <string.h>

#include "backoffice/bo_account.h"
#include "backoffice/bo_db.h"
#include "backoffice/bo_docs.h"
#include "backoffice/bo_ingest.h"

/* Runs st; a uniqueness breach becomes BO_DUPLICATE with `dup` as reason. */
static kerr_t insert_once(sqlite3 *db, sqlite3_stmt *st, bo_row_status_t *status, kmsg_t *reason, const char *dup,
                          kmsg_t *msg)
{
    kerr_t rc = bo_db_done(db, st, "storing a row", msg);
    if (rc == K_ECONFLICT) {
        *status = BO_DUPLICATE;
        kmsg_set(reason, K_OK, "%s", dup);
        return K_OK;
    }
    return rc;
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

static kerr_t ingest_txn(sqlite3 *db, const char *kiosk, const bo_row_t *row, int64_t now, bo_row_status_t *status,
                         kmsg_t *reason, kmsg_t *msg)
{
    bo_txn_t t;
    char owner[65];
    if (bo_decode_txn(row->payload, &t, reason) != K_OK) {
        *status = BO_REJECTED;
        return K_OK;
    }
    kerr_t rc = owner_of(db, t.id, owner, msg);
    if (rc)
        return rc;
    if (owner[0] && strcmp(owner, kiosk) != 0) {
        *status = BO_REJECTED;
        kmsg_set(reason, K_OK, "transaction %s belongs to kiosk %s; a kiosk uploads only its own", t.id, owner);
        return K_OK;
    }
    sqlite3_stmt *st;
    rc = bo_db_cached(db, "INSERT INTO txn_event_seen VALUES (?, ?, ?, ?, ?)", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    bo_db_text(st, 2, t.id);
    sqlite3_bind_int64(st, 3, t.event_seq);
    sqlite3_bind_int64(st, 4, row->seq);
    sqlite3_bind_int64(st, 5, now);
    char dup[160];
    snprintf(dup, sizeof dup, "event %lld of transaction %s was received before under another outbox seq",
             (long long)t.event_seq, t.id);
    rc = insert_once(db, st, status, reason, dup, msg);
    if (rc || *status == BO_DUPLICATE)
        return rc;
    rc = store_sale(db, kiosk, &t, msg);
    if (rc == K_OK)
        rc = bo_account_on_sale(db, t.meter, t.state, t.created_at, msg);
    return rc ? rc : bo_counts_on_txn(db, kiosk, &t, now, msg);
}

static kerr_t ingest_reading(sqlite3 *db, const char *kiosk, const bo_row_t *row, int64_t now,
                             bo_row_status_t *status, kmsg_t *reason, kmsg_t *msg)
{
    bo_reading_t r;
    if (bo_decode_reading(row->payload, &r, reason) != K_OK) {
        *status = BO_REJECTED;
        return K_OK;
    }
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "INSERT INTO reading VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    bo_db_text(st, 2, r.meter);
    const int64_t v[] = {r.at, r.energy, r.balance, r.purchase_count, r.relay_open, r.flags};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_int64(st, i + 3, v[i]);
    rc = insert_once(db, st, status, reason, "this reading (meter and time) was received before", msg);
    if (rc || *status == BO_DUPLICATE)
        return rc;
    return bo_counts_seen(db, r.meter, r.purchase_count, now, msg);
}

static kerr_t ingest_alert(sqlite3 *db, const char *kiosk, const bo_row_t *row, bo_row_status_t *status,
                           kmsg_t *reason, kmsg_t *msg)
{
    bo_alert_t a;
    if (bo_decode_alert(row->payload, &a, reason) != K_OK) {
        *status = BO_REJECTED;
        return K_OK;
    }
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "INSERT INTO alert (kiosk, kiosk_alert, meter, at, kind, severity, evidence, ledger) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    sqlite3_bind_int64(st, 2, a.id);
    bo_db_text(st, 3, a.meter);
    sqlite3_bind_int64(st, 4, a.at);
    bo_db_text(st, 5, a.kind);
    bo_db_text(st, 6, a.severity);
    bo_db_text(st, 7, a.evidence);
    bo_db_text(st, 8, row->ledger);
    return insert_once(db, st, status, reason, "this alert (kiosk's alert id) was received before", msg);
}

/* A card that stopped working at one kiosk (replaced, or its issue
 * abandoned) is blocked at every kiosk: the blocked-cards document moves
 * forward when the list changes. */
static kerr_t block_card(sqlite3 *db, const char *serial, const char *why, int64_t now, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "INSERT OR IGNORE INTO blocked_card VALUES (?, ?, ?)", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, serial);
    bo_db_text(st, 2, why);
    sqlite3_bind_int64(st, 3, now);
    rc = bo_db_done(db, st, "blocking a card", msg);
    if (rc == K_OK && sqlite3_changes(db) > 0)
        rc = bo_doc_bump(db, "blocked-cards", NULL, msg);
    return rc;
}

static kerr_t block_if_dead(sqlite3 *db, const char *kiosk, const bo_card_t *c, int64_t now, kmsg_t *msg)
{
    char why[160];
    kerr_t rc = K_OK;
    if (strcmp(c->state, "replaced") == 0 || strcmp(c->state, "void") == 0) {
        snprintf(why, sizeof why, "%s at kiosk %s", c->state, kiosk);
        rc = block_card(db, c->serial, why, now, msg);
    }
    if (rc == K_OK && c->replaces[0] && strcmp(c->state, "void") != 0) {
        snprintf(why, sizeof why, "replaced by card %s at kiosk %s", c->serial, kiosk);
        rc = block_card(db, c->replaces, why, now, msg);
    }
    return rc;
}

static kerr_t ingest_card(sqlite3 *db, const char *kiosk, const bo_row_t *row, int64_t now, bo_row_status_t *status,
                          kmsg_t *reason, kmsg_t *msg)
{
    bo_card_t c;
    if (bo_decode_card(row->payload, &c, reason) != K_OK) {
        *status = BO_REJECTED;
        return K_OK;
    }
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db,
                              "INSERT INTO card VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (serial) "
                              "DO UPDATE SET state = ?6, kiosk = ?8, updated_at = ?9 WHERE ?9 > card.updated_at",
                              &st, msg);
    if (rc)
        return rc;
    const char *texts[] = {c.serial, c.meter, c.customer, c.type};
    for (int i = 0; i < 4; i++)
        bo_db_text(st, i + 1, texts[i]);
    sqlite3_bind_int64(st, 5, c.generation);
    bo_db_text(st, 6, c.state);
    bo_db_text(st, 7, c.replaces);
    bo_db_text(st, 8, kiosk);
    sqlite3_bind_int64(st, 9, c.updated_at);
    rc = bo_db_run(db, st, "storing a card", msg);
    return rc ? rc : block_if_dead(db, kiosk, &c, now, msg);
}

kerr_t bo_ingest_row(sqlite3 *db, const char *kiosk, const bo_row_t *row, int64_t now, bo_row_status_t *status,
                     kmsg_t *reason, kmsg_t *msg)
{
    *status = BO_ACCEPTED;
    reason->text[0] = '\0';
    if (strcmp(row->topic, "txn") == 0)
        return ingest_txn(db, kiosk, row, now, status, reason, msg);
    if (strcmp(row->topic, "reading") == 0)
        return ingest_reading(db, kiosk, row, now, status, reason, msg);
    if (strcmp(row->topic, "alert") == 0)
        return ingest_alert(db, kiosk, row, status, reason, msg);
    if (strcmp(row->topic, "audit") == 0)
        return bo_audit_ingest(db, kiosk, row, now, status, reason, msg);
    return ingest_card(db, kiosk, row, now, status, reason, msg);
}

const char *bo_row_status_name(bo_row_status_t s)
{
    return s == BO_ACCEPTED ? "accepted" : s == BO_DUPLICATE ? "duplicate" : "rejected";
}
