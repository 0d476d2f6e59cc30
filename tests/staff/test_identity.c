/* The kiosk's own identity (provisioning/identity.h) in a temporary
 * folder: keys made once with the right modes, the code stable and derived
 * from both keys, the certificate request for the kiosk's id, signing with
 * the upload key, a certificate refused unless it is for the kiosk's key,
 * and erasing. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "support/support.h"

#include "provisioning/identity.h"
#include "sync/sync_doc.h"

static char dir[512], id_dir[600];

static int setup(void **state)
{
    (void)state;
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    snprintf(id_dir, sizeof id_dir, "%s/identity", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove(dir);
    return 0;
}

static unsigned mode_of(const char *name)
{
    char p[700];
    struct stat st;
    snprintf(p, sizeof p, "%s%s%s", id_dir, name[0] ? "/" : "", name);
    return stat(p, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0;
}

static void keys_made_once(void **state)
{
    (void)state;
    identity_t a, b;
    kmsg_t msg;
    assert_int_equal(identity_load(id_dir, &a, &msg), K_OK);
    assert_false(a.has_keys);
    assert_string_equal(identity_code_text(&a), "");
    assert_int_equal(identity_ensure_keys(id_dir, &a, &msg), K_OK);
    assert_true(a.has_keys);
    assert_false(a.enrolled);
    assert_int_equal(mode_of(""), 0700);
    assert_int_equal(mode_of("tls.key"), 0600);
    assert_int_equal(mode_of("upload.key"), 0600);
    char sk[4096];
    char *key = file_read(id_dir, "tls.key");
    assert_non_null(strstr(key, "PRIVATE KEY"));
    snprintf(sk, sizeof sk, "%s", key);
    free(key);
    assert_int_equal(identity_ensure_keys(id_dir, &b, &msg), K_OK); /* existing keys are kept */
    assert_string_equal(a.code, b.code);
    key = file_read(id_dir, "tls.key");
    assert_string_equal(key, sk);
    free(key);
    assert_int_equal(strlen(identity_code_text(&a)), SYNC_CODE_LEN - 1);
    /* a new upload key is a new code */
    char p[700];
    snprintf(p, sizeof p, "%s/upload.key", id_dir);
    unlink(p);
    assert_int_equal(identity_ensure_keys(id_dir, &b, &msg), K_OK);
    assert_string_not_equal(a.code, b.code);
}

static void csr_and_signature(void **state)
{
    (void)state;
    identity_t id;
    kmsg_t msg;
    char *pem = NULL;
    assert_int_equal(identity_ensure_keys(id_dir, &id, &msg), K_OK);
    assert_int_equal(identity_csr(&id, "K1", &pem, &msg), K_OK);
    assert_non_null(strstr(pem, "BEGIN CERTIFICATE REQUEST"));
    free(pem);
    assert_int_equal(mode_of("tls.csr"), 0600);
    uint8_t sig[64], pk[SYNC_PUBKEY_BYTES];
    const char text[] = "outbox row 41";
    assert_int_equal(identity_sign(&id, text, strlen(text), sig, &msg), K_OK);
    assert_int_equal(sync_pubkey_parse(id.upload_key, pk, &msg), K_OK);
    assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text, strlen(text), pk), 0);
    sig[0] ^= 1;
    assert_int_not_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text, strlen(text), pk), 0);
}

static void foreign_certificate_refused(void **state)
{
    (void)state;
    identity_t id;
    kmsg_t msg;
    assert_int_equal(identity_ensure_keys(id_dir, &id, &msg), K_OK);
    /* a certificate of another key: nothing is stored */
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s/o.key -out %s/o.pem "
             "-days 1 -subj /CN=K1 2>/dev/null",
             dir, dir);
    assert_int_equal(system(cmd), 0);
    char *cert = file_read(dir, "o.pem");
    identity_enrolment_t e = {"K1", "S1", "https://bo", cert, cert, "ijgdoXdp2b0HGXe7vCtDd6lpAbNC7GOuK/h25P2B7cc=",
                              "{}", 0};
    assert_int_equal(identity_store(&id, &e, &msg), K_ECORRUPT);
    assert_non_null(strstr(msg.text, "not for this kiosk's key"));
    free(cert);
    assert_int_equal(mode_of("cert.pem"), 0);
    assert_int_equal(identity_load(id_dir, &id, &msg), K_OK);
    assert_false(id.enrolled);
}

static void erased(void **state)
{
    (void)state;
    identity_t id;
    kmsg_t msg;
    int removed = -1;
    assert_int_equal(identity_ensure_keys(id_dir, &id, &msg), K_OK);
    assert_int_equal(identity_erase(id_dir, &removed, &msg), K_OK);
    assert_int_equal(removed, 2);
    assert_int_equal(mode_of(""), 0);
    assert_int_equal(identity_erase(id_dir, &removed, &msg), K_OK);
    assert_int_equal(removed, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(keys_made_once, setup, teardown),
    cmocka_unit_test_setup_teardown(csr_and_signature, setup, teardown),
    cmocka_unit_test_setup_teardown(foreign_certificate_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(erased, setup, teardown),
};

KTEST_MAIN(tests)
