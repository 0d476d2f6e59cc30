/* Writing the ledger: creating a transaction and applying a state change.
 * Each public function here is exactly one SQLite transaction. */
#include <string.h>

#include "base/kjson.h"
#include "core/kmath.h"
#include "ledger/ledger_int.h"

/* Appends the event and its outbox row; both belong to the caller's
 * SQLite transaction. */
static kerr_t append_event(ledger_t *l, const ledger_txn_t *t, txn_event_t ev, txn_state_t from,
                           const char *detail, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                                "INSERT INTO txn_event(txn_id, event, from_state, to_state, detail, at) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, txn_event_name(ev), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, txn_state_name(from), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, txn_state_name(t->state), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, detail ? detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->updated_at);
    if ((rc = ledger__run(l, st, "recording the event", msg)))
        return rc;
    int64_t seq = sqlite3_last_insert_rowid(l->db);
    if (t->channel == CHANNEL_BILL) /* a bill payment goes up once, as its bill_payment row (settle) */
        return K_OK;

    cJSON *payload = ledger__txn_json(t);
    if (!payload || !kjson_add_int(payload, "event_seq", seq) ||
        !kjson_add_str(payload, "event", txn_event_name(ev)) ||
        !kjson_add_str(payload, "from", txn_state_name(from))) {
        cJSON_Delete(payload);
        return kmsg_set(msg, K_EIO, "out of memory building the outbox row");
    }
    char *text = kjson_print(payload, false);
    cJSON_Delete(payload);
    if (!text)
        return kmsg_set(msg, K_EIO, "out of memory building the outbox row");
    rc = ledger__cached(l, "INSERT INTO outbox(topic, event_seq, payload, created_at) VALUES ('txn', ?, ?, ?)",
                         &st, msg);
    if (rc == K_OK) {
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, t->updated_at);
        rc = ledger__run(l, st, "writing the outbox", msg);
    }
    cJSON_free(text);
    return rc;
}

static kerr_t check_new(const ledger_new_txn_t *t, kmsg_t *msg)
{
    if (!uuid_v4_valid(t->id))
        return kmsg_set(msg, K_EINVAL, "transaction id '%s' is not a UUIDv4", t->id ? t->id : "");
    if (!t->meter || !t->meter[0] || strlen(t->meter) >= LEDGER_METER_LEN)
        return kmsg_set(msg, K_EINVAL, "meter number must be 1 to %d characters", LEDGER_METER_LEN - 1);
    if (t->method >= METHOD_COUNT || t->channel >= CHANNEL_COUNT || !t->currency || strlen(t->currency) != 3)
        return kmsg_set(msg, K_EINVAL, "method, channel and a 3-letter currency are required");
    if (t->amount < 0)
        return kmsg_set(msg, K_EINVAL, "amount must not be negative");
    /* method none: a zero first purchase, written onto a meter card (docs/card.md) */
    if ((t->method == METHOD_NONE) != (t->amount == 0) || (t->amount == 0 && t->channel != CHANNEL_CARD))
        return kmsg_set(msg, K_EINVAL, "a sale takes a method and an amount above zero; only a meter card's zero "
                                       "first purchase has neither");
    bool card = t->channel == CHANNEL_CARD, named = t->card && t->card[0];
    if (card != named || (named && (strlen(t->card) != LEDGER_CARD_LEN - 1 ||
                                    strspn(t->card, "0123456789ABCDEF") != LEDGER_CARD_LEN - 1)))
        return kmsg_set(msg, K_EINVAL, "a sale on the card channel names its card (16 hex digits), others none");
    return K_OK;
}

