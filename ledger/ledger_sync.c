/* The outbox as the back-office link reads and settles it, and the link's
 * own state (ledger.h, "the back-office link"). A row is marked sent only
 * once the back office has answered for it (docs/sync.md). */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"

kerr_t ledger_outbox_unsent(ledger_t *l, int limit, void (*cb)(void *ctx, const ledger_outbox_row_t *r), void *ctx,
                            kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(
        l, "SELECT seq, topic, payload, created_at FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, limit);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_outbox_row_t r = {.seq = sqlite3_column_int64(st, 0),
                                 .topic = (const char *)sqlite3_column_text(st, 1),
                                 .payload = (const char *)sqlite3_column_text(st, 2),
                                 .created_at = sqlite3_column_int64(st, 3)};
        cb(ctx, &r);
    }
    ledger__release(l, st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the outbox", msg);
}

/* The alert staff see for a row the back office will never take, or one
 * the kiosk stopped sending because the back office cannot read it. */
static kerr_t raise_rejected(ledger_t *l, const ledger_outbox_answer_t *a, kmsg_t *msg)
{
    ledger_alert_t al = {.at = ledger__now(l)};
    snprintf(al.kind, sizeof al.kind, a->parked ? "sync_parked" : "sync_rejected");
    snprintf(al.severity, sizeof al.severity, "warning");
    snprintf(al.evidence, sizeof al.evidence,
             a->parked ? "outbox row %lld is no longer sent (it stays in the ledger): %s"
                       : "the back office refused outbox row %lld: %s",
             (long long)a->seq, a->reason ? a->reason : "no reason given");
    return ledger__insert_alert(l, &al, msg);
}

kerr_t ledger_outbox_settle(ledger_t *l, const ledger_outbox_answer_t *a, size_t n, kmsg_t *msg)
{
    kerr_t rc = ledger__begin(l, msg);
    for (size_t i = 0; rc == K_OK && i < n; i++) {
        sqlite3_stmt *st;
        if ((rc = ledger__cached(l, "UPDATE outbox SET sent_at = ? WHERE seq = ? AND sent_at IS NULL", &st, msg)))
            break;
        sqlite3_bind_int64(st, 1, ledger__now(l));
        sqlite3_bind_int64(st, 2, a[i].seq);
        if ((rc = ledger__run(l, st, "marking outbox rows sent", msg)) == K_OK && (a[i].rejected || a[i].parked) &&
            sqlite3_changes(l->db) > 0)
            rc = raise_rejected(l, &a[i], msg);
    }
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

kerr_t ledger_sync_note(ledger_t *l, bool ok, const char *why, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               ok ? "UPDATE sync_state SET last_ok_at = ?1, failures = 0 WHERE id = 1"
                                  : "UPDATE sync_state SET last_error_at = ?1, last_error = ?2, failures = failures + 1 "
                                    "WHERE id = 1",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, ledger__now(l));
    if (!ok)
        sqlite3_bind_text(st, 2, why ? why : "", -1, SQLITE_STATIC);
    return ledger__run(l, st, "recording the back office's answer", msg);
}

kerr_t ledger_sync_state(ledger_t *l, ledger_sync_state_t *out, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "SELECT last_ok_at, last_error_at, last_error, failures,"
                               " (SELECT count(*) FROM outbox WHERE sent_at IS NULL),"
                               " (SELECT coalesce(min(created_at), 0) FROM outbox WHERE sent_at IS NULL)"
                               " FROM sync_state WHERE id = 1",
                               &st, msg);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->last_ok_at = sqlite3_column_int64(st, 0);
        out->last_error_at = sqlite3_column_int64(st, 1);
        ledger__col_text(st, 2, out->last_error, sizeof out->last_error);
        out->failures = sqlite3_column_int64(st, 3);
        out->depth = sqlite3_column_int64(st, 4);
        out->oldest_unsent_at = sqlite3_column_int64(st, 5);
    }
    ledger__release(l, st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "reading the link's state", msg);
}
