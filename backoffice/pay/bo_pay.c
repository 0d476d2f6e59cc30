/* The providers by name (bo_pay.h): one table entry each. */
#include "backoffice/pay/bo_pay.h"

#include <stddef.h>
#include <string.h>

#include "backoffice/pay/bo_wx.h"

static const char *const state_names[] = {
    [BO_PROV_UNKNOWN] = "unknown", [BO_PROV_PENDING] = "pending",   [BO_PROV_PAID] = "paid",
    [BO_PROV_CLOSED] = "closed",   [BO_PROV_REFUNDED] = "refunded", [BO_PROV_FAILED] = "failed",
};

const char *bo_prov_state_name(bo_prov_state_t s)
{
    return (size_t)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "?";
}

static kerr_t open_wechat(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg)
{
    return bo_wx_open(&cfg->wechat, p, msg);
}

/* The providers [qr] provider may name. Alipay: add {"alipay",
 * open_alipay} here (backoffice/pay/bo_alipay.h); its notification route
 * is a row of bo_route.c, /v1/notify/alipay (bo_h_qr_prov.c knows it). */
static const struct {
    const char *name;
    kerr_t (*open)(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg);
} providers[] = {
    {"wechat", open_wechat},
};

kerr_t bo_pay_open(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg)
{
    *p = (bo_provider_t){0};
    if (strcmp(cfg->qr_provider, "sim") == 0)
        return K_OK;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
        if (strcmp(cfg->qr_provider, providers[i].name) == 0)
            return providers[i].open(cfg, p, msg);
    return kmsg_set(msg, K_EINVAL, "[qr] provider = %s: no such provider (sim, wechat)", cfg->qr_provider);
}

void bo_pay_close(bo_provider_t *p)
{
    if (p->ops)
        p->ops->close(p->ctx);
    *p = (bo_provider_t){0};
}

bool bo_pay_real(const bo_provider_t *p)
{
    return p->ops != NULL;
}