kerr_t ledger_create(ledger_t *l, const ledger_new_txn_t *n, kmsg_t *msg)
{
    kerr_t rc = check_new(n, msg);
    if (rc || (rc = ledger__begin(l, msg)))
        return rc;
    ledger_txn_t t = {.state = TXN_CREATED, .amount = n->amount, .purchase_count = -1};
    snprintf(t.id, sizeof t.id, "%s", n->id);
    snprintf(t.meter, sizeof t.meter, "%s", n->meter);
    snprintf(t.customer, sizeof t.customer, "%s", n->customer ? n->customer : "");
    t.method = n->method;
    t.channel = n->channel;
    snprintf(t.card, sizeof t.card, "%s", n->card ? n->card : "");
    snprintf(t.currency, sizeof t.currency, "%s", n->currency);
    t.created_at = t.updated_at = ledger__now(l);

    sqlite3_stmt *st;
    rc = ledger__cached(l,
                         "INSERT INTO txn(id, state, meter, customer, method, channel, currency, amount, "
                         "created_at, updated_at, card) VALUES (?, 'created', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         &st, msg);
    if (rc == K_OK) {
        sqlite3_bind_text(st, 1, t.id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t.meter, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, t.customer, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, sale_method_name(t.method), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, sale_channel_name(t.channel), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, t.currency, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, t.amount);
        sqlite3_bind_int64(st, 8, t.created_at);
        sqlite3_bind_int64(st, 9, t.updated_at);
        sqlite3_bind_text(st, 10, t.card, -1, SQLITE_STATIC);
        rc = ledger__run(l, st, "creating the transaction", msg);
    }
    if (rc == K_OK)
        rc = append_event(l, &t, EV_OPEN, TXN_NONE, "", msg);
    if (rc == K_OK && t.channel == CHANNEL_BILL)
        rc = ledger__bill_due_put(l, t.id, n->due, msg); /* the receipt's bills, kept before any money */
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

static kerr_t add_payment(ledger_t *l, ledger_txn_t *t, const ledger_payment_t *p, kmsg_t *msg)
{
    if (p->amount <= 0 || p->method == METHOD_NONE || p->method >= METHOD_COUNT)
        return kmsg_set(msg, K_EINVAL, "a payment needs a method and an amount above zero");
    if (kmath_add(t->paid, p->amount, &t->paid) != K_OK)
        return kmsg_set(msg, K_EOVERFLOW, "paid total would overflow");
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                                "INSERT INTO payment(txn_id, method, amount, currency, denomination, ref, "
                                "detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sale_method_name(p->method), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->amount);
    sqlite3_bind_text(st, 4, t->currency, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, p->denomination);
    sqlite3_bind_text(st, 6, p->ref ? p->ref : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, p->detail ? p->detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, t->updated_at);
    if ((rc = ledger__run(l, st, "recording the payment", msg)))
        return rc;
    rc = ledger__cached(l,
                         "INSERT INTO cash_counter(method, currency, denomination, count, total) "
                         "VALUES (?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET count = count + 1, "
                         "total = total + excluded.total",
                         &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, sale_method_name(p->method), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->currency, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->denomination);
    sqlite3_bind_int64(st, 4, p->amount);
    return ledger__run(l, st, "counting the payment", msg);
}

/* Runs a statement bound to the transaction id and returns one integer. */
static kerr_t scalar(ledger_t *l, const char *sql, const char *id, int64_t *out, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, sql, &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = ledger__err(l, s, "reading attempts", msg);
    ledger__release(l, st);
    return rc;
}

static kerr_t begin_attempt(ledger_t *l, ledger_txn_t *t, const ledger_change_t *c, kmsg_t *msg)
{
    int64_t open = 0, blocking = 0;
    kerr_t rc = scalar(l, "SELECT count(*) FROM delivery_attempt WHERE txn_id = ? AND result IS NULL", t->id,
                       &open, msg);
    if (rc)
        return rc;
    if (open)
        return kmsg_set(msg, K_ESTATE, "an attempt is already in flight");
    if (t->purchase_count > 0 && t->purchase_count != c->begin_count) {
        /* A new count is allowed only once every attempt with the old one
         * is proved not applied. */
        rc = scalar(l, "SELECT count(*) FROM delivery_attempt WHERE txn_id = ? AND applied IS NOT 0", t->id,
                    &blocking, msg);
        if (rc)
            return rc;
        if (blocking)
            return kmsg_set(msg, K_ECONFLICT, "count %lld may have been applied; a new count is refused",
                            (long long)t->purchase_count);
    }
    sqlite3_stmt *st;
    if ((rc = ledger__cached(l, "UPDATE delivery_attempt SET applied = 0 WHERE txn_id = ? AND applied IS NULL",
                              &st, msg)))
        return rc;
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    if ((rc = ledger__run(l, st, "closing earlier attempts", msg)))
        return rc;
    rc = ledger__cached(l,
                         "INSERT INTO delivery_attempt(txn_id, meter, purchase_count, amount, channel, "
                         "started_at) VALUES (?, ?, ?, ?, ?, ?)",
                         &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->meter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->begin_count);
    sqlite3_bind_int64(st, 4, t->paid);
    sqlite3_bind_text(st, 5, sale_channel_name(t->channel), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->updated_at);
    t->purchase_count = c->begin_count;
    return ledger__run(l, st, "recording the delivery intent", msg);
}

static kerr_t close_attempt(ledger_t *l, ledger_txn_t *t, const ledger_change_t *c, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                                "UPDATE delivery_attempt SET result = ?, applied = ?, finished_at = ?, "
                                "detail = ? WHERE txn_id = ? AND result IS NULL",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, c->close_result, -1, SQLITE_STATIC);
    if (c->close_applied == APPLIED_UNKNOWN)
        sqlite3_bind_null(st, 2);
    else
        sqlite3_bind_int(st, 2, (int)c->close_applied);
    sqlite3_bind_int64(st, 3, t->updated_at);
    sqlite3_bind_text(st, 4, c->detail ? c->detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->id, -1, SQLITE_STATIC);
    if ((rc = ledger__run(l, st, "recording the delivery outcome", msg)))
        return rc;
    if (sqlite3_changes(l->db) != 1)
        return kmsg_set(msg, K_ESTATE, "no delivery attempt is in flight");
    return K_OK;
}

static kerr_t confirm_latest(ledger_t *l, const ledger_txn_t *t, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                                "UPDATE delivery_attempt SET applied = 1 WHERE id = (SELECT max(id) FROM "
                                "delivery_attempt WHERE txn_id = ?) AND applied IS NOT 0 AND result IS NOT NULL",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    if ((rc = ledger__run(l, st, "confirming the delivery", msg)))
        return rc;
    if (sqlite3_changes(l->db) != 1)
        return kmsg_set(msg, K_ESTATE, "no finished attempt whose credit could have reached the meter");
    return K_OK;
}

static kerr_t add_refund(ledger_t *l, ledger_txn_t *t, const ledger_refund_t *r, kmsg_t *msg)
{
    if (r->amount <= 0 || r->kind >= REFUND_COUNT || (r->kind == REFUND_REVERSAL && r->reversed == METHOD_NONE))
        return kmsg_set(msg, K_EINVAL, "a refund needs a kind and an amount above zero");
    if (kmath_add(t->refunded, r->amount, &t->refunded) != K_OK || t->refunded + t->delivered > t->paid)
        return kmsg_set(msg, K_EINVAL, "refund of %lld exceeds what was paid and not delivered",
                        (long long)r->amount);
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "INSERT INTO refund(txn_id, method, amount, ref, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sale_refund_name(r->kind, r->reversed), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->amount);
    sqlite3_bind_text(st, 4, r->ref ? r->ref : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->detail ? r->detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->updated_at);
    return ledger__run(l, st, "recording the refund", msg);
}

static kerr_t store_txn(ledger_t *l, const ledger_txn_t *t, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                                "UPDATE txn SET state = ?, paid = ?, delivered = ?, refunded = ?, "
                                "purchase_count = ?, reason = ?, retry_at = ?, retries = ?, updated_at = ? "
                                "WHERE id = ?",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, txn_state_name(t->state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, t->paid);
    sqlite3_bind_int64(st, 3, t->delivered);
    sqlite3_bind_int64(st, 4, t->refunded);
    if (t->purchase_count > 0)
        sqlite3_bind_int64(st, 5, t->purchase_count);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, t->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, t->retry_at);
    sqlite3_bind_int64(st, 8, t->retries);
    sqlite3_bind_int64(st, 9, t->updated_at);
    sqlite3_bind_text(st, 10, t->id, -1, SQLITE_STATIC);
    return ledger__run(l, st, "updating the transaction", msg);
}

