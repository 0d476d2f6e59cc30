/* The SQLite store's post-paid bills (bo_store_post.h): accounts as
 * billing sees them, bills, their lines and payments (bo_schema.c, version
 * 12). Charges and apportionment are in bo_sq_charge.c. */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

/* An account with its payment flag, area, balance and its meters' site. */
#define ACCOUNT_COLS                                                                                         \
    "SELECT a.id, a.state, a.payment, coalesce((SELECT min(m.site) FROM account_meter b JOIN meter m ON "   \
    "m.id = b.meter WHERE b.account = a.id), ''), a.area, a.balance, a.opened_at FROM account a "

static void account_of(bo_cur_t *st, bo_post_account_t *a)
{
    bo_db_copy(st, 0, a->id, sizeof a->id);
    bo_db_copy(st, 1, a->state, sizeof a->state);
    bo_db_copy(st, 2, a->payment, sizeof a->payment);
    bo_db_copy(st, 3, a->site, sizeof a->site);
    a->area = bo_cur_int(st, 4);
    a->balance = bo_cur_int(st, 5);
    a->opened_at = bo_cur_int(st, 6);
}

static kerr_t account_get(void *ctx, const char *id, bo_post_account_t *a, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(a, 0, sizeof *a);
    kerr_t rc = bo_db_first(ctx, &st, found, msg, ACCOUNT_COLS "WHERE a.id = ?", "t", id);
    if (rc == K_OK && *found)
        account_of(st, a);
    bo_db_end(st);
    return rc;
}

static kerr_t account_payment(void *ctx, const char *id, const char *payment, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "setting an account's payment", "UPDATE account SET payment = ?2 WHERE id = ?1",
                       "tt", id, payment);
}

static kerr_t account_area(void *ctx, const char *id, int64_t area, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "setting an account's area", "UPDATE account SET area = ?2 WHERE id = ?1",
                       "ti", id, area);
}

static kerr_t accounts_of_site(void *ctx, const char *site, bo_post_account_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    bo_post_account_t a;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            ACCOUNT_COLS "WHERE a.state = 'open' AND EXISTS (SELECT 1 FROM account_meter b JOIN "
                                         "meter m ON m.id = b.meter WHERE b.account = a.id AND b.unbound_at IS NULL "
                                         "AND m.site = ?1) ORDER BY a.id",
                            "t", site);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        account_of(st, &a);
        fn(arg, &a);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t use_each(void *ctx, const char *account, const char *from, const char *to, bo_post_use_cb fn,
                       void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT meter, max(currency), sum(energy), count(sharp) > 0, coalesce(sum(sharp), 0), "
                            "coalesce(sum(peak), 0), coalesce(sum(flat), 0), coalesce(sum(valley), 0), sum(money) "
                            "FROM bill_day WHERE day >= ?2 AND day <= ?3 AND meter IN (SELECT meter FROM "
                            "account_meter WHERE account = ?1) GROUP BY meter ORDER BY meter",
                            "ttt", account, from, to);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bo_post_use_t u = {bo_db_col(st, 0), bo_db_col(st, 1), (int)bo_cur_int(st, 3) != 0,
                           bo_cur_int(st, 2), {0}, bo_cur_int(st, 8)};
        for (int b = 0; b < 4; b++)
            u.band[b] = bo_cur_int(st, 4 + b);
        fn(arg, &u);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t unpaid(void *ctx, const char *account, int64_t *amount, kmsg_t *msg)
{
    *amount = 0;
    return bo_db_get_int(ctx, amount, NULL, msg,
                         "SELECT coalesce(sum(own - paid), 0) FROM bill WHERE account = ? AND state = 'issued'", "t",
                         account);
}

static kerr_t charges_due(void *ctx, const char *account, bo_charge_due_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT id, item, name, amount FROM charge_applied WHERE account = ? AND mode = 'billed' "
                            "AND bill IS NULL ORDER BY id",
                            "t", account);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_cur_int(st, 0), bo_db_col(st, 1), bo_db_col(st, 2), bo_cur_int(st, 3));
    bo_db_end(st);
    return rc;
}

static kerr_t bill_add(void *ctx, bo_bill_rec_t *b, int64_t at, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "storing a bill",
                            "INSERT INTO bill(account, site, period_from, period_to, currency, energy, sharp, peak, "
                            "flat, valley, amount, charges, own, arrears, total, state, drafted_at) VALUES (?1, ?2, "
                            "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 'draft', ?16)",
                            "tttttiiiiiiiiiii", b->account, b->site, b->from, b->to, b->currency, b->energy,
                            b->band[0], b->band[1], b->band[2], b->band[3], b->amount, b->charges, b->own,
                            b->arrears, b->total, at);
    if (rc == K_ECONFLICT)
        return kmsg_set(msg, K_ECONFLICT, "account %s has a bill from %s already: void it to draft again", b->account,
                        b->from);
    b->id = bo_db_last_id(ctx);
    return rc;
}

