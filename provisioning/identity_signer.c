/* The upload key as the link's signer (identity_signer.h). */
#include "provisioning/identity_signer.h"

/* The identity folder's upload key, loaded once. */
static kerr_t load(identity_signer_t *s, kmsg_t *msg)
{
    char dir[CFG_PATH_LEN];
    if (s->loaded)
        return K_OK;
    if (!config_identity_dir(s->cfg, dir, sizeof dir))
        return kmsg_set(msg, K_EINVAL, "the identity folder's path is too long: shorten site.identity_dir");
    kerr_t rc = identity_load(dir, &s->id, msg);
    if (rc == K_OK && !s->id.has_keys)
        rc = kmsg_set(msg, K_ENOTFOUND,
                      "no upload key to sign the outbox with (identity folder %s): run kioskctl identity and "
                      "register the upload_key it prints in the back office (backoffice kiosk upload-key %s KEY)",
                      dir, s->cfg->kiosk_id);
    s->loaded = rc == K_OK;
    return rc;
}

static kerr_t sign(void *ctx, const void *data, size_t len, uint8_t sig[64], kmsg_t *msg)
{
    identity_signer_t *s = ctx;
    kerr_t rc = load(s, msg);
    return rc ? rc : identity_sign(&s->id, data, len, sig, msg);
}

sync_signer_t identity_signer(identity_signer_t *s, const kiosk_config_t *cfg)
{
    *s = (identity_signer_t){.cfg = cfg};
    return (sync_signer_t){.sign = sign, .ctx = s};
}
