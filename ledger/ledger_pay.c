/* Payments by devices: card authorisations, the bill acceptor's counter and
 * escrow decisions, and the cash report (Z report). */
#include <string.h>

#include "base/kjson.h"
#include "ledger/ledger_int.h"

kerr_t ledger_card_begin(ledger_t *l, const char *txn_id, const char *reference, int64_t amount, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "INSERT INTO card_auth(txn_id, reference, amount, started_at) VALUES (?, ?, ?, ?)",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, txn_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, reference, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, amount);
    sqlite3_bind_int64(st, 4, ledger__now(l));
    return ledger__run(l, st, "recording the card authorisation", msg);
}

kerr_t ledger__close_card(ledger_t *l, const char *txn_id, const ledger_card_outcome_t *o, int64_t at, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "UPDATE card_auth SET outcome = ?1, result_code = ?2, receipt = ?3, trace = ?4, "
                               "masked_pan = ?5, card_type = ?6, lines = ?7, finished_at = ?8 "
                               "WHERE reference = ?9 AND (?10 IS NULL OR txn_id = ?10) AND outcome IS NULL",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, o->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, o->result_code);
    sqlite3_bind_int64(st, 3, o->receipt);
    sqlite3_bind_int64(st, 4, o->trace);
    sqlite3_bind_text(st, 5, o->masked_pan ? o->masked_pan : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, o->card_type ? o->card_type : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, o->lines ? o->lines : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, at);
    sqlite3_bind_text(st, 9, o->reference, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, txn_id, -1, SQLITE_STATIC); /* NULL binds NULL: any transaction */
    if ((rc = ledger__run(l, st, "closing the card authorisation", msg)))
        return rc;
    if (sqlite3_changes(l->db) == 1)
        return K_OK;
    if (txn_id)
        return kmsg_set(msg, K_ESTATE, "no open card authorisation %s for this transaction", o->reference);
    return kmsg_set(msg, K_ESTATE, "card authorisation %s is not open", o->reference);
}

kerr_t ledger_card_end(ledger_t *l, const ledger_card_outcome_t *o, kmsg_t *msg)
{
    return ledger__close_card(l, NULL, o, ledger__now(l), msg);
}

static kerr_t one_card(ledger_t *l, const char *sql, const char *txn_id, ledger_card_auth_t *out, bool *found,
                       kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, sql, &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, txn_id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        ledger__col_text(st, 1, out->txn_id, sizeof out->txn_id);
        ledger__col_text(st, 2, out->reference, sizeof out->reference);
        out->amount = sqlite3_column_int64(st, 3);
        ledger__col_text(st, 4, out->outcome, sizeof out->outcome);
        out->result_code = sqlite3_column_int(st, 5);
        out->receipt = sqlite3_column_int64(st, 6);
        ledger__col_text(st, 7, out->masked_pan, sizeof out->masked_pan);
    }
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading card authorisations", msg);
}

#define CARD_COLUMNS "id, txn_id, reference, amount, coalesce(outcome, ''), coalesce(result_code, 0), " \
                     "coalesce(receipt, 0), masked_pan"

kerr_t ledger_card_latest(ledger_t *l, const char *txn_id, ledger_card_auth_t *out, bool *found, kmsg_t *msg)
{
    return one_card(l, "SELECT " CARD_COLUMNS " FROM card_auth WHERE txn_id = ? ORDER BY id DESC LIMIT 1", txn_id,
                    out, found, msg);
}

kerr_t ledger_card_paid(ledger_t *l, const char *txn_id, ledger_card_auth_t *out, bool *found, kmsg_t *msg)
{
    return one_card(l,
                    "SELECT " CARD_COLUMNS " FROM card_auth WHERE txn_id = ? AND outcome = 'approved' "
                    "ORDER BY id DESC LIMIT 1",
                    txn_id, out, found, msg);
}

kerr_t ledger_cash_counter(ledger_t *l, const char *serial, int64_t *counter, bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT last_counter FROM cash_device WHERE serial = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found)
        *counter = sqlite3_column_int64(st, 0);
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the bill acceptor's counter", msg);
}

