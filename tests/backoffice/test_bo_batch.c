/* Batches (backoffice/domain/bo_batch.h): the pure selection and retry
 * rules, and against a real store the due time, one retry per attempt
 * however often the check runs, the retry limit and cancel. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_batch.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/bo_testdb.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "ktest.h"
#include "support/support.h"

#define T0 1796000000000LL

static void select_dedupes_and_checks(void **state)
{
    (void)state;
    char out[3][33];
    const char *ids[] = {"M1", "M2", "M1", "M3"};
    assert_int_equal(bo_batch_select(ids, 4, out, 3), 3);
    assert_string_equal(out[0], "M1");
    assert_string_equal(out[2], "M3");
    assert_int_equal(bo_batch_select(ids, 4, out, 2), -1); /* three meters, room for two */
    const char *bad[] = {"M1", "M 2"};
    assert_int_equal(bo_batch_select(bad, 2, out, 3), -1);
    const char *none[] = {""};
    assert_int_equal(bo_batch_select(none, 1, out, 3), -1);
}

static void retry_rule(void **state)
{
    (void)state;
    const char *again[] = {"failed", "expired", "unknown"};
    for (int i = 0; i < 3; i++) {
        assert_true(bo_batch_retry_due("relay_trip", again[i], 1, 2));
        assert_true(bo_batch_retry_due("relay_trip", again[i], 2, 2));
        assert_false(bo_batch_retry_due("relay_trip", again[i], 3, 2)); /* the third attempt was the last */
        assert_false(bo_batch_retry_due("relay_trip", again[i], 1, 0));
    }
    const char *ended[] = {"done", "refused", "cancelled", "queued", "sent"};
    for (int i = 0; i < 5; i++)
        assert_false(bo_batch_retry_due("relay_trip", ended[i], 1, 2));
    assert_true(bo_batch_retry_due("credit", "failed", 1, 2));
    assert_false(bo_batch_retry_due("credit", "unknown", 1, 2)); /* it may have been applied */
}

typedef struct fixture {
    char dir[256];
    char database[512];
    bo_db_t *db;
    bo_store_t st;
    bo_key_t key;
} fixture_t;

static int64_t number(bo_db_t *db, const char *sql)
{
    int64_t v = -1;
    kmsg_t msg;
    assert_int_equal(bo_db_int(db, sql, NULL, &v, &msg), K_OK);
    return v;
}

static void open_site(fixture_t *f)
{
    kmsg_t msg = {{0}};
    assert_true(sodium_init() >= 0);
    crypto_sign_keypair(f->key.pk, f->key.sk);
    assert_true(tmpdir_make(f->dir, sizeof f->dir));
    assert_true(bo_testdb_make(f->dir, "bo.db", f->database, sizeof f->database));
    assert_int_equal(bo_db_open(f->database, &f->db, &msg), K_OK);
    assert_int_equal(bo_db_exec(f->db,
                                "INSERT INTO site VALUES ('S1', 'Market');"
                                "INSERT INTO kiosk(id, site, created_at) VALUES ('K1', 'S1', 0);"
                                "INSERT INTO customer VALUES ('C1', 'Chen');"
                                "INSERT INTO meter(id, customer, protocol, gateway, site) VALUES "
                                "('M1', 'C1', 'dlt645', 'h:1', 'S1'), ('M2', 'C1', 'dlt645', 'h:1', 'S1');",
                                "setting up", &msg),
                     K_OK);
    bo_sqlite_adopt(f->db, &f->st);
}

static void close_site(fixture_t *f)
{
    bo_db_close(f->db);
    bo_testdb_drop(f->database);
    tmpdir_remove(f->dir);
}

static void create(fixture_t *f, int64_t at, int64_t retries, bo_cmd_batch_t *b)
{
    bo_who_t who = {"test", T0};
    bo_batch_spec_t s = {.cmd = {.command = "relay_trip", .operator_name = "alice", .reason = "r", .expiry_s = 600},
                         .site = "S1", .run_at = at, .retries = retries};
    int n = 0;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_batch_create(&f->st, &f->key, &who, &s, b, &n, &msg);
    if (rc)
        fprintf(stderr, "%s\n", msg.text);
    assert_int_equal(rc, K_OK);
    assert_int_equal(n, 2);
}

