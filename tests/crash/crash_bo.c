/* The back office in the crash tests (crash_bo.h). */
#include "crash_bo.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
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
};

/* SQLite's own check of the back office's file. Skipped on PostgreSQL:
 * it has no such check to ask, and main is then a copy in memory. */
static const crash_bo_check_t integrity[] = {
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

/* The back office's tables the checks read when it is on PostgreSQL, each
 * copied whole (read through libpq) into a SQLite database in memory. */
static const char *const pg_tables[][2] = {
    {"ingest_row", "SELECT * FROM ingest_row"},
    {"txn_event_seen", "SELECT * FROM txn_event_seen"},
    {"sale", "SELECT * FROM sale"},
};

/* Inserts st's row into the prepared ins: NULL, integer or text, as read. */
static bool copy_row(bo_cur_t *st, sqlite3_stmt *ins, int cols)
{
    sqlite3_reset(ins);
    for (int i = 0; i < cols; i++) {
        if (bo_cur_null(st, i))
            sqlite3_bind_null(ins, i + 1);
        else if (bo_cur_kind(st, i) == BO_CELL_INT)
            sqlite3_bind_int64(ins, i + 1, bo_cur_int(st, i));
        else
            sqlite3_bind_text(ins, i + 1, bo_db_col(st, i), -1, SQLITE_TRANSIENT);
    }
    return sqlite3_step(ins) == SQLITE_DONE;
}

/* Table t (pg_tables) of src as a table of the same name and columns in
 * dst (its columns untyped: the values keep the types they were read
 * with); false with the reason in why. */
static bool copy_table(bo_db_t *src, sqlite3 *dst, const char *const t[2], char *why, size_t len)
{
    bo_cur_t *st;
    bool row;
    kmsg_t msg = {""};
    if (bo_db_first(src, &st, &row, &msg, t[1], "") != K_OK) {
        snprintf(why, len, "%s", msg.text);
        return false;
    }
    int cols = bo_cur_cols(st);
    char create[1024], insert[1024];
    int c = snprintf(create, sizeof create, "CREATE TABLE %s(", t[0]);
    int q = snprintf(insert, sizeof insert, "INSERT INTO %s VALUES (", t[0]);
    for (int i = 0; i < cols; i++) {
        c += snprintf(create + c, sizeof create - (size_t)c, "%s\"%s\"", i ? ", " : "", bo_cur_name(st, i));
        q += snprintf(insert + q, sizeof insert - (size_t)q, "%s?", i ? ", " : "");
    }
    snprintf(create + c, sizeof create - (size_t)c, ")");
    snprintf(insert + q, sizeof insert - (size_t)q, ")");
    sqlite3_stmt *ins = NULL;
    kerr_t rc = K_OK;
    bool ok = sqlite3_exec(dst, create, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(dst, insert, -1, &ins, NULL) == SQLITE_OK;
    for (; ok && row; row = bo_db_next(src, st, &rc, &msg))
        ok = copy_row(st, ins, cols);
    bo_db_end(st);
    sqlite3_finalize(ins);
    snprintf(why, len, "%s: %s", t[0], rc != K_OK ? msg.text : sqlite3_errmsg(dst));
    return ok && rc == K_OK;
}

/* The back office's tables (pg_tables) on PostgreSQL, read into main, an
 * in-memory SQLite database of db's; false with the reason in why. */
static bool copy_pg(boh_t *h, sqlite3 *db, char *why, size_t len)
{
    bo_db_t *src;
    kmsg_t msg = {""};
    if (bo_db_open(h->database, &src, &msg) != K_OK) {
        snprintf(why, len, "%s", msg.text);
        return false;
    }
    bool ok = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < sizeof pg_tables / sizeof pg_tables[0]; i++)
        ok = copy_table(src, db, pg_tables[i], why, len);
    bo_db_close(src);
    return ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
}

static bool on_pg(const boh_t *h)
{
    return bo_db_engine_of(h->database) == BO_ENGINE_POSTGRESQL;
}

/* The back office's database (SQLite: its file; PostgreSQL: its tables
 * the checks read, copied into memory) with the ledger attached as k
 * (NULL, with a failure, if they cannot be read). */
static sqlite3 *open_both(boh_t *h, const char *ledger_path, const char *label)
{
    char attach[800], why[300] = "";
    snprintf(attach, sizeof attach, "ATTACH 'file:%s?mode=ro' AS k", ledger_path);
    sqlite3 *db;
    int flags = on_pg(h) ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(on_pg(h) ? ":memory:" : h->database, &db, flags | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
        sqlite3_exec(db, attach, NULL, NULL, NULL) != SQLITE_OK || (on_pg(h) && !copy_pg(h, db, why, sizeof why))) {
        crash_fail("%s: cannot read the back office's database and the kiosk's file: %s %s", label,
                   sqlite3_errmsg(db), why);
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
    if (!on_pg(h))
        crash_bo_checks(h, ledger_path, integrity, 1, label);
    sqlite3 *db = open_both(h, ledger_path, label);
    if (db)
        hold_report(h, db, label);
    sqlite3_close(db);
}
