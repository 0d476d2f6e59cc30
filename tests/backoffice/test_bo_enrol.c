/* Enrolment codes in the back office: the verdict table, the stored form
 * of a code, and issuing codes on a real (in-memory) database. */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/bo_testdb.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "backoffice/domain/bo_enrol.h"
#include "ktest.h"
#include "sync/sync_code.h"

#define DAY 86400000LL

static void verdict_table(void **state)
{
    (void)state;
    int64_t now = 1000 * DAY, later = now + DAY, earlier = now - 1;
    assert_int_equal(bo_enrol_code_verdict(true, later, false, now), BO_CODE_OK);
    assert_int_equal(bo_enrol_code_verdict(true, now, false, now), BO_CODE_EXPIRED); /* expiry is exclusive */
    assert_int_equal(bo_enrol_code_verdict(true, earlier, false, now), BO_CODE_EXPIRED);
    assert_int_equal(bo_enrol_code_verdict(true, later, true, now), BO_CODE_USED);
    assert_int_equal(bo_enrol_code_verdict(true, earlier, true, now), BO_CODE_USED);
    assert_int_equal(bo_enrol_code_verdict(false, later, false, now), BO_CODE_UNKNOWN);
    assert_int_equal(bo_enrol_code_verdict(false, earlier, true, now), BO_CODE_UNKNOWN);
}

static void code_as_typed(void **state)
{
    (void)state;
    char a[65], b[65], c[65];
    assert_true(bo_enrol_code_hash("ABCD-EFGH-JKLM-NP23", a));
    assert_true(bo_enrol_code_hash("abcd efgh jklm np23", b));
    assert_true(bo_enrol_code_hash("ABCDEFGHJKLMNP23", c));
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_int_equal(strlen(a), 64);
    assert_null(strstr(a, "ABCD"));
    assert_false(bo_enrol_code_hash("ABCD-EFGH-JKLM-NP2", a));    /* 15 characters */
    assert_false(bo_enrol_code_hash("ABCD-EFGH-JKLM-NP234", a));  /* 17 */
    assert_false(bo_enrol_code_hash("ABCD-EFGH-JKLM-NP01", a));   /* 0 and 1 are not base32 */
    assert_false(bo_enrol_code_hash(NULL, a));
}

static void kiosk_code_groups(void **state)
{
    (void)state;
    const uint8_t zero[SYNC_CODE_BYTES] = {0}, ones[SYNC_CODE_BYTES] = {0xff, 0xff, 0xff, 0xff, 0xff,
                                                                          0xff, 0xff, 0xff, 0xff, 0xff};
    char out[SYNC_CODE_LEN];
    sync_code_format(zero, out);
    assert_string_equal(out, "AAAA-AAAA-AAAA-AAAA");
    sync_code_format(ones, out);
    assert_string_equal(out, "7777-7777-7777-7777");
    const uint8_t f[SYNC_CODE_BYTES] = {'f', 'o', 'o', 'b', 'a', 'r'}; /* RFC 4648: "foobar" is MZXW6YTBOI */
    sync_code_format(f, out);
    assert_string_equal(out, "MZXW-6YTB-OIAA-AAAA");
    uint8_t spki[3] = {1, 2, 3}, pk[32] = {0};
    char k1[SYNC_CODE_LEN], k2[SYNC_CODE_LEN];
    sync_kiosk_code(spki, sizeof spki, pk, k1);
    pk[31] = 1;
    sync_kiosk_code(spki, sizeof spki, pk, k2);
    assert_string_not_equal(k1, k2); /* either key changes the code */
}

static int64_t count(bo_db_t *db, const char *sql)
{
    int64_t n = -1;
    kmsg_t msg;
    assert_int_equal(bo_db_int(db, sql, NULL, &n, &msg), K_OK);
    return n;
}