kerr_t ledger__mark_cash(ledger_t *l, const ledger_cash_mark_t *m, int64_t at, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO cash_device(serial, last_counter, updated_at) VALUES (?, ?, ?) "
                               "ON CONFLICT DO UPDATE SET last_counter = excluded.last_counter, "
                               "updated_at = excluded.updated_at",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, m->serial, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, m->counter);
    sqlite3_bind_int64(st, 3, at);
    return ledger__run(l, st, "moving the bill acceptor's counter", msg);
}

kerr_t ledger__resolve_escrow(ledger_t *l, int64_t id, const char *outcome, int64_t at, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "UPDATE cash_escrow SET outcome = ?, resolved_at = ? WHERE id = ? AND outcome IS NULL",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, id);
    return ledger__run(l, st, "resolving the escrow decision", msg);
}

/* A settled bill payment's row for the back office (docs/sync.md "Bill
 * payments"): what was paid, the transaction's id as its reference. */
static kerr_t bill_outbox(ledger_t *l, const ledger_txn_t *t, kmsg_t *msg)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !(kjson_add_str(o, "txn_id", t->id) && kjson_add_str(o, "account", t->meter) &&
               kjson_add_int(o, "amount", t->paid) && kjson_add_str(o, "currency", t->currency) &&
               kjson_add_str(o, "method", "kiosk") && kjson_add_str(o, "ref", t->id))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return ledger__outbox(l, "bill_payment", o, msg);
}

