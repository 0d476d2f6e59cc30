/* Meter readings with and without bands (schema 11), their payload and
 * source, and the misses of meters a scan did not hear (schema 12): a single-rate meter's
 * reading stores its bands as NULL, all four together, and reads back as
 * absent; a file of schema 9 keeps its readings through the migration. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "support/support.h"

#include "ledger/ledger.h"

#define M1 "000000000001"

static char dir[512], path[600];

static int setup(void **state)
{
    (void)state;
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove(dir);
    return 0;
}

static ledger_t *open_ledger(void)
{
    ledger_t *l = NULL;
    kmsg_t msg = {""};
    if (ledger_open(path, LEDGER_CREATE, &test_clock, &l, &msg) != K_OK)
        fail_msg("open: %s", msg.text);
    return l;
}

static void record(ledger_t *l, int64_t at, int64_t energy, bool bands_absent)
{
    ledger_reading_t r = {.meter = M1, .at = at, .energy = energy, .bands = {1, 2, 3, 4},
                          .bands_absent = bands_absent, .balance = 500};
    kmsg_t msg = {""};
    if (ledger_record_reading(l, &r, NULL, 0, &msg) != K_OK)
        fail_msg("record: %s", msg.text);
}

static ledger_reading_t last(ledger_t *l)
{
    ledger_reading_t r;
    bool found = false;
    assert_int_equal(ledger_last_reading(l, M1, &r, &found, NULL), K_OK);
    assert_true(found);
    return r;
}

/* One SQL statement on the file, outside the ledger; its SQLite result. */
static int sql(const char *text)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, text, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* The number a query on the file answers. */
static int64_t sql_int(const char *query)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void single_rate_reading_has_no_bands(void **state)
{
    (void)state;
    ledger_t *l = open_ledger();
    record(l, 1000, 12340, true);
    ledger_reading_t r = last(l);
    assert_true(r.bands_absent);
    assert_int_equal(r.energy, 12340);
    record(l, 2000, 12350, false);
    r = last(l);
    assert_false(r.bands_absent);
    assert_int_equal(r.bands[3], 4);
    ledger_close(l);
    assert_int_equal(sql_int("SELECT count(*) FROM meter_reading WHERE sharp IS NULL AND peak IS NULL AND "
                             "flat IS NULL AND valley IS NULL AND energy = 12340"),
                     1);
    /* Some bands but not all: the file refuses it. */
    assert_int_equal(sql("INSERT INTO meter_reading(meter, at, energy, sharp, peak, flat, valley, balance, "
                         "purchase_count, relay_open, flags) VALUES ('" M1 "', 3, 1, NULL, 2, 3, 4, 0, 0, 0, 0)"),
                     SQLITE_CONSTRAINT);
}

/* A schema-9 file (bands NOT NULL) with a reading: opening it migrates it
 * to the latest schema and keeps the reading, bands and all. */
static void migration_keeps_readings(void **state)
{
    (void)state;
    ledger_t *l = open_ledger();
    record(l, 1000, 777, false);
    ledger_close(l);
    assert_int_equal(sql("CREATE TABLE v9 (id INTEGER PRIMARY KEY, meter TEXT NOT NULL, at INTEGER NOT NULL,"
                         " energy INTEGER NOT NULL, sharp INTEGER NOT NULL, peak INTEGER NOT NULL,"
                         " flat INTEGER NOT NULL, valley INTEGER NOT NULL, balance INTEGER NOT NULL,"
                         " purchase_count INTEGER NOT NULL, relay_open INTEGER NOT NULL CHECK (relay_open IN (0, 1)),"
                         " flags INTEGER NOT NULL) STRICT;"
                         "INSERT INTO v9 SELECT id, meter, at, energy, sharp, peak, flat, valley, balance, purchase_count,"
                         " relay_open, flags FROM meter_reading; DROP TABLE meter_reading; DROP TABLE meter_miss;"
                         "ALTER TABLE v9 RENAME TO meter_reading;"
                         "CREATE INDEX meter_reading_meter ON meter_reading(meter, at);"
                         "DROP TABLE central_refund; DROP TABLE meter_frozen;"
                         "DROP TABLE ledger_identity; DROP TABLE meter_command; DROP INDEX payment_central_command;"
                         "DROP TABLE bill_due_item; DROP TABLE bill_due;"
                         "PRAGMA user_version = 9;"),
                     SQLITE_OK);
    l = open_ledger();
    assert_int_equal(ledger_schema_version(l), LEDGER_SCHEMA_VERSION);
    ledger_reading_t r = last(l);
    assert_false(r.bands_absent);
    assert_int_equal(r.energy, 777);
    assert_int_equal(r.bands[0], 1);
    assert_int_equal(r.bands[3], 4);
    record(l, 2000, 800, true); /* and the migrated table takes readings without bands */
    assert_true(last(l).bands_absent);
    int64_t n = -1;
    kmsg_t msg = {""};
    assert_int_equal(ledger_verify(l, NULL, NULL, &n, &msg), K_OK);
    assert_int_equal(n, 0);
    ledger_close(l);
}

