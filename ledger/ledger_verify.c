/* `ledger verify`: SQLite's own checks plus the money invariants of
 * docs/ledger.md. Each check reports every violation it finds. */
#include <stdarg.h>
#include <string.h>

#include "ledger/ledger_int.h"

typedef struct verifier {
    ledger_t *l;
    ledger_violation_cb cb;
    void *ctx;
    int64_t found;
    kmsg_t *msg;
} verifier_t;

static void report(verifier_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(verifier_t *v, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    v->found++;
    if (v->cb)
        v->cb(v->ctx, text);
}

typedef void (*row_fn)(verifier_t *v, sqlite3_stmt *st);

/* Runs a query and hands every row to fn. */
static kerr_t each_row(verifier_t *v, const char *sql, row_fn fn)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(v->l, sql, &st, v->msg);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        fn(v, st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? K_OK : ledger__err(v->l, s, "verifying", v->msg);
}

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

static void on_integrity(verifier_t *v, sqlite3_stmt *st)
{
    if (strcmp(col(st, 0), "ok") != 0)
        report(v, "sqlite integrity: %s", col(st, 0));
}

static void on_foreign_key(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "foreign key: row %lld of %s points at a missing row of %s", sqlite3_column_int64(st, 1),
           col(st, 0), col(st, 2));
}

#define I64(i) ((long long)sqlite3_column_int64(st, (i)))

/* A zero first purchase (amount 0, docs/card.md) takes no money: it is
 * written onto a meter card, has no payment and no refund, and ends
 * delivered or cancelled; it never takes money or gives any back. */
static void on_zero_sale(verifier_t *v, sqlite3_stmt *st, txn_state_t s)
{
    const char *id = col(st, 0);
    long long n_payments = I64(12), n_refunds = I64(13);
    if (strcmp(col(st, 11), "card") != 0)
        report(v, "txn %s: amount 0 on channel %s; only a meter card's first purchase may be zero", id, col(st, 11));
    if (n_payments || n_refunds)
        report(v, "txn %s: amount 0 yet %lld payments and %lld refunds", id, n_payments, n_refunds);
    if (s == TXN_PAYMENT_PENDING || s == TXN_REFUNDING || s == TXN_REFUNDED || s == TXN_VOIDED)
        report(v, "txn %s: amount 0 is %s; a zero sale ends delivered or cancelled", id, txn_state_name(s));
}

/* A bill payment (channel bill, docs/billing.md) credits no meter: it has
 * no attempt, takes money above zero, and once delivered (settled) has
 * exactly one bill_payment outbox row for what it took. */
static void on_bill(verifier_t *v, sqlite3_stmt *st, txn_state_t s)
{
    const char *id = col(st, 0);
    long long paid = I64(2), delivered = I64(3), n_attempts = I64(14), n_rows = I64(15), row_amount = I64(16);
    if (I64(10) <= 0)
        report(v, "txn %s: a bill payment of %lld; it must be above zero", id, I64(10));
    if (n_attempts)
        report(v, "txn %s: a bill payment with %lld delivery attempts", id, n_attempts);
    if (s == TXN_DELIVERED && (delivered != paid || paid <= 0))
        report(v, "txn %s: a settled bill payment shows delivered %lld of paid %lld", id, delivered, paid);
    if ((s == TXN_DELIVERED) != (n_rows == 1) || n_rows > 1)
        report(v, "txn %s: a %s bill payment has %lld bill_payment outbox rows", id, txn_state_name(s), n_rows);
    else if (n_rows == 1 && row_amount != paid)
        report(v, "txn %s: its bill_payment row says %lld but %lld was paid", id, row_amount, paid);
}

/* paid = delivered + pending + refunded, and what each state allows. */
static void on_money(verifier_t *v, sqlite3_stmt *st)
{
    const char *id = col(st, 0);
    txn_state_t s = txn_state_from_name(col(st, 1));
    long long paid = I64(2), delivered = I64(3), refunded = I64(4), pay_sum = I64(5), del_sum = I64(6),
              n_applied = I64(7), ref_sum = I64(8), n_open = I64(9);
    long long pending = paid - delivered - refunded;
    if (s == TXN_NONE)
        report(v, "txn %s: unknown state '%s'", id, col(st, 1));
    if (paid != pay_sum)
        report(v, "txn %s: paid %lld but its payments sum to %lld", id, paid, pay_sum);
    if (n_applied > 1)
        report(v, "txn %s: credited %lld times (delivered twice)", id, n_applied);
    if (delivered != del_sum && strcmp(col(st, 11), "bill") != 0)
        report(v, "txn %s: delivered %lld but confirmed attempts sum to %lld", id, delivered, del_sum);
    if (refunded != ref_sum)
        report(v, "txn %s: refunded %lld but its refunds sum to %lld", id, refunded, ref_sum);
    if (pending < 0)
        report(v, "txn %s: delivered %lld + refunded %lld exceed paid %lld", id, delivered, refunded, paid);
    if (txn_state_is_final(s) && pending != 0)
        report(v, "txn %s: final state %s leaves %lld paid but neither delivered nor refunded", id,
               txn_state_name(s), pending);
    if (s == TXN_CANCELLED && paid != 0)
        report(v, "txn %s: cancelled but %lld was paid", id, paid);
    if (strcmp(col(st, 11), "bill") == 0) {
        on_bill(v, st, s);
        return;
    }
    if (s == TXN_DELIVERED && (delivered != paid || n_applied != 1))
        report(v, "txn %s: delivered but %lld of %lld credited by %lld confirmed attempts", id, delivered, paid,
               n_applied);
    if ((s == TXN_REFUNDED || s == TXN_VOIDED) && delivered != 0)
        report(v, "txn %s: %s but %lld was delivered", id, txn_state_name(s), delivered);
    if (!txn_state_is_final(s) && (delivered != 0 || refunded != 0))
        report(v, "txn %s: %s yet shows delivered %lld, refunded %lld", id, txn_state_name(s), delivered,
               refunded);
    if ((s == TXN_PAID || s == TXN_DELIVERING || s == TXN_DELIVERY_PENDING) && paid <= 0 && I64(10) != 0)
        report(v, "txn %s: %s with nothing paid", id, txn_state_name(s));
    if (I64(10) == 0)
        on_zero_sale(v, st, s);
    if ((s == TXN_DELIVERING) != (n_open == 1) || n_open > 1)
        report(v, "txn %s: %s with %lld attempts in flight", id, txn_state_name(s), n_open);
}

