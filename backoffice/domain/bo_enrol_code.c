/* One-time enrolment codes (bo_enrol.h); the staff verbs that print them
 * are in bo_enrol_cli.c. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_enrol.h"

bo_code_verdict_t bo_enrol_code_verdict(bool found, int64_t expires_at, bool used, int64_t now)
{
    /* found  used  now < expires_at  ->  verdict */
    static const struct {
        bool found, used, live;
        bo_code_verdict_t verdict;
    } table[] = {
        {true, false, true, BO_CODE_OK},
        {true, false, false, BO_CODE_EXPIRED},
        {true, true, true, BO_CODE_USED},
        {true, true, false, BO_CODE_USED},
    };
    for (size_t i = 0; found && i < sizeof table / sizeof table[0]; i++)
        if (table[i].used == used && table[i].live == (now < expires_at))
            return table[i].verdict;
    return BO_CODE_UNKNOWN;
}

bool bo_enrol_code_hash(const char *typed, char hex[65])
{
    char norm[17];
    uint8_t h[crypto_hash_sha256_BYTES];
    if (!typed || !sync_code_normalise(typed, norm))
        return false;
    crypto_hash_sha256(h, (const uint8_t *)norm, 16);
    sodium_bin2hex(hex, 65, h, sizeof h);
    return true;
}

static kerr_t kiosk_state(sqlite3 *db, const char *kiosk, char state[16], kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, "SELECT state FROM kiosk WHERE id = ?", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    state[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(state, 16, "%s", bo_db_col(st, 0));
    sqlite3_finalize(st);
    if (!state[0])
        return kmsg_set(msg, K_ENOTFOUND, "kiosk '%s' is not known: add it with backoffice kiosk add", kiosk);
    if (strcmp(state, "blocked") == 0)
        return kmsg_set(msg, K_ESTATE, "kiosk '%s' is blocked: activate it first (backoffice kiosk activate %s) if it "
                                       "is to enrol again", kiosk, kiosk);
    return K_OK;
}

kerr_t bo__enrol_run(sqlite3 *db, const char *sql, const char *p1, const char *p2, int64_t n3, int64_t n4, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, sql, &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, p1);
    if (p2)
        bo_db_text(st, 2, p2);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, n3);
    if (sqlite3_bind_parameter_count(st) >= 4)
        sqlite3_bind_int64(st, 4, n4);
    return bo_db_run(db, st, "storing the kiosk's enrolment", msg);
}

kerr_t bo_enrol_code_issue(sqlite3 *db, const char *kiosk, int64_t now, int64_t days, char code[SYNC_CODE_LEN],
                           kmsg_t *msg)
{
    char state[16], hex[65];
    uint8_t b[SYNC_CODE_BYTES];
    kerr_t rc = kiosk_state(db, kiosk, state, msg);
    if (rc)
        return rc;
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium could not start");
    randombytes_buf(b, sizeof b);
    sync_code_format(b, code);
    sodium_memzero(b, sizeof b);
    bo_enrol_code_hash(code, hex);
    rc = bo__enrol_run(db, "DELETE FROM enrol_code WHERE kiosk = ?1 AND used_at IS NULL", kiosk, NULL, 0, 0, msg);
    if (rc == K_OK)
        rc = bo__enrol_run(db,
                           "INSERT INTO enrol_code(code_hash, kiosk, created_at, expires_at) VALUES (?2, ?1, ?3, ?4)",
                           kiosk, hex, now, now + days * 86400000, msg);
    if (rc == K_OK)
        rc = bo__enrol_run(db, "UPDATE kiosk SET state = 'enrolling' WHERE id = ?1", kiosk, NULL, 0, 0, msg);
    return rc;
}