static void keep_payload(void *ctx, const ledger_outbox_row_t *r)
{
    if (strcmp(r->topic, "reading") == 0)
        snprintf(ctx, 512, "%s", r->payload);
}

/* The reading's outbox payload carries the bands (null without them) and
 * the reading's source; the source is stored with the reading. */
static void payload_has_bands_and_source(void **state)
{
    (void)state;
    ledger_t *l = open_ledger();
    kmsg_t msg = {""};
    ledger_reading_t r = {.meter = M1, .at = 1000, .energy = 9000, .bands = {1000, 2000, 2500, 3500},
                          .balance = 500, .source = READ_SCAN};
    assert_int_equal(ledger_record_reading(l, &r, NULL, 0, &msg), K_OK);
    char payload[512] = "";
    assert_int_equal(ledger_outbox_unsent(l, 10, keep_payload, payload, &msg), K_OK);
    assert_non_null(strstr(payload, "\"bands\":[1000,2000,2500,3500]"));
    assert_non_null(strstr(payload, "\"source\":\"scan\""));
    r.at = 2000;
    r.bands_absent = true;
    r.source = READ_STAFF;
    assert_int_equal(ledger_record_reading(l, &r, NULL, 0, &msg), K_OK);
    payload[0] = '\0';
    assert_int_equal(ledger_outbox_unsent(l, 10, keep_payload, payload, &msg), K_OK); /* the last one kept */
    assert_non_null(strstr(payload, "\"bands\":null"));
    assert_non_null(strstr(payload, "\"source\":\"staff\""));
    ledger_close(l);
}

/* A meter's misses in a row count up and start again once it answers. */
static void misses_count_until_an_answer(void **state)
{
    (void)state;
    ledger_t *l = open_ledger();
    kmsg_t msg = {""};
    int64_t misses = 0, before = -1;
    assert_int_equal(ledger_meter_answered(l, M1, &before, &msg), K_OK);
    assert_int_equal(before, 0);
    for (int i = 1; i <= 4; i++) {
        assert_int_equal(ledger_meter_missed(l, M1, 1000 * i, "timeout", &misses, &msg), K_OK);
        assert_int_equal(misses, i);
    }
    assert_int_equal(ledger_meter_answered(l, M1, &before, &msg), K_OK);
    assert_int_equal(before, 4);
    assert_int_equal(ledger_meter_missed(l, M1, 9000, "timeout", &misses, &msg), K_OK);
    assert_int_equal(misses, 1);
    ledger_close(l);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(payload_has_bands_and_source, setup, teardown),
    cmocka_unit_test_setup_teardown(misses_count_until_an_answer, setup, teardown),
    cmocka_unit_test_setup_teardown(single_rate_reading_has_no_bands, setup, teardown),
    cmocka_unit_test_setup_teardown(migration_keeps_readings, setup, teardown),
};

KTEST_MAIN(tests)