static void on_count_held_twice(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "meter %s: purchase count %lld held by %lld transactions", col(st, 0), I64(1), I64(2));
}

static void on_count_credited_twice(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "meter %s: purchase count %lld credited by %lld transactions", col(st, 0), I64(1), I64(2));
}

static void on_stray_attempt(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "txn %s: attempt %lld used count %lld for meter %s, but the transaction holds %s for meter %s "
              "and that attempt is not proved unapplied",
           col(st, 0), I64(1), I64(2), col(st, 3), col(st, 4)[0] ? col(st, 4) : "none", col(st, 5));
}

static void on_missing_outbox(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "txn %s: event %lld (%s) has no outbox row", col(st, 1), I64(0), col(st, 2));
}

static void on_counter(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "cash counter %s/%s/%lld: counts %lld (total %lld) but payments since the last collection are "
              "%lld (total %lld)",
           col(st, 0), col(st, 1), I64(2), I64(3), I64(4), I64(5), I64(6));
}

/* Walks every history in order: it must start with open and follow the
 * table's edges to the stored state. */
typedef struct walk {
    char id[UUID_STR_LEN];
    txn_state_t at;
    bool broken;
} walk_t;

static void on_history(verifier_t *v, sqlite3_stmt *st, walk_t *w)
{
    const char *id = col(st, 0);
    txn_event_t ev;
    bool known = txn_event_from_name(col(st, 2), &ev);
    txn_state_t from = strcmp(col(st, 3), "none") == 0 ? TXN_NONE : txn_state_from_name(col(st, 3));
    txn_state_t to = txn_state_from_name(col(st, 4));
    if (strcmp(w->id, id) != 0) {
        snprintf(w->id, sizeof w->id, "%s", id);
        w->at = TXN_NONE;
        w->broken = false;
    }
    if (w->broken)
        return;
    if (!known || from != w->at || !txn_edge_exists(from, ev, to)) {
        report(v, "txn %s: event %lld goes %s -[%s]-> %s, not allowed after %s", id, I64(1), col(st, 3),
               col(st, 2), col(st, 4), txn_state_name(w->at));
        w->broken = true;
        return;
    }
    w->at = to;
}

static kerr_t check_histories(verifier_t *v)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(v->l,
                                "SELECT t.id, e.seq, e.event, e.from_state, e.to_state, t.state"
                                " FROM txn t LEFT JOIN txn_event e ON e.txn_id = t.id ORDER BY t.id, e.seq",
                                &st, v->msg);
    if (rc)
        return rc;
    walk_t w = {.id = ""};
    char last_state[32] = "";
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (w.id[0] && strcmp(w.id, col(st, 0)) != 0 && !w.broken &&
            strcmp(txn_state_name(w.at), last_state) != 0)
            report(v, "txn %s: history ends in %s but the transaction is %s", w.id, txn_state_name(w.at),
                   last_state);
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            report(v, "txn %s: has no history", col(st, 0));
            snprintf(w.id, sizeof w.id, "%s", col(st, 0));
            w.broken = true;
            continue;
        }
        on_history(v, st, &w);
        snprintf(last_state, sizeof last_state, "%s", col(st, 5));
    }
    if (w.id[0] && !w.broken && strcmp(txn_state_name(w.at), last_state) != 0)
        report(v, "txn %s: history ends in %s but the transaction is %s", w.id, txn_state_name(w.at), last_state);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? K_OK : ledger__err(v->l, s, "verifying histories", v->msg);
}

static void on_two_live_cards(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "meter %s: %lld cards are active or being issued (%s); one is the meter's card", col(st, 0), I64(1),
           col(st, 2));
}

