/* Staff sign-in on a real ledger (provisioning/staff.h): PINs hashed with
 * Argon2id and never stored, the lockout after five wrong PINs and its
 * expiry on a test clock, disabled and unknown operators, permissions, and
 * an audit row for every attempt. */
#include <sodium.h>

#include "ktest.h"
#include "support/support.h"

#include "ledger/ledger_int.h"
#include "provisioning/staff.h"

static char dir[512];
static ledger_t *ledger;

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
    char hash[STAFF_HASH_LEN];
    if (ledger_group_put(ledger, "collectors", "collect_cash,reprint", "test", &msg) ||
        staff_pin_hash("482916", hash, &msg) || ledger_operator_put(ledger, "bob", "collectors", hash, "test", &msg))
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

static int64_t audit_rows(const char *action)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(ledger->db, "SELECT count(*) FROM audit WHERE action = ?", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void pins_are_hashed(void **state)
{
    (void)state;
    ledger_operator_t o;
    bool found;
    assert_int_equal(ledger_operator_get(ledger, "bob", &o, &found, NULL), K_OK);
    assert_true(found);
    assert_null(strstr(o.pin_hash, "482916"));
    assert_int_equal(strncmp(o.pin_hash, "$argon2id$", 10), 0);
    assert_int_equal(crypto_pwhash_str_verify(o.pin_hash, "482916", 6), 0);
    char hash[STAFF_HASH_LEN];
    kmsg_t msg = {""};
    assert_int_equal(staff_pin_hash("12a4", hash, &msg), K_EINVAL);
    assert_int_equal(staff_pin_hash("123", hash, &msg), K_EINVAL);
    assert_int_equal(staff_pin_hash("1234567890123", hash, &msg), K_EINVAL);
}

static void login_gives_the_groups_permissions(void **state)
{
    (void)state;
    staff_session_t s;
    kmsg_t msg = {""};
    assert_int_equal(staff_login(ledger, &test_clock, "bob", "482916", &s, &msg), K_OK);
    assert_string_equal(s.actor, "operator:bob");
    assert_int_equal(staff_require(&s, PERM_COLLECT_CASH, &msg), K_OK);
    assert_int_equal(staff_require(&s, PERM_REPRINT, &msg), K_OK);
    assert_int_equal(staff_require(&s, PERM_VOID, &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "needs the permission void"));
    assert_int_equal(audit_rows("login"), 1);
}

/* Five wrong PINs lock bob out for 30 minutes, even the right PIN is then
 * refused; after 30 minutes the right PIN works again. */
static void lockout_and_its_expiry(void **state)
{
    (void)state;
    staff_session_t s;
    kmsg_t msg = {""};
    for (int i = 1; i <= PERM_MAX_FAILURES; i++) {
        assert_int_equal(staff_login(ledger, &test_clock, "bob", "000000", &s, &msg), K_EDENIED);
        test_now_ms += 1000;
    }
    assert_non_null(strstr(msg.text, "locked out for 30 minutes"));
    assert_int_equal(audit_rows("login_failed"), PERM_MAX_FAILURES - 1);
    assert_int_equal(audit_rows("locked_out"), 1);
    assert_int_equal(staff_login(ledger, &test_clock, "bob", "482916", &s, &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "try again in"));
    test_now_ms += PERM_LOCK_MS;
    assert_int_equal(staff_login(ledger, &test_clock, "bob", "482916", &s, &msg), K_OK);
    ledger_operator_t o;
    bool found;
    assert_int_equal(ledger_operator_get(ledger, "bob", &o, &found, NULL), K_OK);
    assert_int_equal(o.failures, 0);
    assert_int_equal(o.locked_until, 0);
}

static void unknown_and_disabled_operators(void **state)
{
    (void)state;
    staff_session_t s;
    kmsg_t msg = {""};
    assert_int_equal(staff_login(ledger, &test_clock, "eve", "482916", &s, &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "does not exist"));
    assert_int_equal(ledger_operator_active(ledger, "bob", false, "test", &msg), K_OK);
    assert_int_equal(staff_login(ledger, &test_clock, "bob", "482916", &s, &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "disabled"));
    assert_int_equal(audit_rows("login_refused"), 2);
    assert_int_equal(ledger_operator_active(ledger, "nobody", true, "test", &msg), K_ENOTFOUND);
    char hash[STAFF_HASH_LEN];
    assert_int_equal(staff_pin_hash("1234", hash, &msg), K_OK);
    assert_int_equal(ledger_operator_put(ledger, "carol", "no-such-group", hash, "test", &msg), K_ENOTFOUND);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(pins_are_hashed, setup, teardown),
    cmocka_unit_test_setup_teardown(login_gives_the_groups_permissions, setup, teardown),
    cmocka_unit_test_setup_teardown(lockout_and_its_expiry, setup, teardown),
    cmocka_unit_test_setup_teardown(unknown_and_disabled_operators, setup, teardown),
};

KTEST_MAIN(tests)
