/* Schemas 5 to 7 on a database written by schema 4 (docs/sync.md,
 * "Scope"): each meter gets a site by the documented rule, every
 * assignment audited, and a meter no kiosk reported stays out of every
 * kiosk's scope. The schema-4 file is made by opening a new one and taking
 * the later additions off. */
#include <sqlite3.h>
#include <stdlib.h>

#include "backoffice/domain/bo_scope.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "ktest.h"
#include "support/support.h"

static const char downgrade[] =
    /* schema 17's, 16's and 15's: write-offs, scheduled runs, tariff versions */
    "DROP TABLE writeoff_bill; DROP TABLE writeoff; DROP TABLE schedule_run; DROP TABLE tariff_version;"
    /* schema 13's: post-paid bills, charges, apportionment */
    "DROP TABLE apportion_run; DROP TABLE apportion_member; DROP TABLE apportion_group;"
    "DROP TABLE charge_applied; DROP TABLE charge_item; DROP TABLE bill_payment_part; DROP TABLE bill_payment;"
    "DROP TABLE bill_line; DROP TABLE bill;"
    "ALTER TABLE account DROP COLUMN payment; ALTER TABLE account DROP COLUMN area;"
    /* schema 11's: daily billing */
    "DROP TABLE bill_day; DROP TABLE bill_mark;"
    /* schema 12's: contacts and notices */
    "DROP TABLE contact; DROP TABLE notice_levels; DROP TABLE notice_state; DROP TABLE notice_outbox;"
    /* schema 10's: batches (meter_command's columns go with the table below) */
    "DROP TABLE batch;"
    /* schema 9's: daily freezes */
    "DROP TABLE frozen;"
    /* schema 8's: readings' bands and source (the alert table goes below) */
    "ALTER TABLE reading DROP COLUMN sharp; ALTER TABLE reading DROP COLUMN peak;"
    "ALTER TABLE reading DROP COLUMN flat; ALTER TABLE reading DROP COLUMN valley;"
    "ALTER TABLE reading DROP COLUMN source;"
    /* schema 7's: central commands */
    "DROP TABLE meter_command;"
    /* schema 6's: uploads by ledger (the tables as schema 4 had them) */
    "DROP TABLE kiosk_ledger; DROP TABLE ingest_batch; DROP TABLE ingest_row; DROP TABLE alert; DROP TABLE audit;"
    "CREATE TABLE ingest_row (kiosk TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL,"
    "  digest TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, received_at INTEGER NOT NULL,"
    "  PRIMARY KEY (kiosk, seq)) STRICT;"
    "CREATE INDEX ingest_row_age ON ingest_row(received_at);"
    "CREATE TABLE alert (kiosk TEXT NOT NULL, kiosk_alert INTEGER NOT NULL, meter TEXT NOT NULL,"
    "  at INTEGER NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, evidence TEXT NOT NULL,"
    "  PRIMARY KEY (kiosk, kiosk_alert)) STRICT;"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, kiosk_audit INTEGER, at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL, UNIQUE (kiosk, kiosk_audit)) STRICT;"
    "CREATE INDEX audit_at ON audit(at);"
    /* schema 5's: scope, leases, quarantine */
    "DROP TABLE quarantine; DROP TABLE site_grant; DROP INDEX meter_site; ALTER TABLE meter DROP COLUMN site;"
    "DROP INDEX count_lease_kiosk; ALTER TABLE count_lease DROP COLUMN granted_at;"
    "ALTER TABLE count_lease RENAME COLUMN ends_at TO stale_at;"
    /* schema 25's: the provider of each QR order */
    "ALTER TABLE qr_order DROP COLUMN provider; PRAGMA user_version = 4;";

/* A schema-4 file at dir/bo.db holding sql's rows. */
static void make_v4(const char *dir, const char *sql, char path[300])
{
    bo_db_t *db;
    kmsg_t msg = {{0}};
    snprintf(path, 300, "%s/bo.db", dir);
    assert_int_equal(bo_db_open(path, &db, &msg), K_OK);
    assert_int_equal(bo_db_exec(db, downgrade, "going back to schema 4", &msg), K_OK);
    assert_int_equal(bo_db_exec(db, sql, "filling schema 4", &msg), K_OK);
    assert_int_equal(bo_db_version(db), 4);
    bo_db_close(db);
}

static int64_t number(bo_db_t *db, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(bo_db_int(db, sql, NULL, &v, NULL), K_OK);
    return v;
}

static const char two_sites[] =
    "INSERT INTO site VALUES ('S1', 'Market'), ('S2', 'Lobby');"
    "INSERT INTO kiosk(id, site, created_at) VALUES ('K1', 'S1', 0), ('K2', 'S2', 0);"
    "INSERT INTO customer VALUES ('C1', 'Chen');"
    "INSERT INTO meter(id, customer, protocol, gateway) VALUES ('MA', 'C1', 'dlt645', 'h:1'),"
    "  ('MB', 'C1', 'dlt645', 'h:1'), ('MC', 'C1', 'dlt645', 'h:1');"
    /* MA: read by K1 once, but its latest sale is K2's; MB: only read by K1 */
    "INSERT INTO sale VALUES ('t1', 'K1', 'S1', 'delivered', 'MA', '', 'cash', 'remote', 'CNY', 100, 100, 100, 0,"
    "  1, 5, 1000, 1000), ('t2', 'K2', 'S2', 'delivered', 'MA', '', 'cash', 'remote', 'CNY', 100, 100, 100, 0,"
    "  2, 5, 2000, 2000);"
    "INSERT INTO reading VALUES ('K1', 'MA', 3000, 1, 1, 2, 0, 0), ('K1', 'MB', 3000, 1, 1, 0, 0, 0);";