static kerr_t line_add(void *ctx, int64_t bill, int n, const bo_bill_line_t *l, int64_t charge, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "storing a bill's line",
                            "INSERT INTO bill_line(bill, n, kind, item, meter, energy, sharp, peak, flat, valley, "
                            "amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 THEN CAST(?8 AS BIGINT) END, CASE WHEN ?7 THEN CAST(?9 AS BIGINT) "
                            "END, CASE WHEN ?7 THEN CAST(?10 AS BIGINT) END, CASE WHEN ?7 THEN CAST(?11 AS BIGINT) END, ?12)",
                            "iitttiiiiiii", bill, (int64_t)n, l->kind, l->item, l->meter, l->energy,
                            (int64_t)l->bands, l->band[0], l->band[1], l->band[2], l->band[3], l->amount);
    if (rc == K_OK && charge > 0)
        rc = bo_db_write(ctx, NULL, msg, "taking a charge into a bill", "UPDATE charge_applied SET bill = ?2 WHERE id = ?1",
                         "ii", charge, bill);
    return rc;
}

#define BILL_COLS                                                                                                \
    "SELECT id, account, site, period_from, period_to, currency, state, energy, sharp, peak, flat, valley, "    \
    "amount, charges, own, arrears, total, paid FROM bill "

static void bill_of(bo_cur_t *st, bo_bill_rec_t *b)
{
    b->id = bo_cur_int(st, 0);
    bo_db_copy(st, 1, b->account, sizeof b->account);
    bo_db_copy(st, 2, b->site, sizeof b->site);
    bo_db_copy(st, 3, b->from, sizeof b->from);
    bo_db_copy(st, 4, b->to, sizeof b->to);
    bo_db_copy(st, 5, b->currency, sizeof b->currency);
    bo_db_copy(st, 6, b->state, sizeof b->state);
    int64_t *v[] = {&b->energy, &b->band[0], &b->band[1], &b->band[2], &b->band[3], &b->amount,
                    &b->charges, &b->own, &b->arrears, &b->total, &b->paid};
    for (int i = 0; i < 11; i++)
        *v[i] = bo_cur_int(st, 7 + i);
}

static kerr_t bill_get(void *ctx, int64_t id, bo_bill_rec_t *b, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(b, 0, sizeof *b);
    kerr_t rc = bo_db_first(ctx, &st, found, msg, BILL_COLS "WHERE id = ?", "i", id);
    if (rc == K_OK && *found)
        bill_of(st, b);
    bo_db_end(st);
    return rc;
}

static kerr_t bill_state(void *ctx, int64_t id, const char *from, const char *to, const char *who, const char *reason,
                         int64_t at, bool *changed, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, changed, msg, "changing a bill's state",
                            "UPDATE bill SET state = ?3, "
                            "confirmed_by = CASE WHEN ?3 = 'confirmed' THEN ?4 ELSE confirmed_by END, "
                            "confirmed_at = CASE WHEN ?3 = 'confirmed' THEN ?6 ELSE confirmed_at END, "
                            "issued_at = CASE WHEN ?3 = 'issued' THEN ?6 ELSE issued_at END, "
                            "voided_at = CASE WHEN ?3 = 'void' THEN ?6 ELSE voided_at END, "
                            "void_reason = CASE WHEN ?3 = 'void' THEN ?5 ELSE void_reason END "
                            "WHERE id = ?1 AND state = ?2",
                            "itttti", id, from, to, who, reason, at);
    if (rc == K_OK && *changed && strcmp(to, "void") == 0)
        rc = bo_db_write(ctx, NULL, msg, "giving a void bill's charges back",
                         "UPDATE charge_applied SET bill = NULL WHERE bill = ?", "i", id);
    return rc;
}

static kerr_t open_each(void *ctx, const char *account, bo_bill_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    bo_bill_rec_t b;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            BILL_COLS "WHERE account = ? AND state = 'issued' AND paid < own ORDER BY period_from, id",
                            "t", account);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg)) {
        bill_of(st, &b);
        fn(arg, &b);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t payment_add(void *ctx, const char *account, int64_t amount, const char *method, const char *ref,
                          const char *actor, int64_t at, int64_t *id, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "recording a payment",
                            "INSERT INTO bill_payment(account, amount, method, ref, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
                            "tittti", account, amount, method, ref, actor, at);
    if (rc == K_ECONFLICT)
        return kmsg_set(msg, K_ECONFLICT, "a %s payment with reference %s was recorded already", method, ref);
    *id = bo_db_last_id(ctx);
    return rc;
}

