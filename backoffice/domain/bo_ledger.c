/* Which of a kiosk's ledgers an upload may be stored from (bo_ingest.h;
 * docs/sync.md, "A kiosk's ledgers"). A ledger started afresh (a factory
 * reset) has a new id and restarts its outbox seqs at 1; it replaces the
 * kiosk's current ledger when it began later. A ledger that began earlier
 * or was replaced already is retired: a copy restored from an old disk,
 * whose rows are refused so they cannot stand beside the current ones. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest.h"
#include "kiosk/app/timefmt.h"

/* A ledger of the kiosk as recorded. */
typedef struct known {
    bool found;
    char id[37];
    int64_t created_at, first_seen, retired_at;
    char replaced_by[37];
} known_t;

static kerr_t lookup(sqlite3 *db, const char *sql, const char *kiosk, const char *id, known_t *k, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, sql, &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    if (id)
        bo_db_text(st, 2, id);
    memset(k, 0, sizeof *k);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        k->found = true;
        snprintf(k->id, sizeof k->id, "%s", bo_db_col(st, 0));
        k->created_at = sqlite3_column_int64(st, 1);
        k->first_seen = sqlite3_column_int64(st, 2);
        k->retired_at = sqlite3_column_int64(st, 3);
        snprintf(k->replaced_by, sizeof k->replaced_by, "%s", bo_db_col(st, 4));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? K_OK
                                                     : kmsg_set(msg, K_EIO, "reading the kiosk's ledgers: %s",
                                                                sqlite3_errmsg(db));
}

static kerr_t current_of(sqlite3 *db, const char *kiosk, known_t *k, kmsg_t *msg)
{
    return lookup(db,
                  "SELECT id, created_at, first_seen, coalesce(retired_at, 0), replaced_by FROM kiosk_ledger "
                  "WHERE kiosk = ?1 AND retired_at IS NULL",
                  kiosk, NULL, k, msg);
}

static kerr_t ledger_of(sqlite3 *db, const char *kiosk, const char *id, known_t *k, kmsg_t *msg)
{
    return lookup(db,
                  "SELECT id, created_at, first_seen, coalesce(retired_at, 0), replaced_by FROM kiosk_ledger "
                  "WHERE kiosk = ?1 AND id = ?2",
                  kiosk, id, k, msg);
}

static kerr_t record(sqlite3 *db, const char *kiosk, const bo_ledger_t *l, int64_t now, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "INSERT INTO kiosk_ledger (kiosk, id, created_at, first_seen) VALUES (?, ?, ?, ?)",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    bo_db_text(st, 2, l->id);
    sqlite3_bind_int64(st, 3, l->created_at);
    sqlite3_bind_int64(st, 4, now);
    return bo_db_done(db, st, "recording the kiosk's ledger", msg);
}

/* Rows received before ledgers were named (ledger '') become the first
 * ledger's when it began before the last of them arrived: it is the ledger
 * that sent them, upgraded. A ledger that began after them is a new one. */
static kerr_t adopt_unnamed(sqlite3 *db, const char *kiosk, const bo_ledger_t *l, kmsg_t *msg)
{
    int64_t last = -1;
    kerr_t rc = bo_db_int(db, "SELECT coalesce(max(received_at), -1) FROM ingest_row WHERE kiosk = ? AND ledger = ''",
                          kiosk, &last, msg);
    if (rc || last < 0 || l->created_at > last)
        return rc;
    static const char *const sql[] = {
        "UPDATE ingest_row SET ledger = ?2 WHERE kiosk = ?1 AND ledger = ''",
        "UPDATE alert SET ledger = ?2 WHERE kiosk = ?1 AND ledger = ''",
        "UPDATE audit SET ledger = ?2 WHERE kiosk = ?1 AND ledger = ''",
    };
    for (size_t i = 0; rc == K_OK && i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st;
        if ((rc = bo_db_prepare(db, sql[i], &st, msg)) != K_OK)
            break;
        bo_db_text(st, 1, kiosk);
        bo_db_text(st, 2, l->id);
        rc = bo_db_run(db, st, "giving the kiosk's earlier rows to its first named ledger", msg);
    }
    return rc;
}

/* The new ledger replaces the current one: recorded, and audited. */
static kerr_t replace(sqlite3 *db, const char *kiosk, const known_t *old, const bo_ledger_t *l, int64_t now,
                      kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(
        db, "UPDATE kiosk_ledger SET retired_at = ?3, replaced_by = ?4 WHERE kiosk = ?1 AND id = ?2", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    bo_db_text(st, 2, old->id);
    sqlite3_bind_int64(st, 3, now);
    bo_db_text(st, 4, l->id);
    if ((rc = bo_db_done(db, st, "retiring the kiosk's ledger", msg)) == K_OK)
        rc = record(db, kiosk, l, now, msg);
    char was[40], began[40], detail[256];
    ktime_format_iso(old->created_at, was, sizeof was);
    ktime_format_iso(l->created_at, began, sizeof began);
    snprintf(detail, sizeof detail, "ledger %s (began %s) -> %s (began %s)", old->id, was, l->id, began);
    if (rc == K_OK)
        rc = bo_audit_record(db, "backoffice:ingest", "kiosk.ledger_new", kiosk,
                             "the kiosk uploads from a ledger that began later (a factory reset or a new ledger)",
                             detail, msg);
    return rc;
}

/* The reason every row of a retired ledger gets (short enough for the
 * kiosk's alert: about 200 bytes). */
static void retired_reason(const char *kiosk, const known_t *cur, kmsg_t *why)
{
    char began[40];
    ktime_format_iso(cur->created_at, began, sizeof began);
    kmsg_set(why, K_OK,
             "ledger_retired: kiosk %s uploads from ledger %s (began %s), which replaced this one; not stored. "
             "A restored old disk? Put the last one back, or ask support",
             kiosk, cur->id, began);
}

kerr_t bo_ledger_admit(sqlite3 *db, const char *kiosk, const bo_ledger_t *l, int64_t now, bool *retired, kmsg_t *why,
                       kmsg_t *msg)
{
    known_t cur, same;
    *retired = false;
    kerr_t rc = current_of(db, kiosk, &cur, msg);
    if (rc == K_OK && cur.found && strcmp(cur.id, l->id) == 0)
        return K_OK;
    if (rc == K_OK)
        rc = ledger_of(db, kiosk, l->id, &same, msg);
    if (rc)
        return rc;
    if (!cur.found && !same.found) {
        rc = record(db, kiosk, l, now, msg);
        return rc ? rc : adopt_unnamed(db, kiosk, l, msg);
    }
    if (!same.found && l->created_at > cur.created_at)
        return replace(db, kiosk, &cur, l, now, msg);
    *retired = true;
    retired_reason(kiosk, &cur, why);
    return K_OK;
}