kerr_t ledger_escrow_decide(ledger_t *l, const char *txn_id, const ledger_cash_mark_t *mark, int bill_type,
                            int64_t value, bool stack, const char *reason, int64_t *id, kmsg_t *msg)
{
    int64_t now = ledger__now(l);
    sqlite3_stmt *st;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = ledger__mark_cash(l, mark, now, msg);
    if (rc == K_OK)
        rc = ledger__cached(l,
                            "INSERT INTO cash_escrow(txn_id, counter, bill_type, value, decision, reason, decided_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            &st, msg);
    if (rc == K_OK) {
        if (txn_id)
            sqlite3_bind_text(st, 1, txn_id, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 1);
        sqlite3_bind_int64(st, 2, mark->counter);
        sqlite3_bind_int(st, 3, bill_type);
        sqlite3_bind_int64(st, 4, value);
        sqlite3_bind_text(st, 5, stack ? "stack" : "return", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, reason ? reason : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, now);
        rc = ledger__run(l, st, "recording the escrow decision", msg);
    }
    if (rc == K_OK) {
        *id = sqlite3_last_insert_rowid(l->db);
        return ledger__commit(l, msg);
    }
    ledger__rollback(l);
    return rc;
}

kerr_t ledger_escrow_open(ledger_t *l, int64_t *id, char txn_id[UUID_STR_LEN], int64_t *value, bool *stack,
                          bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "SELECT id, coalesce(txn_id, ''), value, decision FROM cash_escrow "
                               "WHERE outcome IS NULL ORDER BY id DESC LIMIT 1",
                               &st, msg);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found) {
        *id = sqlite3_column_int64(st, 0);
        ledger__col_text(st, 1, txn_id, UUID_STR_LEN);
        *value = sqlite3_column_int64(st, 2);
        *stack = strcmp((const char *)sqlite3_column_text(st, 3), "stack") == 0;
    }
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading escrow decisions", msg);
}

kerr_t ledger_cash_event(ledger_t *l, const ledger_cash_mark_t *mark, int64_t escrow_id, const char *outcome,
                         const char *box_kind, const char *detail, const ledger_alert_t *alert, kmsg_t *msg)
{
    int64_t now = ledger__now(l);
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK && mark)
        rc = ledger__mark_cash(l, mark, now, msg);
    if (rc == K_OK && escrow_id > 0)
        rc = ledger__resolve_escrow(l, escrow_id, outcome, now, msg);
    sqlite3_stmt *st;
    if (rc == K_OK && box_kind &&
        (rc = ledger__cached(l, "INSERT INTO cashbox_event(at, kind, detail) VALUES (?, ?, ?)", &st, msg)) == K_OK) {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_text(st, 2, box_kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, detail ? detail : "", -1, SQLITE_STATIC);
        rc = ledger__run(l, st, "logging the cash box", msg);
    }
    if (rc == K_OK && alert) {
        ledger_alert_t a = *alert;
        a.at = now;
        rc = ledger__insert_alert(l, &a, msg);
    }
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

/* ---- the cash report ---- */

static kerr_t lines(ledger_t *l, const char *sql, ledger_cash_line_t *out, size_t *n, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, sql, &st, msg);
    if (rc)
        return rc;
    int s;
    *n = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && *n < LEDGER_MAX_CASH_LINES) {
        ledger_cash_line_t *x = &out[(*n)++];
        ledger__col_text(st, 0, x->method, sizeof x->method);
        x->denomination = sqlite3_column_int64(st, 1);
        x->count = sqlite3_column_int64(st, 2);
        x->total = sqlite3_column_int64(st, 3);
    }
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the cash report", msg);
}

static kerr_t scalar(ledger_t *l, const char *sql, int64_t *v, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, sql, &st, msg);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    *v = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ledger__release(l, st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "reading the cash report", msg);
}

#define SINCE_REFUND "(SELECT coalesce(max(last_refund_id), 0) FROM cash_collection)"
#define SINCE_TIME "(SELECT coalesce(max(at), 0) FROM cash_collection)"

