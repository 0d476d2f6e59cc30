/* One-time enrolment codes (bo_enrol.h): what a code is worth, how a
 * typed one is stored, and issuing a fresh one. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

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

/* The kiosk may be given a code: known, and not blocked. */
static kerr_t codable(bo_store_t *st, const char *kiosk, kmsg_t *msg)
{
    bo_kiosk_rec_t k;
    bool found;
    kerr_t rc = st->ops->fleet->kiosk_get(st->ctx, kiosk, &k, &found, msg);
    if (rc)
        return rc;
    if (!found || !k.state[0])
        return kmsg_set(msg, K_ENOTFOUND, "kiosk '%s' is not known: add it with backoffice kiosk add", kiosk);
    if (strcmp(k.state, "blocked") == 0)
        return kmsg_set(msg, K_ESTATE, "kiosk '%s' is blocked: activate it first (backoffice kiosk activate %s) if it "
                                       "is to enrol again", kiosk, kiosk);
    return K_OK;
}

kerr_t bo_enrol_code_issue(bo_store_t *st, const char *kiosk, int64_t now, int64_t days, char code[SYNC_CODE_LEN],
                           kmsg_t *msg)
{
    char hex[65];
    uint8_t b[SYNC_CODE_BYTES];
    bool changed;
    kerr_t rc = codable(st, kiosk, msg);
    if (rc)
        return rc;
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium could not start");
    randombytes_buf(b, sizeof b);
    sync_code_format(b, code);
    sodium_memzero(b, sizeof b);
    bo_enrol_code_hash(code, hex);
    rc = st->ops->fleet->code_drop_unused(st->ctx, kiosk, msg);
    if (rc == K_OK)
        rc = st->ops->fleet->code_put(st->ctx, hex, kiosk, now, now + days * 86400000, msg);
    if (rc == K_OK)
        rc = st->ops->fleet->kiosk_set_state(st->ctx, kiosk, "enrolling", &changed, msg);
    return rc;
}
