/* The back office in the crash tests (crash_bo.h). */
#include "crash_bo.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash_util.h"
#include "provisioning/identity.h"

void crash_bo_kiosk(boh_t *h, const char *kiosk_dir)
{
    static const char *const meters[] = {"000000000001", "000000000002", "000000000003", "000000000009"};
    char id_dir[600], args[200];
    identity_t id;
    kmsg_t msg = {""};
    snprintf(id_dir, sizeof id_dir, "%s/identity", kiosk_dir);
    if (identity_ensure_keys(id_dir, &id, &msg) != K_OK) {
        fprintf(stderr, "the kiosk's keys: %s\n", msg.text);
        exit(2);
    }
    snprintf(args, sizeof args, "kiosk upload-key K1 %s", id.upload_key);
    bool ok = boh_cli(h, NULL, 0, args) == 0;
    for (size_t i = 0; ok && i < sizeof meters / sizeof meters[0]; i++)
        ok = boh_meter(h, meters[i], "S1");
    if (!ok) {
        fprintf(stderr, "registering the kiosk's key and meters with the back office failed\n");
        exit(2);
    }
}

void crash_bo_kill(boh_t *h)
{
    if (h->pid > 0)
        kill(h->pid, SIGKILL);
    boh_stop(h); /* reaps it (a SIGTERM to a process already dead changes nothing) */
}

/* Every row sql returns is a failure, named by what and the row's columns. */
static void no_rows(sqlite3 *db, const char *sql, const char *label, const char *what)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        crash_fail("%s: %s: %s", label, what, sqlite3_errmsg(db));
        return;
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char row[256] = "";
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            size_t len = strlen(row);
            snprintf(row + len, sizeof row - len, "%s%s", i ? " " : "", t ? (const char *)t : "NULL");
        }
        if (n++ < 5)
            crash_fail("%s: %s: %s", label, what, row);
    }
    if (n > 5)
        crash_fail("%s: %s: %d rows in all", label, what, n);
    sqlite3_finalize(st);
}

/* The back office and the ledger agree after a sync. */
static const crash_bo_check_t synced[] = {
    {"an outbox row left unsent", "SELECT seq, topic FROM k.outbox WHERE sent_at IS NULL"},
    {"an outbox row the back office never answered",
     "SELECT o.seq, o.topic FROM k.outbox o WHERE NOT EXISTS "
     "(SELECT 1 FROM ingest_row i WHERE i.kiosk = 'K1' AND i.seq = o.seq)"},
    {"an answer to a row the kiosk does not have",
     "SELECT seq, topic FROM ingest_row WHERE kiosk = 'K1' AND seq NOT IN (SELECT seq FROM k.outbox)"},
    {"a row rejected", "SELECT seq, topic, reason FROM ingest_row WHERE status = 'rejected'"},
    {"an event the back office never saw",
     "SELECT e.txn_id, e.seq, e.event FROM k.txn_event e WHERE NOT EXISTS (SELECT 1 FROM txn_event_seen s "
     "WHERE s.kiosk = 'K1' AND s.txn_id = e.txn_id AND s.event_seq = e.seq)"},
    {"an event seen that the kiosk does not have",
     "SELECT s.txn_id, s.event_seq FROM txn_event_seen s WHERE NOT EXISTS "
     "(SELECT 1 FROM k.txn_event e WHERE e.txn_id = s.txn_id AND e.seq = s.event_seq)"},
    {"a sale stored other than the ledger has it (ledger, then back office)",
     "SELECT t.id, t.state, t.paid, t.delivered, t.refunded, s.state, s.paid, s.delivered, s.refunded "
     "FROM k.txn t LEFT JOIN sale s ON s.txn_id = t.id WHERE s.txn_id IS NULL OR s.state != t.state "
     "OR s.paid != t.paid OR s.delivered != t.delivered OR s.refunded != t.refunded"},
    {"a sale the kiosk does not have", "SELECT txn_id, state FROM sale WHERE txn_id NOT IN (SELECT id FROM k.txn)"},
    {"the back office's database", "SELECT * FROM pragma_integrity_check WHERE integrity_check != 'ok'"},
};

/* The sales report (delivered sales by method) against the ledger's. */
static void hold_report(boh_t *h, sqlite3 *db, const char *label)
{
    char csv[4096], line[160];
    if (boh_cli(h, csv, sizeof csv, "report sales --by method --csv") != 0) {
        crash_fail("%s: backoffice report sales failed", label);
        return;
    }
    sqlite3_stmt *st;
    char want[4096] = "method,currency,sales,amount\r\n";
    if (sqlite3_prepare_v2(db,
                           "SELECT method, currency, count(*), sum(delivered) FROM k.txn WHERE state = 'delivered' "
                           "GROUP BY 1, 2 ORDER BY 1, 2",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(line, sizeof line, "%s,%s,%lld,%lld\r\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                 (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3));
        strncat(want, line, sizeof want - strlen(want) - 1);
    }
    sqlite3_finalize(st);
    if (strcmp(csv, want) != 0)
        crash_fail("%s: the back office's sales report says\n%s  the ledger says\n%s", label, csv, want);
}

/* The back office's database with the ledger attached as k (NULL, with a
 * failure, if they cannot be read). */
static sqlite3 *open_both(boh_t *h, const char *ledger_path, const char *label)
{
    char bo[300], attach[800];
    snprintf(bo, sizeof bo, "%s/bo.db", h->dir);
    snprintf(attach, sizeof attach, "ATTACH 'file:%s?mode=ro' AS k", ledger_path);
    sqlite3 *db;
    if (sqlite3_open_v2(bo, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
        sqlite3_exec(db, attach, NULL, NULL, NULL) != SQLITE_OK) {
        crash_fail("%s: cannot read the back office's and the kiosk's files: %s", label, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void crash_bo_checks(boh_t *h, const char *ledger_path, const crash_bo_check_t *checks, size_t n, const char *label)
{
    sqlite3 *db = open_both(h, ledger_path, label);
    for (size_t i = 0; db && i < n; i++)
        no_rows(db, checks[i].sql, label, checks[i].what);
    sqlite3_close(db);
}

void crash_bo_hold(boh_t *h, const char *ledger_path, const char *label)
{
    crash_bo_checks(h, ledger_path, synced, sizeof synced / sizeof synced[0], label);
    sqlite3 *db = open_both(h, ledger_path, label);
    if (db)
        hold_report(h, db, label);
    sqlite3_close(db);
}