static kerr_t build_report(ledger_t *l, ledger_cash_report_t *r, kmsg_t *msg)
{
    memset(r, 0, sizeof *r);
    r->until = ledger__now(l);
    kerr_t rc = lines(l,
                      "SELECT method, denomination, count, total FROM cash_counter WHERE count > 0 "
                      "ORDER BY method, denomination",
                      r->taken, &r->n_taken, msg);
    if (rc == K_OK)
        rc = lines(l,
                   "SELECT method, 0, count(*), sum(amount) FROM refund WHERE id > " SINCE_REFUND
                   " GROUP BY method ORDER BY method",
                   r->refunded, &r->n_refunded, msg);
    if (rc == K_OK)
        rc = scalar(l, "SELECT " SINCE_TIME, &r->since, msg);
    if (rc == K_OK)
        rc = scalar(l, "SELECT count(*) FROM cashbox_event WHERE kind = 'removed' AND at > " SINCE_TIME,
                    &r->box_removed, msg);
    if (rc == K_OK)
        rc = scalar(l, "SELECT count(*) FROM cashbox_event WHERE kind = 'inserted' AND at > " SINCE_TIME,
                    &r->box_inserted, msg);
    sqlite3_stmt *st;
    if (rc == K_OK && (rc = ledger__prepare(l, "SELECT coalesce(max(currency), '') FROM payment", &st, msg)) == K_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            ledger__col_text(st, 0, r->currency, sizeof r->currency);
        ledger__release(l, st);
    }
    return rc;
}

kerr_t ledger_cash_status(ledger_t *l, ledger_cash_report_t *out, kmsg_t *msg)
{
    kerr_t rc = ledger__exec(l, "BEGIN", msg);
    if (rc == K_OK)
        rc = build_report(l, out, msg);
    ledger__rollback(l);
    return rc;
}

static char *report_json(const ledger_cash_report_t *r)
{
    cJSON *o = cJSON_CreateObject(), *taken = cJSON_AddArrayToObject(o, "taken"),
          *refunded = cJSON_AddArrayToObject(o, "refunded");
    kjson_add_time(o, "until", r->until);
    for (size_t i = 0; i < r->n_taken; i++) {
        cJSON *x = cJSON_CreateObject();
        kjson_add_str(x, "method", r->taken[i].method);
        kjson_add_int(x, "denomination", r->taken[i].denomination);
        kjson_add_int(x, "count", r->taken[i].count);
        kjson_add_int(x, "total", r->taken[i].total);
        cJSON_AddItemToArray(taken, x);
    }
    for (size_t i = 0; i < r->n_refunded; i++) {
        cJSON *x = cJSON_CreateObject();
        kjson_add_str(x, "method", r->refunded[i].method);
        kjson_add_int(x, "count", r->refunded[i].count);
        kjson_add_int(x, "total", r->refunded[i].total);
        cJSON_AddItemToArray(refunded, x);
    }
    kjson_add_int(o, "box_removed", r->box_removed);
    char *text = kjson_print(o, false);
    cJSON_Delete(o);
    return text;
}

kerr_t ledger_cash_collect(ledger_t *l, const char *operator_name, ledger_cash_report_t *out, kmsg_t *msg)
{
    kerr_t rc = ledger__begin(l, msg);
    char *json = NULL;
    if (rc == K_OK && (rc = build_report(l, out, msg)) == K_OK && !(json = report_json(out)))
        rc = kmsg_set(msg, K_EIO, "out of memory building the report");
    sqlite3_stmt *st;
    if (rc == K_OK &&
        (rc = ledger__prepare(l,
                              "INSERT INTO cash_collection(at, operator, last_payment_id, last_refund_id, report) "
                              "VALUES (?, ?, (SELECT coalesce(max(id), 0) FROM payment), "
                              "(SELECT coalesce(max(id), 0) FROM refund), ?)",
                              &st, msg)) == K_OK) {
        sqlite3_bind_int64(st, 1, out->until);
        sqlite3_bind_text(st, 2, operator_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
        rc = ledger__run(l, st, "recording the collection", msg);
    }
    if (rc == K_OK)
        rc = ledger__exec(l, "DELETE FROM cash_counter", msg);
    if (rc == K_OK)
        rc = ledger_audit(l, operator_name, "cash_collect", "cash box", "end of shift", json, msg);
    cJSON_free(json);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}
