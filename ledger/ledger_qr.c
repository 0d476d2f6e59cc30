/* QR orders as booked, money taken since the back office last answered,
 * and a staff alert raised by the back-office link
 * (ledger.h, "QR orders and signed documents"). */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"

kerr_t ledger_qr_booked(ledger_t *l, const char *order_id, char txn_id[UUID_STR_LEN], bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT txn_id FROM payment WHERE method = 'qr' AND ref = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found)
        ledger__col_text(st, 0, txn_id, UUID_STR_LEN);
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "looking up a QR order", msg);
}

kerr_t ledger_raise_alert(ledger_t *l, const char *kind, const char *evidence, kmsg_t *msg)
{
    ledger_alert_t a = {.at = ledger__now(l)};
    snprintf(a.kind, sizeof a.kind, "%s", kind);
    snprintf(a.severity, sizeof a.severity, "warning");
    snprintf(a.evidence, sizeof a.evidence, "%s", evidence);
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = ledger__insert_alert(l, &a, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

kerr_t ledger_taken_since(ledger_t *l, int64_t since, int64_t *total, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT COALESCE(SUM(paid), 0) FROM txn WHERE created_at > ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, since);
    int s = sqlite3_step(st);
    *total = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ledger__release(l, st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "adding up the sales since the last contact", msg);
}
