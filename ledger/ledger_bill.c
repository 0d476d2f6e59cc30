/* What the back office said a post-paid account owed when a bill payment
 * opened (docs/ledger.md, "Bill payments"): kept with the sale in the
 * commit that creates it, read back by every receipt of the sale. */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"

static kerr_t put_item(ledger_t *l, const char *txn_id, int n, const receipt_bill_t *b, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "INSERT INTO bill_due_item(txn_id, n, from_day, to_day, due) VALUES (?, ?, ?, ?, ?)",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, txn_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, n);
    sqlite3_bind_text(st, 3, b->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, b->due);
    return ledger__run(l, st, "keeping a bill of the payment", msg);
}

kerr_t ledger__bill_due_put(ledger_t *l, const char *txn_id, const receipt_bills_t *due, kmsg_t *msg)
{
    if (!due || !due->known)
        return K_OK;
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "INSERT INTO bill_due(txn_id, owed) VALUES (?, ?)", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, txn_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, due->owed);
    rc = ledger__run(l, st, "keeping what the account owed", msg);
    for (int i = 0; rc == K_OK && i < due->n; i++)
        rc = put_item(l, txn_id, i, &due->bill[i], msg);
    return rc;
}

/* The bills of txn_id, oldest first, up to max. */
static kerr_t items(ledger_t *l, const char *txn_id, receipt_bill_t bill[], int max, int *n, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT from_day, to_day, due FROM bill_due_item WHERE txn_id = ? ORDER BY n", &st,
                               msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, txn_id, -1, SQLITE_STATIC);
    int s;
    *n = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        receipt_bill_t *b = &bill[(*n)++];
        ledger__col_text(st, 0, b->from, sizeof b->from);
        ledger__col_text(st, 1, b->to, sizeof b->to);
        b->due = sqlite3_column_int64(st, 2);
    }
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the payment's bills", msg);
}

kerr_t ledger_bill_due(ledger_t *l, const char *txn_id, receipt_bill_t bill[], int max, receipt_bills_t *out,
                       kmsg_t *msg)
{
    *out = (receipt_bills_t){.account = out->account, .bill = bill};
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT owed FROM bill_due WHERE txn_id = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, txn_id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    out->known = s == SQLITE_ROW;
    if (out->known)
        out->owed = sqlite3_column_int64(st, 0);
    ledger__release(l, st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return ledger__err(l, s, "reading what the account owed", msg);
    return out->known ? items(l, txn_id, bill, max, &out->n, msg) : K_OK;
}
