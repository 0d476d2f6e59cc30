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

/* Opens the provider called name into p. */
static kerr_t open_named(const bo_config_t *cfg, const char *name, bo_provider_t *p, kmsg_t *msg)
{
    *p = (bo_provider_t){0};
    if (strcmp(name, "sim") == 0)
        return K_OK;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
        if (strcmp(name, providers[i].name) == 0)
            return providers[i].open(cfg, p, msg);
    return kmsg_set(msg, K_EINVAL, "[qr] provider or providers: no such provider as %s (sim, wechat, alipay)", name);
}

kerr_t bo_pay_open(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg)
{
    return open_named(cfg, cfg->qr_provider, p, msg);
}

kerr_t bo_pay_open_all(const bo_config_t *cfg, bo_pay_set_t *set, kmsg_t *msg)
{
    char names[BO_QR_PROVIDERS_MAX][16];
    size_t n;
    *set = (bo_pay_set_t){0};
    kerr_t rc = bo_config_qr_names(cfg, names, &n, msg);
    for (size_t i = 0; rc == K_OK && i < n; i++)
        if ((rc = open_named(cfg, names[i], &set->p[i], msg)) == K_OK)
            set->n = i + 1;
    if (rc)
        bo_pay_close_all(set);
    return rc;
}

void bo_pay_close_all(bo_pay_set_t *set)
{
    for (size_t i = 0; i < set->n; i++)
        bo_pay_close(&set->p[i]);
    set->n = 0;
}

const bo_provider_t *bo_pay_find(const bo_pay_set_t *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->p[i].ops->name, name) == 0)
            return &set->p[i];
    return NULL;
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
