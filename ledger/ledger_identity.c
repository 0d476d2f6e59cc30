/* The ledger's identity (docs/ledger.md, "Identity"): a UUID made once with
 * the file and the time the ledger began. The back office tells one ledger
 * of a kiosk from the next by it, so a ledger started afresh never collides
 * with the sequence numbers of the one before. */
#include "base/rand.h"
#include "ledger/ledger_int.h"

/* When the ledger began: its oldest record for a file that is upgraded
 * (so a copy restored from before the upgrade is not taken for a newer
 * ledger), now for a new file. */
static kerr_t began_at(ledger_t *l, int64_t *at, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l,
                                "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM txn UNION ALL "
                                "SELECT MIN(at) FROM audit UNION ALL SELECT MIN(at) FROM meter_reading)",
                                &st, msg);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    *at = step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int64(st, 0)
                                                                          : ledger__now(l);
    ledger__release(l, st);
    return step == SQLITE_ROW ? K_OK : ledger__err(l, step, "reading the ledger's oldest record", msg);
}

kerr_t ledger__identity_make(ledger_t *l, kmsg_t *msg)
{
    char id[UUID_STR_LEN];
    int64_t at;
    kerr_t rc = krand_uuid(NULL, id);
    if (rc)
        return kmsg_set(msg, rc, "no randomness for the ledger's identity");
    if ((rc = began_at(l, &at, msg)) != K_OK)
        return rc;
    sqlite3_stmt *st;
    if ((rc = ledger__prepare(l, "INSERT INTO ledger_identity (one, id, created_at) VALUES (1, ?, ?)", &st,
                              msg)) != K_OK)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, at);
    return ledger__run(l, st, "recording the ledger's identity", msg);
}

kerr_t ledger_identity(ledger_t *l, ledger_identity_t *out, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT id, created_at FROM ledger_identity WHERE one = 1", &st, msg);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        ledger__col_text(st, 0, out->id, sizeof out->id);
        out->created_at = sqlite3_column_int64(st, 1);
    }
    ledger__release(l, st);
    if (step == SQLITE_DONE)
        return kmsg_set(msg, K_ECORRUPT, "the ledger has no identity row (ledger_identity is empty)");
    return step == SQLITE_ROW ? K_OK : ledger__err(l, step, "reading the ledger's identity", msg);
}
