/* Opening the Alipay provider: its context (the settings and both keys)
 * and the ops table the back office calls (bo_provider.h). */
#include <stdlib.h>

#include "backoffice/pay/bo_alipay_int.h"

static void ap_close(void *ctx)
{
    ap_ctx_t *c = ctx;
    if (!c)
        return;
    EVP_PKEY_free(c->priv);
    EVP_PKEY_free(c->pub);
    free(c);
}

static const bo_provider_ops_t ap_ops = {
    .name = "alipay",
    .close = ap_close,
    .create = ap_create,
    .query = ap_query,
    .cancel = ap_cancel,
    .refund = ap_refund,
    .refund_query = ap_refund_query,
    .notify = ap_notify,
    .ack_body = "success",
    .ack_status = 200,
    .bill = ap_bill,
};

kerr_t bo_alipay_open(const bo_alipay_cfg_t *cfg, bo_provider_t *out, kmsg_t *msg)
{
    kerr_t rc = bo_alipay_cfg_check(cfg, msg);
    if (rc != K_OK)
        return rc;
    ap_ctx_t *c = calloc(1, sizeof *c);
    if (!c)
        return kmsg_set(msg, K_EIO, "alipay: out of memory");
    c->cfg = *cfg;
    c->priv = ap_key_load(cfg->private_key_file, true, msg);
    c->pub = c->priv ? ap_key_load(cfg->alipay_public_key_file, false, msg) : NULL;
    if (!c->pub) {
        ap_close(c);
        return K_EINVAL;
    }
    out->ctx = c;
    out->ops = &ap_ops;
    return K_OK;
}