static int picked(fixture_t *f, int64_t now)
{
    cJSON *arr = NULL;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_command_pickup(&f->st, "K1", now, &arr, &msg), K_OK);
    int n = cJSON_GetArraySize(arr);
    cJSON_Delete(arr);
    return n;
}

/* A batch at a set time is handed over then, not before; cancel ends what is queued. */
static void due_time_and_cancel(void **state)
{
    (void)state;
    fixture_t f;
    bo_cmd_batch_t b, later;
    kmsg_t msg = {{0}};
    int64_t n = 0;
    open_site(&f);
    create(&f, T0 + 60000, 2, &later);
    assert_int_equal(picked(&f, T0 + 59999), 0);
    assert_int_equal(picked(&f, T0 + 60000), 2);
    create(&f, 0, 2, &b);
    bo_who_t who = {"test", T0 + 1};
    assert_int_equal(bo_batch_cancel(&f.st, &who, b.id, "no", &n, &msg), K_OK);
    assert_int_equal(n, 2);
    assert_int_equal(bo_batch_cancel(&f.st, &who, b.id, "no", &n, &msg), K_ESTATE);
    /* only the first batch's two, handed over again as they are not acknowledged */
    assert_int_equal(picked(&f, T0 + 70000), 2);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM meter_command WHERE batch = '%s' AND state = 'cancelled'", b.id);
    assert_int_equal(number(f.db, sql), 2);
    assert_int_equal(number(f.db, "SELECT count(*) FROM audit WHERE action IN ('batch.create', 'batch.cancel')"), 3);
    close_site(&f);
}

/* One retry per ended attempt however often the check runs; none past the limit. */
static void one_retry_per_attempt(void **state)
{
    (void)state;
    fixture_t f;
    bo_cmd_batch_t b;
    kmsg_t msg = {{0}};
    int made = -1;
    open_site(&f);
    create(&f, 0, 1, &b);
    assert_int_equal(bo_batch_retry_check(&f.st, &f.key, T0 + 1000, &made, &msg), K_OK);
    assert_int_equal(made, 0); /* nothing has ended yet */
    assert_int_equal(bo_db_exec(f.db, "UPDATE meter_command SET state = 'failed' WHERE meter = 'M1'", "x", &msg), K_OK);
    assert_int_equal(bo_db_exec(f.db, "UPDATE meter_command SET state = 'done' WHERE meter = 'M2'", "x", &msg), K_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(bo_batch_retry_check(&f.st, &f.key, T0 + 2000 + i, &made, &msg), K_OK);
        assert_int_equal(made, i == 0 ? 1 : 0);
    }
    assert_int_equal(number(f.db, "SELECT count(*) FROM meter_command c JOIN meter_command p ON c.retry_of = p.id "
                                  "WHERE c.meter = 'M1' AND c.attempt = 2 AND p.attempt = 1 AND c.state = 'queued'"),
                     1);
    /* a second retry of the same attempt, as a concurrent check would make it: the store refuses it */
    bo_cmd_rec_t c;
    bool found = false;
    char id[40];
    bo_db_get_text(f.db, id, sizeof id, &found, &msg, "SELECT id FROM meter_command WHERE attempt = 2", "");
    assert_int_equal(f.st.ops->cmd->get(f.st.ctx, id, &c, &found, &msg), K_OK);
    snprintf(c.id, sizeof c.id, "another");
    assert_int_equal(f.st.ops->cmd->add(f.st.ctx, &c, &msg), K_ECONFLICT);
    /* the retry fails too: the limit (1) is reached */
    assert_int_equal(bo_db_exec(f.db, "UPDATE meter_command SET state = 'unknown' WHERE attempt = 2", "x", &msg), K_OK);
    assert_int_equal(bo_batch_retry_check(&f.st, &f.key, T0 + 5000, &made, &msg), K_OK);
    assert_int_equal(made, 0);
    assert_int_equal(number(f.db, "SELECT count(*) FROM meter_command"), 3);
    assert_int_equal(number(f.db, "SELECT count(*) FROM audit WHERE action = 'batch.retry'"), 1);
    close_site(&f);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(select_dedupes_and_checks),
        cmocka_unit_test(retry_rule),
        cmocka_unit_test(due_time_and_cancel),
        cmocka_unit_test(one_retry_per_attempt),
    };
    return ktest_run("bo_batch", tests, sizeof tests / sizeof tests[0], argc, argv);
}
