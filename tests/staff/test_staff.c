/* Staff sign-in on a real ledger (provisioning/staff.h): PINs hashed with
 * Argon2id and never stored, the lockout after five wrong PINs and its
 * expiry on a test clock, disabled and unknown operators, permissions, and
 * an audit row for every attempt; at the touchscreen's entry the PIN alone
 * says who signs in, no two operators share one, and wrong codes lock the
 * entry (across a restart) until the lock runs out. */
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

/* The row count of action on the service entry with reason. */
static int64_t entry_rows(const char *action, const char *reason)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(ledger->db,
                                        "SELECT count(*) FROM audit WHERE action = ? AND target = ? AND reason = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, STAFF_ENTRY, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Adds operator name to group admins (made if missing) with pin, through
 * the check a new PIN passes. */
static kerr_t add_operator(const char *name, const char *pin, kmsg_t *msg)
{
    char hash[STAFF_HASH_LEN];
    kerr_t rc = ledger_group_put(ledger, "admins", "all", "test", msg);
    if (rc == K_OK)
        rc = staff_pin_new(ledger, name, pin, hash, msg);
    return rc ? rc : ledger_operator_put(ledger, name, "admins", hash, "test", msg);
}

/* At the touchscreen the PIN alone says who signs in. */
static void the_pin_names_the_operator(void **state)
{
    (void)state;
    staff_session_t s;
    kmsg_t msg = {""};
    int64_t until = -1;
    assert_int_equal(add_operator("alice", "2468", &msg), K_OK);
    assert_int_equal(staff_login_code(ledger, &test_clock, "482916", &s, &until, &msg), K_OK);
    assert_string_equal(s.name, "bob");
    assert_string_equal(s.actor, "operator:bob");
    assert_int_equal(staff_require(&s, PERM_VOID, &msg), K_EDENIED);
    assert_int_equal(staff_login_code(ledger, &test_clock, "2468", &s, &until, &msg), K_OK);
    assert_string_equal(s.name, "alice");
    assert_int_equal(staff_require(&s, PERM_VOID, &msg), K_OK);
    assert_int_equal(audit_rows("login"), 2);
    assert_int_equal(staff_login_code(ledger, &test_clock, "1357", &s, &until, &msg), K_EDENIED);
    assert_int_equal(until, 0);
    assert_null(strstr(msg.text, "alice"));
    assert_null(strstr(msg.text, "bob"));
    assert_int_equal(entry_rows("login_refused", STAFF_WRONG_CODE), 1);
    /* a disabled operator's PIN signs no one in */
    assert_int_equal(ledger_operator_active(ledger, "alice", false, "test", &msg), K_OK);
    assert_int_equal(staff_login_code(ledger, &test_clock, "2468", &s, &until, &msg), K_EDENIED);
    assert_int_equal(entry_rows("login_refused", STAFF_WRONG_CODE), 2);
}

/* Two active operators may not share a PIN: a new one that another has is
 * refused without saying whose; one's own PIN may be set again. A shared
 * PIN that came in some other way (an operator enabled again, the back
 * office's document) signs neither in. */
static void a_shared_pin_is_refused(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    assert_int_equal(add_operator("carol", "482916", &msg), K_ECONFLICT);
    assert_non_null(strstr(msg.text, "another operator has this PIN"));
    assert_null(strstr(msg.text, "bob"));
    bool found = true;
    ledger_operator_t o;
    assert_int_equal(ledger_operator_get(ledger, "carol", &o, &found, NULL), K_OK);
    assert_false(found);
    assert_int_equal(add_operator("carol", "4829", &msg), K_OK);
    assert_int_equal(add_operator("bob", "482916", &msg), K_OK); /* his own */
    assert_int_equal(add_operator("carol", "123", &msg), K_EINVAL);
    char hash[STAFF_HASH_LEN];
    staff_session_t s;
    int64_t until;
    assert_int_equal(staff_pin_hash("4829", hash, &msg), K_OK);
    assert_int_equal(ledger_operator_put(ledger, "dan", "admins", hash, "test", &msg), K_OK);
    assert_int_equal(staff_login_code(ledger, &test_clock, "4829", &s, &until, &msg), K_EDENIED);
    assert_non_null(strstr(msg.text, "shared code"));
    assert_int_equal(entry_rows("login_refused", "shared code"), 1);
}

static void reopen(void)
{
    char path[600];
    kmsg_t msg = {""};
    ledger_close(ledger);
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    assert_int_equal(ledger_open(path, LEDGER_EXISTING, &test_clock, &ledger, &msg), K_OK);
}

/* Five wrong codes within ten minutes lock the entry for ten minutes after
 * the last: even the right PIN is then refused, after a restart too (the
 * audit log is the record); then it opens. Wrong codes further apart do
 * not lock it. */
static void the_entry_locks_after_wrong_codes(void **state)
{
    (void)state;
    staff_session_t s;
    kmsg_t msg = {""};
    int64_t until = 0;
    for (int i = 1; i < PERM_MAX_FAILURES; i++) { /* four, far apart */
        assert_int_equal(staff_login_code(ledger, &test_clock, "0000", &s, &until, &msg), K_EDENIED);
        assert_int_equal(until, 0);
        test_now_ms += PERM_ENTRY_WINDOW_MS / 2;
    }
    assert_int_equal(staff_login_code(ledger, &test_clock, "0000", &s, &until, &msg), K_EDENIED);
    assert_int_equal(until, 0); /* the oldest of the five is over ten minutes ago */
    test_now_ms += PERM_ENTRY_WINDOW_MS;
    for (int i = 1; i <= PERM_MAX_FAILURES; i++) { /* five, a second apart: the fifth locks */
        test_now_ms += 1000;
        assert_int_equal(staff_login_code(ledger, &test_clock, "1111", &s, &until, &msg), K_EDENIED);
        assert_true(i == PERM_MAX_FAILURES ? until != 0 : until == 0);
    }
    int64_t last = test_now_ms;
    assert_int_equal(until, last + PERM_ENTRY_LOCK_MS);
    assert_non_null(strstr(msg.text, "the entry is locked"));
    reopen();
    test_now_ms += 60000;
    assert_int_equal(staff_entry_locked(ledger, &test_clock, &until, &msg), K_OK);
    assert_int_equal(until, last + PERM_ENTRY_LOCK_MS);
    assert_int_equal(staff_login_code(ledger, &test_clock, "482916", &s, &until, &msg), K_EDENIED);
    assert_int_equal(until, last + PERM_ENTRY_LOCK_MS);
    assert_int_equal(entry_rows("login_refused", "entry locked"), 1);
    assert_int_equal(entry_rows("login_refused", STAFF_WRONG_CODE), 2 * PERM_MAX_FAILURES);
    assert_int_equal(audit_rows("login"), 0);
    test_now_ms = last + PERM_ENTRY_LOCK_MS;
    assert_int_equal(staff_entry_locked(ledger, &test_clock, &until, &msg), K_OK);
    assert_int_equal(until, 0);
    assert_int_equal(staff_login_code(ledger, &test_clock, "482916", &s, &until, &msg), K_OK);
    assert_string_equal(s.name, "bob");
    /* one more wrong code after the lock is the first of a new count */
    assert_int_equal(staff_login_code(ledger, &test_clock, "0000", &s, &until, &msg), K_EDENIED);
    assert_int_equal(until, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(the_pin_names_the_operator, setup, teardown),
    cmocka_unit_test_setup_teardown(a_shared_pin_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(the_entry_locks_after_wrong_codes, setup, teardown),
    cmocka_unit_test_setup_teardown(pins_are_hashed, setup, teardown),
    cmocka_unit_test_setup_teardown(login_gives_the_groups_permissions, setup, teardown),
    cmocka_unit_test_setup_teardown(lockout_and_its_expiry, setup, teardown),
    cmocka_unit_test_setup_teardown(unknown_and_disabled_operators, setup, teardown),
};

KTEST_MAIN(tests)
