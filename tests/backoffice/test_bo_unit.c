/* The back office's pure parts: exact JSON integers, times, the QR order
 * table, signing against sync_doc_verify without a server, and the
 * [server] limits' settings. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/base/bo_config.h"
#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_qr_state.h"
#include "backoffice/domain/bo_sign.h"
#include "ktest.h"
#include "support/support.h"
#include "sync/sync_doc.h"

static kerr_t int_of(const char *json, int64_t min, int64_t max, int64_t *v)
{
    cJSON *o = cJSON_Parse(json);
    kmsg_t msg;
    kerr_t rc = bo_json_int(o, "n", min, max, v, &msg);
    cJSON_Delete(o);
    return rc;
}

static void json_int_exact(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(int_of("{\"n\":9007199254740992}", 0, INT64_MAX, &v), K_OK);
    assert_true(v == 9007199254740992LL);
    assert_int_equal(int_of("{\"n\":9007199254740994}", 0, INT64_MAX, &v), K_EINVAL);
    assert_int_equal(int_of("{\"n\":1.5}", 0, 10, &v), K_EINVAL);
    assert_int_equal(int_of("{\"n\":\"5\"}", 0, 10, &v), K_EINVAL);
    assert_int_equal(int_of("{\"n\":-1}", 0, 10, &v), K_EINVAL);
    assert_int_equal(int_of("{\"n\":1e3}", 0, 1000, &v), K_OK);
    assert_int_equal(v, 1000);
    assert_int_equal(int_of("{}", 0, 10, &v), K_EINVAL);
}

static void time_parse(void **state)
{
    (void)state;
    int64_t ms;
    assert_true(bo_time_parse("1970-01-01T00:00:01.250Z", &ms));
    assert_int_equal(ms, 1250);
    assert_true(bo_time_parse("2026-11-21T09:30:00Z", &ms));
    assert_int_equal(ms % 1000, 0);
    assert_false(bo_time_parse("2026-11-21T09:30:00.25Z", &ms));
    assert_false(bo_time_parse("2026-02-30T09:30:00.000Z", &ms));
    assert_false(bo_time_parse("yesterday", &ms));
    assert_true(bo_id_valid("K1", 64));
    assert_false(bo_id_valid("K1/../x", 64));
    assert_false(bo_id_valid("", 64));
}

static void qr_state_table(void **state)
{
    (void)state;
    static const char *const rows[][4] = {
        /* from, pay, cancel, expire ("" refused) */
        {"pending", "paid", "cancelled", "expired"}, {"paid", "paid", "", "paid"},
        {"expired", "paid_late", "expired", "expired"}, {"cancelled", "paid_late", "cancelled", "cancelled"},
        {"paid_late", "paid_late", "", "paid_late"},
    };
    static const char *const events[] = {"pay", "cancel", "expire"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (int e = 0; e < 3; e++) {
            const char *to = NULL;
            bool notify = false;
            bool ok = bo_qr_next(rows[i][0], events[e], &to, &notify);
            assert_int_equal(ok, rows[i][e + 1][0] != '\0');
            if (ok)
                assert_string_equal(to, rows[i][e + 1]);
            assert_int_equal(notify, ok && strcmp(to, "paid_late") == 0 && strcmp(rows[i][0], "paid_late") != 0);
        }
    assert_true(bo_qr_is_paid("paid_late"));
    assert_false(bo_qr_is_paid("cancelled"));
}

/* The database holds hashes of staff PINs and enrolment codes: it is made
 * mode 0600 whatever the umask, and so are SQLite's -wal and -shm. */
static void database_is_private(void **state)
{
    (void)state;
    char dir[256], path[300];
    assert_true(tmpdir_make(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/bo.db", dir);
    mode_t old = umask(0);
    bo_db_t *db = NULL;
    kmsg_t msg = {""};
    kerr_t rc = bo_db_open(path, &db, &msg);
    umask(old);
    assert_int_equal(rc, K_OK);
    const char *const sides[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char f[320];
        struct stat sb;
        snprintf(f, sizeof f, "%s%s", path, sides[i]);
        assert_int_equal(stat(f, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
    }
    bo_db_close(db);
    tmpdir_remove(dir);
}

static void sign_and_verify(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    bo_key_t key;
    crypto_sign_keypair(key.pk, key.sk);
    cJSON *body = cJSON_Parse("{\"settings\":{\"offline_total\":5000}}");
    char *env = NULL;
    kmsg_t msg;
    assert_int_equal(bo_sign_document(&key, "settings", "K7", 4, 0, body, &env, &msg), K_OK);
    sync_doc_t d;
    assert_int_equal(sync_doc_verify(key.pk, env, strlen(env), "settings", "K7", 3, &d, &msg), K_OK);
    assert_int_equal(d.version, 4);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d.body, "settings"), "offline_total")->valueint, 5000);
    sync_doc_free(&d);
    assert_int_equal(sync_doc_verify(key.pk, env, strlen(env), "settings", "K8", 3, &d, &msg), K_EINVAL);
    assert_int_equal(sync_doc_verify(key.pk, env, strlen(env), "settings", "K7", 5, &d, &msg), K_ESTATE);
    uint8_t other[32];
    memcpy(other, key.pk, sizeof other);
    other[0] ^= 1;
    assert_int_not_equal(sync_doc_verify(other, env, strlen(env), "settings", "K7", 0, &d, &msg), K_OK);
    assert_int_equal(sync_doc_verify(key.pk, "{]", 2, "settings", "K7", 0, &d, &msg), K_EINVAL);
    free(env);
    cJSON_Delete(body);
}

/* The limits have defaults, take whole numbers in a range the error states,
 * and are checked against each other. */
static void config_server_limits(void **state)
{
    (void)state;
    bo_config_t c;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_config_load(NULL, &c, &msg), K_OK);
    assert_true(c.max_conns == 512 && c.max_conns_addr == 32 && c.conn_timeout_s == 30 && c.threads == 4);
    assert_true(c.max_body == 4 << 20 && c.upload_memory == 64 << 20);
    assert_int_equal(bo_config_check(&c, &msg), K_OK);
    assert_int_equal(bo_config_set(&c, "server.connection_timeout_seconds=5", &msg), K_OK);
    assert_true(c.conn_timeout_s == 5);
    assert_int_equal(bo_config_set(&c, "server.max_connections=0", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "[server] max_connections = '0' must be a whole number from 1 to 100000"));
    assert_int_equal(bo_config_set(&c, "server.max_body_bytes=4MiB", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "max_body_bytes"));
    assert_int_equal(bo_config_set(&c, "server.max_connections=10", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "max_connections_per_address = 32 is more than max_connections = 10"));
    assert_int_equal(bo_config_set(&c, "server.max_connections_per_address=10", &msg), K_OK);
    assert_int_equal(bo_config_set(&c, "server.upload_memory_bytes=1048576", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "upload_memory_bytes = 1048576 is less than max_body_bytes = 4194304"));
    assert_int_equal(bo_config_set(&c, "server.max_body_bytes=1048576", &msg), K_OK);
    assert_int_equal(bo_config_set(&c, "server.threads=11", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "threads = 11 is more than max_connections = 10"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(json_int_exact),
    cmocka_unit_test(config_server_limits),
    cmocka_unit_test(time_parse),
    cmocka_unit_test(qr_state_table),
    cmocka_unit_test(sign_and_verify),
    cmocka_unit_test(database_is_private),
};

KTEST_MAIN(tests)