/* Everything a change does to the rows, in the order it must happen. */
static kerr_t apply_parts(ledger_t *l, ledger_txn_t *t, const ledger_change_t *c, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    if (c->payment && c->event != EV_MONEY_IN)
        return kmsg_set(msg, K_EINVAL, "a payment can only come with money_in");
    if (c->begin_count && c->event != EV_DELIVER)
        return kmsg_set(msg, K_EINVAL, "a delivery attempt can only begin with deliver");
    if (c->payment)
        rc = add_payment(l, t, c->payment, msg);
    if (rc == K_OK && c->close_result)
        rc = close_attempt(l, t, c, msg);
    if (rc == K_OK && c->begin_count)
        rc = begin_attempt(l, t, c, msg);
    if (rc == K_OK && c->confirm_latest)
        rc = confirm_latest(l, t, msg);
    if (rc == K_OK && t->state == TXN_DELIVERED)
        t->delivered = t->paid;
    if (rc == K_OK && c->event == EV_SETTLE)
        rc = bill_outbox(l, t, msg);
    if (rc == K_OK && c->refund)
        rc = add_refund(l, t, c->refund, msg);
    if (rc == K_OK && c->card)
        rc = ledger__close_card(l, t->id, c->card, t->updated_at, msg);
    if (rc == K_OK && c->cash)
        rc = ledger__mark_cash(l, c->cash, t->updated_at, msg);
    if (rc == K_OK && c->escrow_id)
        rc = ledger__resolve_escrow(l, c->escrow_id, "stacked", t->updated_at, msg);
    if (c->release_count)
        t->purchase_count = -1;
    if (c->reason)
        snprintf(t->reason, sizeof t->reason, "%s", c->reason);
    if (c->event == EV_DEFER) {
        t->retry_at = c->retry_at;
        t->retries++;
    } else if (t->state != TXN_DELIVERY_PENDING) {
        t->retry_at = 0;
    }
    return rc;
}

kerr_t ledger_apply(ledger_t *l, const char *id, txn_state_t expect, const ledger_change_t *c,
                    ledger_txn_t *after, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger__begin(l, msg);
    if (rc)
        return rc;
    if ((rc = ledger_get(l, id, &t, msg)))
        goto fail;
    if (t.state != expect) {
        rc = kmsg_set(msg, K_ESTATE, "transaction %s is %s, not %s", id, txn_state_name(t.state),
                      txn_state_name(expect));
        goto fail;
    }
    txn_state_t from = t.state, to;
    txn_facts_t facts = {.paid = t.paid, .zero_sale = t.amount == 0, .bill = t.channel == CHANNEL_BILL};
    if ((rc = txn_next(from, c->event, &facts, &to, msg)))
        goto fail;
    t.state = to;
    t.updated_at = ledger__now(l);
    if ((rc = apply_parts(l, &t, c, msg)) || (rc = store_txn(l, &t, msg)) ||
        (rc = append_event(l, &t, c->event, from, c->detail, msg)) ||
        (c->actor && (rc = ledger_audit(l, c->actor, c->action, id, c->reason, c->detail, msg))) ||
        (rc = ledger__commit(l, msg)))
        goto fail;
    if (after)
        *after = t;
    return K_OK;
fail:
    ledger__rollback(l);
    return rc;
}
