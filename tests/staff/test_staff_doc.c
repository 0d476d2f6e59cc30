/* The back office's `staff` document applied to a real ledger (docs/
 * staff.md, "Central operators"): central groups and operators upserted,
 * a central operator winning over a local one of the same name, central
 * operators dropped from the document disabled, local ones kept, lockout
 * counts kept, a bad document refused whole; and every audit row also in
 * the outbox (topic audit). */
#include <sodium.h>

#include "ktest.h"
#include "support/support.h"

#include "ledger/ledger_int.h"
#include "provisioning/staff.h"

static char dir[512];
static ledger_t *ledger;
static char hash_1111[STAFF_HASH_LEN], hash_2222[STAFF_HASH_LEN], hash_3333[STAFF_HASH_LEN];

static int setup(void **state)
{
    (void)state;
    char path[600];
    kmsg_t msg = {""};
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    test_now_ms = 1795000000000;
    if (ledger_open(path, LEDGER_CREATE, &test_clock, &ledger, &msg) != K_OK)
        return -1;
    if (staff_pin_hash("1111", hash_1111, &msg) || staff_pin_hash("2222", hash_2222, &msg) ||
        staff_pin_hash("3333", hash_3333, &msg))
        return -1;
    /* first setup at the kiosk: a local group and two local operators */
    if (ledger_group_put(ledger, "admins", "all", "staff:root", &msg) ||
        ledger_operator_put(ledger, "root", "admins", hash_1111, "staff:root", &msg) ||
        ledger_operator_put(ledger, "carol", "admins", hash_1111, "staff:root", &msg))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ledger_close(ledger);
    tmpdir_remove(dir);
    return 0;
}

/* A staff document body: carol (PIN h1, disabled d1) and, if h2, dan. */
static kerr_t put(int64_t version, const char *h1, int d1, const char *h2, kmsg_t *msg)
{
    char body[2048], dan[512] = "";
    if (h2)
        snprintf(dan, sizeof dan, ",{\"name\":\"dan\",\"group\":\"collectors\",\"pin_hash\":\"%s\","
                 "\"disabled\":0}",
                 h2);
    snprintf(body, sizeof body,
             "{\"groups\":[{\"name\":\"collectors\",\"perms\":\"collect_cash,reprint\"}],\"operators\":["
             "{\"name\":\"carol\",\"group\":\"collectors\",\"pin_hash\":\"%s\",\"disabled\":%d}%s]}",
             h1, d1, dan);
    return ledger_doc_put(ledger, "staff", version, "", body, "{}", msg);
}

static kerr_t login(const char *name, const char *pin, kmsg_t *msg)
{
    staff_session_t s;
    return staff_login(ledger, &test_clock, name, pin, &s, msg);
}

