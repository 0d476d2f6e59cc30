/* A kiosk's upload key registered by staff (bo_enrol.h): for a kiosk added
 * by hand, which has none from enrolment. The back office checks every
 * upload's signature with it (bo_upload_sig.c). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_enrol.h"

kerr_t bo_kiosk_set_upload_key(sqlite3 *db, const char *kiosk, const char *key, kmsg_t *msg)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    size_t n = 0;
    if (sodium_base642bin(pk, sizeof pk, key, strlen(key), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != sizeof pk)
        return kmsg_set(msg, K_EINVAL, "'%.60s' is not an upload key: give the upload_key `kioskctl identity --json` "
                                       "prints on the kiosk (base64 of 32 bytes)", key);
    kerr_t rc = bo__enrol_run(db, "UPDATE kiosk SET upload_key = ?2 WHERE id = ?1", kiosk, key, 0, 0, msg);
    if (rc == K_OK && sqlite3_changes(db) == 0)
        return kmsg_set(msg, K_ENOTFOUND, "kiosk '%s' is not known: add it first (backoffice kiosk add %s --site "
                                          "SITE --by-hand)", kiosk, kiosk);
    return rc ? rc : bo_audit_record(db, bo_audit_staff_actor(), "kiosk.upload_key", kiosk, "", key, msg);
}

int bo_kiosk_key_cli(sqlite3 *db, const bo_args_t *a)
{
    if (a->npos != 4) {
        fprintf(stderr,
                "usage: backoffice kiosk upload-key ID KEY (KEY: the upload_key of `kioskctl identity --json`)\n");
        return BO_EXIT_USAGE;
    }
    kmsg_t msg = {{0}};
    kerr_t rc = bo_db_exec(db, "BEGIN IMMEDIATE", "starting", &msg);
    if (rc == K_OK)
        rc = bo_kiosk_set_upload_key(db, a->pos[2], a->pos[3], &msg);
    if (rc == K_EINVAL) {
        bo_db_exec(db, "ROLLBACK", "abandoning", NULL);
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_USAGE;
    }
    if (bo_admin_commit(db, rc, &msg) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    printf("kiosk %s: upload key registered; its uploads are checked against it from now on\n", a->pos[2]);
    return BO_EXIT_OK;
}