static void migration_gives_meters_their_kiosks_site(void **state)
{
    (void)state;
    char dir[256], path[300];
    assert_true(tmpdir_make(dir, sizeof dir));
    make_v4(dir, two_sites, path);
    bo_db_t *db;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_db_open(path, &db, &msg), K_OK);
    assert_int_equal(bo_db_version(db), BO_SCHEMA_VERSION);
    assert_int_equal(number(db, "SELECT count(*) FROM meter WHERE id = 'MA' AND site = 'S2'"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM meter WHERE id = 'MB' AND site = 'S1'"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM meter WHERE id = 'MC' AND site = ''"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM audit WHERE kiosk = 'backoffice' AND action = 'meter.site' AND "
                                "((target = 'MA' AND detail = 'site S2') OR (target = 'MB' AND detail = 'site S1'))"),
                     2);
    assert_int_equal(number(db, "SELECT count(*) FROM audit"), 2);
    bo_store_t st;
    bo_sqlite_adopt(db, &st);
    assert_int_equal(bo_scope_check(&st, "K2", "MA", &msg), K_OK);
    assert_int_equal(bo_scope_check(&st, "K1", "MA", &msg), K_EDENIED);
    assert_int_equal(bo_scope_check(&st, "K1", "MC", &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "meter MC has no site yet"));
    bo_db_close(db);
    tmpdir_remove(dir);
}

/* Schema 14 on a schema-13 file: a contact that wanted every family
 * (the five of schema 12) wants bills too; one that chose some keeps its
 * choice. And schema 25: a QR order made before has provider ''. */
static void migration_all_takes_bills(void **state)
{
    (void)state;
    char dir[256], path[300];
    bo_db_t *db;
    kmsg_t msg = {{0}};
    assert_true(tmpdir_make(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/bo.db", dir);
    assert_int_equal(bo_db_open(path, &db, &msg), K_OK);
    assert_int_equal(bo_db_exec(db,
                                "INSERT INTO customer VALUES ('C1', 'Chen');"
                                "INSERT INTO account(id, customer, opened_at) VALUES ('A1', 'C1', 0), ('A2', 'C1', 0);"
                                "INSERT INTO contact(account, wants, updated_at) VALUES ('A1', 31, 0), ('A2', 17, 0);"
                                "INSERT INTO qr_order(id, kiosk, txn_id, meter, amount, currency, state, created_at,"
                                "  expires_at) VALUES ('o1', 'K1', 't1', 'M1', 100, 'CNY', 'pending', 0, 1);"
                                "DROP TABLE writeoff_bill; DROP TABLE writeoff; DROP TABLE schedule_run; "
                                "DROP TABLE tariff_version; ALTER TABLE qr_order DROP COLUMN provider; "
                                "PRAGMA user_version = 13;",
                                "going back to schema 13", &msg),
                     K_OK);
    bo_db_close(db);
    assert_int_equal(bo_db_open(path, &db, &msg), K_OK);
    assert_int_equal(bo_db_version(db), BO_SCHEMA_VERSION);
    assert_int_equal(number(db, "SELECT wants FROM contact WHERE account = 'A1'"), 63);
    assert_int_equal(number(db, "SELECT wants FROM contact WHERE account = 'A2'"), 17);
    /* schema 25: an order made before does not say which provider took it */
    assert_int_equal(number(db, "SELECT count(*) FROM qr_order WHERE id = 'o1' AND provider = ''"), 1);
    bo_db_close(db);
    tmpdir_remove(dir);
}

static void migration_one_site_takes_every_meter(void **state)
{
    (void)state;
    char dir[256], path[300];
    assert_true(tmpdir_make(dir, sizeof dir));
    make_v4(dir,
            "INSERT INTO site VALUES ('S1', 'Market'); INSERT INTO customer VALUES ('C1', 'Chen');"
            "INSERT INTO meter(id, customer, protocol, gateway) VALUES ('MA', 'C1', 'dlt645', 'h:1'),"
            "  ('MB', 'C1', 'dlt645', 'h:1');",
            path);
    bo_db_t *db;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_db_open(path, &db, &msg), K_OK);
    assert_int_equal(number(db, "SELECT count(*) FROM meter WHERE site = 'S1'"), 2);
    assert_int_equal(number(db, "SELECT count(*) FROM audit WHERE action = 'meter.site'"), 2);
    bo_db_close(db);
    tmpdir_remove(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(migration_gives_meters_their_kiosks_site),
    cmocka_unit_test(migration_one_site_takes_every_meter),
    cmocka_unit_test(migration_all_takes_bills),
};

KTEST_MAIN(tests)