static void issue_on_database(void **state)
{
    (void)state;
    bo_db_t *db;
    bo_store_t st;
    kmsg_t msg;
    char code[SYNC_CODE_LEN], again[SYNC_CODE_LEN], hex[65];
    char database[512];
    assert_true(bo_testdb_make(NULL, NULL, database, sizeof database));
    assert_int_equal(bo_db_open(database, &db, &msg), K_OK);
    bo_sqlite_adopt(db, &st);
    assert_int_equal(bo_db_exec(db, "INSERT INTO site VALUES ('S1', 'x');"
                                    "INSERT INTO kiosk(id, site, created_at) VALUES ('K1', 'S1', 0), ('K2', 'S1', 0);"
                                    "UPDATE kiosk SET state = 'blocked' WHERE id = 'K2'",
                                "setting up", &msg),
                     K_OK);
    assert_int_equal(bo_enrol_code_issue(&st, "K1", 5 * DAY, 7, code, &msg), K_OK);
    assert_true(bo_enrol_code_hash(code, hex));
    assert_int_equal(count(db, "SELECT state = 'enrolling' FROM kiosk WHERE id = 'K1'"), 1);
    assert_int_equal(count(db, "SELECT expires_at FROM enrol_code"), 12 * DAY);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM enrol_code WHERE code_hash = '%s'", hex);
    assert_int_equal(count(db, sql), 1);
    /* a fresh code replaces the unused one; a used one stays (a replay says "used") */
    assert_int_equal(bo_enrol_code_issue(&st, "K1", 6 * DAY, 7, again, &msg), K_OK);
    assert_string_not_equal(code, again);
    assert_int_equal(count(db, sql), 0);
    assert_int_equal(bo_db_exec(db, "UPDATE enrol_code SET used_at = 1", "using", &msg), K_OK);
    assert_int_equal(bo_enrol_code_issue(&st, "K1", 7 * DAY, 7, code, &msg), K_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM enrol_code WHERE kiosk = 'K1'"), 2);
    assert_int_equal(bo_enrol_code_issue(&st, "K2", 0, 7, code, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "blocked"));
    assert_int_equal(bo_enrol_code_issue(&st, "K9", 0, 7, code, &msg), K_ENOTFOUND);
    bo_db_close(db);
    bo_testdb_drop(database);
}

/* A certificate request for CN K1 with a new EC key on curve, as PEM (freed
 * by the caller). */
static char *request_on(gnutls_ecc_curve_t curve)
{
    gnutls_x509_privkey_t key;
    gnutls_x509_crq_t crq;
    gnutls_datum_t pem = {NULL, 0};
    assert_int_equal(gnutls_x509_privkey_init(&key), 0);
    assert_int_equal(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(curve), 0), 0);
    assert_int_equal(gnutls_x509_crq_init(&crq), 0);
    assert_int_equal(gnutls_x509_crq_set_dn_by_oid(crq, GNUTLS_OID_X520_COMMON_NAME, 0, "K1", 2), 0);
    assert_int_equal(gnutls_x509_crq_set_key(crq, key), 0);
    assert_int_equal(gnutls_x509_crq_sign2(crq, key, GNUTLS_DIG_SHA256, 0), 0);
    assert_int_equal(gnutls_x509_crq_export2(crq, GNUTLS_X509_FMT_PEM, &pem), 0);
    char *out = strndup((const char *)pem.data, pem.size);
    gnutls_free(pem.data);
    gnutls_x509_crq_deinit(crq);
    gnutls_x509_privkey_deinit(key);
    return out;
}

/* Only P-256 keys are signed (the kiosk makes P-256; anything else is not
 * a kiosk of ours). The CA files do not exist: a request that gets as far
 * as the CA fails there instead. */
static void only_p256_requests(void **state)
{
    (void)state;
    bo_kiosk_cert_t cert;
    kmsg_t msg = {""};
    char *p384 = request_on(GNUTLS_ECC_CURVE_SECP384R1), *p256 = request_on(GNUTLS_ECC_CURVE_SECP256R1);
    assert_int_equal(bo_enrol_sign("/nonexistent/ca.pem", "/nonexistent/ca.key", p384, "K1", 0, 1, &cert, &msg),
                     K_EINVAL);
    assert_non_null(strstr(msg.text, "P-256"));
    assert_int_not_equal(bo_enrol_sign("/nonexistent/ca.pem", "/nonexistent/ca.key", p256, "K1", 0, 1, &cert, &msg),
                         K_OK);
    assert_null(strstr(msg.text, "P-256"));
    bo_kiosk_cert_free(&cert);
    free(p384);
    free(p256);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(only_p256_requests),
    cmocka_unit_test(verdict_table),
    cmocka_unit_test(code_as_typed),
    cmocka_unit_test(kiosk_code_groups),
    cmocka_unit_test(issue_on_database),
};

KTEST_MAIN(tests)