static const char *origin_of(const char *name, char out[16])
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(ledger->db, "SELECT origin FROM operator WHERE name = ?", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static void central_wins_local_stays(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    char origin[16];
    assert_int_equal(put(2, hash_2222, 0, hash_3333, &msg), K_OK);
    /* carol is central now: the document's PIN and group */
    assert_int_equal(login("carol", "1111", &msg), K_EDENIED);
    assert_int_equal(login("carol", "2222", &msg), K_OK);
    assert_string_equal(origin_of("carol", origin), "central");
    ledger_operator_t o;
    bool found;
    assert_int_equal(ledger_operator_get(ledger, "carol", &o, &found, &msg), K_OK);
    assert_string_equal(o.group, "collectors");
    assert_string_equal(o.perms, "collect_cash,reprint");
    assert_int_equal(login("dan", "3333", &msg), K_OK);
    /* root, made here, stays */
    assert_int_equal(login("root", "1111", &msg), K_OK);
    assert_string_equal(origin_of("root", origin), "local");
    /* a local change to a central operator or group is refused */
    assert_int_equal(ledger_operator_put(ledger, "carol", "admins", hash_1111, "operator:root", &msg), K_ECONFLICT);
    assert_non_null(strstr(msg.text, "managed by the back office"));
    assert_int_equal(ledger_group_put(ledger, "collectors", "all", "operator:root", &msg), K_ECONFLICT);
    assert_int_equal(login("carol", "2222", &msg), K_OK);
}

static void removed_and_disabled(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    assert_int_equal(put(2, hash_2222, 0, hash_3333, &msg), K_OK);
    /* dan leaves the document, carol is disabled there */
    assert_int_equal(put(3, hash_2222, 1, NULL, &msg), K_OK);
    assert_int_equal(login("dan", "3333", &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "disabled"));
    assert_int_equal(login("carol", "2222", &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "disabled"));
    assert_int_equal(login("root", "1111", &msg), K_OK);
    /* carol enabled again */
    assert_int_equal(put(4, hash_2222, 0, NULL, &msg), K_OK);
    assert_int_equal(login("carol", "2222", &msg), K_OK);
}

static void lockout_stays_local(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    assert_int_equal(put(2, hash_2222, 0, hash_3333, &msg), K_OK);
    for (int i = 0; i < PERM_MAX_FAILURES; i++)
        assert_int_equal(login("dan", "0000", &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "locked out"));
    /* the next document with the same PIN keeps the lock */
    assert_int_equal(put(3, hash_1111, 0, hash_3333, &msg), K_OK);
    assert_int_equal(login("dan", "3333", &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "try again"));
    /* a new PIN from the back office lifts it, as a new PIN does here */
    assert_int_equal(put(4, hash_1111, 0, hash_2222, &msg), K_OK);
    assert_int_equal(login("dan", "2222", &msg), K_OK);
}

static void bad_document_refused_whole(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    assert_int_equal(put(2, "plaintext-pin", 0, hash_3333, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "operators[0]"));
    assert_int_equal(login("dan", "3333", &msg), K_EDENIED); /* nothing of it was applied */
    assert_int_equal(login("carol", "1111", &msg), K_OK);
    const char *body = "{\"groups\":[{\"name\":\"g\",\"perms\":\"fly\"}],\"operators\":[]}";
    assert_int_equal(ledger_doc_put(ledger, "staff", 2, "", body, "{}", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "'fly'"));
    bool found = true;
    ledger_doc_t d;
    assert_int_equal(ledger_doc_get(ledger, "staff", &d, &found, &msg), K_OK);
    assert_false(found);
}

/* Every audit row is also an outbox row of topic audit, with its id. */
static void audit_rows_in_outbox(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    assert_int_equal(ledger_audit(ledger, "operator:root", "cash_collect", "cash box", "end of shift", "{}", &msg),
                     K_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(ledger->db,
                                        "SELECT (SELECT count(*) FROM audit), (SELECT count(*) FROM outbox WHERE "
                                        "topic = 'audit'), (SELECT json_extract(payload, '$.actor') || ' ' || "
                                        "json_extract(payload, '$.action') || ' ' || json_extract(payload, '$.id') "
                                        "FROM outbox WHERE topic = 'audit' ORDER BY seq DESC LIMIT 1), "
                                        "(SELECT max(id) FROM audit)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_int(st, 0) >= 4);
    assert_int_equal(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
    char want[64];
    snprintf(want, sizeof want, "operator:root cash_collect %d", sqlite3_column_int(st, 3));
    assert_string_equal((const char *)sqlite3_column_text(st, 2), want);
    sqlite3_finalize(st);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(central_wins_local_stays, setup, teardown),
    cmocka_unit_test_setup_teardown(removed_and_disabled, setup, teardown),
    cmocka_unit_test_setup_teardown(lockout_stays_local, setup, teardown),
    cmocka_unit_test_setup_teardown(bad_document_refused_whole, setup, teardown),
    cmocka_unit_test_setup_teardown(audit_rows_in_outbox, setup, teardown),
};

KTEST_MAIN(tests)
