/* The providers by name (bo_pay.h): one table entry each. */
#include "backoffice/pay/bo_pay.h"

#include <stddef.h>
#include <string.h>

#include "backoffice/pay/bo_alipay.h"
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

static kerr_t open_alipay(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg)
{
    bo_alipay_cfg_t c;
    bool configured;
    kerr_t rc = bo_alipay_cfg_from(cfg, &c, &configured, msg);
    if (rc == K_OK && !configured)
        return kmsg_set(msg, K_EINVAL, "[qr] provider = alipay needs an [alipay] section (see backoffice.ini.sample)");
    return rc ? rc : bo_alipay_open(&c, p, msg);
}

/* The providers [qr] provider may name; each one's notification route is
 * a row of bo_route.c (bo_h_qr_prov.c knows its path). */
static const struct {
    const char *name;
    kerr_t (*open)(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg);
} providers[] = {
    {"wechat", open_wechat},
    {"alipay", open_alipay},
};

kerr_t bo_pay_open(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg)
{
    *p = (bo_provider_t){0};
    if (strcmp(cfg->qr_provider, "sim") == 0)
        return K_OK;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
        if (strcmp(cfg->qr_provider, providers[i].name) == 0)
            return providers[i].open(cfg, p, msg);
    return kmsg_set(msg, K_EINVAL, "[qr] provider = %s: no such provider (sim, wechat, alipay)", cfg->qr_provider);
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