static void on_replacement(verifier_t *v, sqlite3_stmt *st)
{
    report(v, "card %s (meter %s, generation %lld) replaces %s, which is not an older card of that meter", col(st, 0),
           col(st, 1), I64(2), col(st, 3));
}

static const struct check {
    const char *sql;
    row_fn fn;
} checks[] = {
    {"PRAGMA integrity_check", on_integrity},
    {"PRAGMA foreign_key_check", on_foreign_key},
    {"SELECT t.id, t.state, t.paid, t.delivered, t.refunded,"
     " (SELECT coalesce(sum(amount), 0) FROM payment p WHERE p.txn_id = t.id),"
     " (SELECT coalesce(sum(amount), 0) FROM delivery_attempt a WHERE a.txn_id = t.id AND a.applied = 1),"
     " (SELECT count(*) FROM delivery_attempt a WHERE a.txn_id = t.id AND a.applied = 1),"
     " (SELECT coalesce(sum(amount), 0) FROM refund r WHERE r.txn_id = t.id),"
     " (SELECT count(*) FROM delivery_attempt a WHERE a.txn_id = t.id AND a.result IS NULL),"
     " t.amount, t.channel,"
     " (SELECT count(*) FROM payment p WHERE p.txn_id = t.id),"
     " (SELECT count(*) FROM refund r WHERE r.txn_id = t.id),"
     " (SELECT count(*) FROM delivery_attempt a WHERE a.txn_id = t.id),"
     " (SELECT count(*) FROM outbox o WHERE o.topic = 'bill_payment' AND json_extract(o.payload, '$.txn_id') = t.id),"
     " (SELECT coalesce(sum(json_extract(o.payload, '$.amount')), 0) FROM outbox o"
     "  WHERE o.topic = 'bill_payment' AND json_extract(o.payload, '$.txn_id') = t.id)"
     " FROM txn t ORDER BY t.created_at",
     on_money},
    {"SELECT meter, purchase_count, count(*) FROM txn WHERE purchase_count IS NOT NULL"
     " GROUP BY meter, purchase_count HAVING count(*) > 1",
     on_count_held_twice},
    {"SELECT meter, purchase_count, count(DISTINCT txn_id) FROM delivery_attempt WHERE applied = 1"
     " GROUP BY meter, purchase_count HAVING count(DISTINCT txn_id) > 1",
     on_count_credited_twice},
    {"SELECT a.txn_id, a.id, a.purchase_count, a.meter, coalesce(t.purchase_count, ''), t.meter"
     " FROM delivery_attempt a JOIN txn t ON t.id = a.txn_id WHERE a.applied IS NOT 0"
     " AND (t.purchase_count IS NULL OR a.purchase_count != t.purchase_count OR a.meter != t.meter)",
     on_stray_attempt},
    {"SELECT e.seq, e.txn_id, e.event FROM txn_event e JOIN txn t ON t.id = e.txn_id WHERE t.channel <> 'bill'"
     " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_seq = e.seq)",
     on_missing_outbox},
    {"WITH since AS (SELECT method, currency, denomination, count(*) AS n, sum(amount) AS total FROM payment"
     "   WHERE id > (SELECT coalesce(max(last_payment_id), 0) FROM cash_collection)"
     "   GROUP BY method, currency, denomination)"
     " SELECT coalesce(c.method, s.method), coalesce(c.currency, s.currency),"
     "  coalesce(c.denomination, s.denomination), coalesce(c.count, 0), coalesce(c.total, 0),"
     "  coalesce(s.n, 0), coalesce(s.total, 0)"
     " FROM cash_counter c FULL OUTER JOIN since s ON c.method = s.method AND c.currency = s.currency"
     "  AND c.denomination = s.denomination"
     " WHERE coalesce(c.count, 0) != coalesce(s.n, 0) OR coalesce(c.total, 0) != coalesce(s.total, 0)",
     on_counter},
    {"SELECT meter, count(*), group_concat(serial) FROM meter_card WHERE state IN ('active', 'issuing')"
     " GROUP BY meter HAVING count(*) > 1",
     on_two_live_cards},
    {"SELECT c.serial, c.meter, c.generation, c.replaces FROM meter_card c"
     " LEFT JOIN meter_card o ON o.serial = c.replaces"
     " WHERE c.replaces <> '' AND (o.serial IS NULL OR o.meter <> c.meter OR o.generation >= c.generation)",
     on_replacement},
};

kerr_t ledger_verify(ledger_t *l, ledger_violation_cb cb, void *ctx, int64_t *violations, kmsg_t *msg)
{
    verifier_t v = {.l = l, .cb = cb, .ctx = ctx, .msg = msg};
    /* One read transaction, so the checks see one consistent snapshot. */
    kerr_t rc = ledger__exec(l, "BEGIN", msg);
    for (size_t i = 0; rc == K_OK && i < sizeof checks / sizeof checks[0]; i++)
        rc = each_row(&v, checks[i].sql, checks[i].fn);
    if (rc == K_OK)
        rc = check_histories(&v);
    ledger__rollback(l);
    *violations = v.found;
    return rc;
}