static kerr_t payment_part(void *ctx, int64_t payment, int64_t bill, int64_t amount, int64_t at, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "recording a payment",
                            "INSERT INTO bill_payment_part(payment, bill, amount) VALUES (?, ?, ?)", "iii", payment,
                            bill, amount);
    if (rc == K_OK)
        rc = bo_db_write(ctx, NULL, msg, "recording a payment",
                         "UPDATE bill SET paid = paid + ?2, state = CASE WHEN paid + ?2 >= own THEN 'paid' ELSE "
                         "state END, paid_at = CASE WHEN paid + ?2 >= own THEN ?3 ELSE paid_at END WHERE id = ?1",
                         "iii", bill, amount, at);
    return rc;
}

/* A bill's columns as listed: due is what it still asks with the arrears. */
#define LIST_COLS                                                                                               \
    "SELECT id AS bill, account, site, period_from AS \"from\", period_to AS \"to\", state, currency, energy, "    \
    "amount, charges, arrears, total, paid, own - paid AS due FROM bill "

static kerr_t bills(void *ctx, bo_bill_list_t which, const char *id, bo_rows_t *out, kmsg_t *msg)
{
    static const char *const sql[] = {
        [BO_BILLS_ACCOUNT] = LIST_COLS "WHERE account = ?1 ORDER BY period_from, id",
        [BO_BILLS_SITE] = LIST_COLS "WHERE site = ?1 ORDER BY account, period_from, id",
        [BO_BILLS_STATE] = LIST_COLS "WHERE state = ?1 ORDER BY account, period_from, id",
        [BO_BILLS_ALL] = LIST_COLS "ORDER BY account, period_from, id",
    };
    return bo__sq_rows(ctx, sql[which], id, NULL, NULL, out, msg);
}

/* The header's figures as lines first (n 0), then the lines as drafted. */
static kerr_t bill_lines(void *ctx, int64_t id, bo_rows_t *out, kmsg_t *msg)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    return bo__sq_rows(ctx,
                       "SELECT * FROM (SELECT CAST(n AS TEXT) AS line, kind, item, meter, energy, coalesce(sharp, '') AS sharp, "
                       "coalesce(peak, '') AS peak, coalesce(flat, '') AS flat, coalesce(valley, '') AS valley, "
                       "amount FROM bill_line WHERE bill = CAST(?1 AS INTEGER) UNION ALL SELECT 'total', state, "
                       "period_from || '..' || period_to, account, energy, sharp, peak, flat, valley, total FROM "
                       "bill WHERE id = CAST(?1 AS INTEGER)) AS l ORDER BY line = 'total', "
                       "CASE WHEN line = 'total' THEN 0 ELSE CAST(line AS INTEGER) END",
                       text, NULL, NULL, out, msg);
}

/* Each account owing: its issued bills neither paid in full nor written
 * off (writeoff_bill), the oldest one's period and what they still ask. */
static kerr_t arrears(void *ctx, const char *site, bo_rows_t *out, kmsg_t *msg)
{
    return bo__sq_rows(ctx,
                       "SELECT account, site, currency, count(*) AS bills, min(period_from) AS oldest, "
                       "sum(own) AS billed, sum(paid) AS paid, sum(own - paid - off) AS owed FROM (SELECT b.*, "
                       "coalesce((SELECT sum(amount) FROM writeoff_bill w WHERE w.bill = b.id), 0) AS off FROM bill b) "
                       "AS o WHERE state = 'issued' AND paid + off < own AND (?1 = '' OR site = ?1) "
                       "GROUP BY account, site, currency "
                       "ORDER BY account",
                       site, NULL, NULL, out, msg);
}

const bo_st_post_t bo__sq_post = {
    .account_get = account_get,
    .account_payment = account_payment,
    .account_area = account_area,
    .accounts_of_site = accounts_of_site,
    .use_each = use_each,
    .unpaid = unpaid,
    .charges_due = charges_due,
    .bill_add = bill_add,
    .line_add = line_add,
    .bill_get = bill_get,
    .bill_state = bill_state,
    .open_each = open_each,
    .payment_add = payment_add,
    .payment_part = payment_part,
    .bills = bills,
    .bill_lines = bill_lines,
    .arrears = arrears,
};
