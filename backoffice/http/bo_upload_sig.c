/* Who sent an upload: the kiosk's Ed25519 signature over the exact body
 * (header X-Kiosk-Signature), checked with the upload key the back office
 * holds for the kiosk (from enrolment, or `kiosk upload-key` for a kiosk
 * added by hand) before anything in the body is read (docs/sync.md,
 * "Signed uploads"). */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest.h"

/* The kiosk's upload key as registered ("" if none). */
static kerr_t key_of(sqlite3 *db, const char *kiosk, char key[64], kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "SELECT upload_key FROM kiosk WHERE id = ?", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    key[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(key, 64, "%s", bo_db_col(st, 0));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return K_OK;
}

static bool decode(const char *b64, uint8_t *out, size_t want)
{
    size_t n = 0;
    return b64 && sodium_base642bin(out, want, b64, strlen(b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
           n == want;
}

/* The refusal for a signature that is missing, malformed or wrong. */
static bool refuse(bo_resp_t *r, const char *kiosk, const char *header)
{
    if (!header)
        bo_resp_error(r, 403, "bad_signature",
                      "the upload has no " BO_SIG_HEADER " header: the kiosk's software is older than this back "
                      "office; update the kiosk. Nothing was stored");
    else if (strlen(header) != sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL) - 1)
        bo_resp_error(r, 403, "bad_signature",
                      "the " BO_SIG_HEADER " header is not the base64 of a 64-byte Ed25519 signature. Nothing was "
                      "stored");
    else
        bo_resp_error(r, 403, "bad_signature",
                      "the " BO_SIG_HEADER " header does not verify against kiosk %s's upload key: the body was "
                      "changed on the way or signed with another key (compare the upload_key of `kioskctl identity "
                      "--json` with `backoffice kiosk list`). Nothing was stored",
                      kiosk);
    return false;
}

bool bo_upload_signed(bo_req_t *q, bo_resp_t *r, char sig_b64[BO_SIG_TEXT_LEN])
{
    char key_b64[64];
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = key_of(q->s->db, q->kiosk, key_b64, &msg);
    bo_unlock(q->s);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return false;
    }
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    if (!decode(key_b64, pk, sizeof pk)) {
        bo_resp_error(r, 403, "no_upload_key",
                      "kiosk %s has no upload key on record, so its uploads cannot be checked: register the "
                      "upload_key `kioskctl identity --json` prints with `backoffice kiosk upload-key %s KEY` "
                      "(an enrolled kiosk has it from enrolment). Nothing was stored",
                      q->kiosk, q->kiosk);
        return false;
    }
    const char *header = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, BO_SIG_HEADER);
    if (!decode(header, sig, sizeof sig) ||
        crypto_sign_verify_detached(sig, (const uint8_t *)q->body, q->body_len, pk) != 0)
        return refuse(r, q->kiosk, header);
    snprintf(sig_b64, BO_SIG_TEXT_LEN, "%s", header);
    return true;
}
