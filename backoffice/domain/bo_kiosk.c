/* Kiosks as staff add and change them (bo_kiosk.h). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/domain/bo_kiosk.h"
#include "backoffice/domain/bo_org.h"

kerr_t bo_kiosk_get(bo_store_t *st, const char *kiosk, bo_kiosk_rec_t *k, bool *found, kmsg_t *msg)
{
    return st->ops->fleet->kiosk_get(st->ctx, kiosk, k, found, msg);
}

kerr_t bo_kiosk_set_state(bo_store_t *st, const char *kiosk, const char *state, kmsg_t *msg)
{
    bool changed = false;
    kerr_t rc = st->ops->fleet->kiosk_set_state(st->ctx, kiosk, state, &changed, msg);
    return rc == K_OK && !changed ? bo_op_nothing(msg, kiosk) : rc;
}

/* Registers the key inside the operation, audited. */
static kerr_t set_key(bo_op_t *op, const char *kiosk, const char *key)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    size_t n = 0;
    bool changed = false;
    if (sodium_base642bin(pk, sizeof pk, key, strlen(key), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != sizeof pk)
        return kmsg_set(op->msg, K_EINVAL, "'%.60s' is not an upload key: give the upload_key `kioskctl identity "
                                           "--json` prints on the kiosk (base64 of 32 bytes)", key);
    kerr_t rc = op->st->ops->fleet->kiosk_set_upload_key(op->st->ctx, kiosk, key, &changed, op->msg);
    if (rc == K_OK && !changed)
        return kmsg_set(op->msg, K_ENOTFOUND, "kiosk '%s' is not known: add it first (backoffice kiosk add %s --site "
                                              "SITE --by-hand)", kiosk, kiosk);
    bo_audit_rec_t a = {op->who->actor, "kiosk.upload_key", kiosk, "", key, op->who->now};
    return rc ? rc : bo_audit_record(op->st, &a, op->msg);
}

kerr_t bo_kiosk_upload_key(bo_store_t *st, const bo_who_t *who, const char *kiosk, const char *key, kmsg_t *msg)
{
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = set_key(&op, kiosk, key);
    return bo_op_commit(&op, rc);
}

/* Adds the kiosk, active, on its site, audited. */
static kerr_t add(bo_op_t *op, const bo_kiosk_new_t *k)
{
    bool changed = false;
    kerr_t rc = op->st->ops->fleet->kiosk_add(op->st->ctx, k->kiosk, k->site, op->who->now, &changed, op->msg);
    if (rc == K_ECONFLICT)
        return kmsg_set(op->msg, K_ECONFLICT, "kiosk '%s' exists already; for a fresh enrolment code: backoffice "
                                              "kiosk enrol-code %s", k->kiosk, k->kiosk);
    if (rc == K_OK && !changed)
        return kmsg_set(op->msg, K_ENOTFOUND, "site '%s' is not known: add it with backoffice site add %s NAME",
                        k->site, k->site);
    bo_audit_rec_t a = {op->who->actor, "kiosk.add", k->kiosk, "", k->site, op->who->now};
    return rc ? rc : bo_audit_record(op->st, &a, op->msg);
}

kerr_t bo_kiosk_add(bo_store_t *st, const bo_who_t *who, const bo_kiosk_new_t *k, char code[SYNC_CODE_LEN],
                    kmsg_t *msg)
{
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK && k->add)
        rc = add(&op, k);
    if (rc == K_OK && k->upload_key)
        rc = set_key(&op, k->kiosk, k->upload_key);
    if (rc == K_OK && !k->by_hand)
        rc = bo_enrol_code_issue(st, k->kiosk, who->now, k->days, code, msg);
    const char *action = k->by_hand ? NULL : "kiosk.enrol_code";
    return bo_op_end(&op, rc, action, k->kiosk, "", "", NULL, NULL);
}

/* Whether the row's kiosk is one the organisation sees (arg: a bool per row). */
static bool keep_seen(const bo_rows_t *r, int row, void *arg)
{
    (void)r;
    return ((const bool *)arg)[row];
}

kerr_t bo_kiosk_codes_open(bo_store_t *st, const char *org, int64_t now, bo_rows_t *out, kmsg_t *msg)
{
    kerr_t rc = st->ops->fleet->codes_open(st->ctx, now, out, msg);
    if (rc || !org[0] || out->nrows == 0)
        return rc;
    bool *seen = calloc((size_t)out->nrows, sizeof *seen);
    if (!seen)
        rc = kmsg_set(msg, K_EIO, "out of memory");
    for (int i = 0; rc == K_OK && i < out->nrows; i++)
        rc = bo_org_sees(st, org, BO_ORG_KIOSK, out->cells[(size_t)i * (size_t)out->ncols], &seen[i], msg);
    if (rc == K_OK)
        bo_rows_keep(out, keep_seen, seen);
    free(seen);
    return rc;
}

kerr_t bo_kiosk_code_revoke(bo_store_t *st, const bo_who_t *who, const char *kiosk, kmsg_t *msg)
{
    bo_op_t op;
    bo_kiosk_rec_t k;
    bool found = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->fleet->kiosk_get(st->ctx, kiosk, &k, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "kiosk '%s' is not known; see the fleet's list", kiosk);
    if (rc == K_OK)
        rc = st->ops->fleet->code_drop_unused(st->ctx, kiosk, msg);
    return bo_op_end(&op, rc, "kiosk.enrol_code_revoke", kiosk, "", "", NULL, NULL);
}
