/* The [alipay] settings (docs/payments-qr.md "Alipay"). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_keys.h"
#include "backoffice/pay/bo_alipay.h"

#define TEXT(n, f) {n, offsetof(bo_alipay_cfg_t, f), sizeof(((bo_alipay_cfg_t *)0)->f), false}

static const bo_text_key_t texts[] = {
    TEXT("app_id", app_id),   TEXT("private_key_file", private_key_file),
    TEXT("alipay_public_key_file", alipay_public_key_file),
    TEXT("gateway", gateway), TEXT("ca_file", ca_file),
    TEXT("notify_url", notify_url),
};

void bo_alipay_cfg_defaults(bo_alipay_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->gateway, sizeof c->gateway, "https://openapi.alipay.com/gateway.do");
    c->timeout_s = 15;
}

bool bo_alipay_cfg_key(bo_alipay_cfg_t *c, const char *name, const char *value, bool *known)
{
    if (strcmp(name, "timeout_seconds") == 0)
        return (*known = true) && bo_keys_int(value, 1, 120, &c->timeout_s);
    return bo_keys_text(c, texts, sizeof texts / sizeof texts[0], name, value, known);
}

kerr_t bo_alipay_cfg_check(const bo_alipay_cfg_t *c, kmsg_t *msg)
{
    if (!c->app_id[0])
        return kmsg_set(msg, K_EINVAL, "[alipay] needs app_id, the app's id on Alipay's open platform");
    if (!c->private_key_file[0])
        return kmsg_set(msg, K_EINVAL, "[alipay] needs private_key_file, the app's RSA private key");
    if (!c->alipay_public_key_file[0])
        return kmsg_set(msg, K_EINVAL, "[alipay] needs alipay_public_key_file, Alipay's public key");
    if (strncmp(c->gateway, "https://", 8) != 0 && strncmp(c->gateway, "http://127.", 11) != 0 &&
        strncmp(c->gateway, "http://localhost", 16) != 0)
        return kmsg_set(msg, K_EINVAL, "[alipay] gateway '%s': https, or http on this machine (a simulator)",
                        c->gateway);
    if (c->timeout_s < 1 || c->timeout_s > 120)
        return kmsg_set(msg, K_EINVAL, "[alipay] timeout_seconds: 1 to 120");
    return K_OK;
}

kerr_t bo_alipay_cfg_from(const bo_config_t *bc, bo_alipay_cfg_t *c, bool *configured, kmsg_t *msg)
{
    bo_alipay_cfg_defaults(c);
    *configured = false;
    for (int i = 0; i < bc->n_provider_keys; i++) {
        const bo_config_kv_t *kv = &bc->provider_keys[i];
        bool known;
        if (strcmp(kv->section, "alipay") != 0)
            continue;
        *configured = true;
        if (!bo_alipay_cfg_key(c, kv->name, kv->value, &known))
            return kmsg_set(msg, K_EINVAL,
                            known ? "[alipay] %s = '%s' is not a valid value (see backoffice.ini.sample)"
                                  : "[alipay] %s is not a setting (see backoffice.ini.sample); value '%s'",
                            kv->name, kv->value);
    }
    return *configured ? bo_alipay_cfg_check(c, msg) : K_OK;
}
