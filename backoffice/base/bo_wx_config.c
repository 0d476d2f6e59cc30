#include "backoffice/base/bo_wx_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "backoffice/base/bo_keys.h"

#define TEXT(n, f, r) {n, offsetof(bo_wx_config_t, f), sizeof(((bo_wx_config_t *)0)->f), r}
static const bo_text_key_t texts[] = {
    TEXT("mchid", mchid, true),
    TEXT("appid", appid, true),
    TEXT("key_file", key_file, true),
    TEXT("cert_serial", cert_serial, true),
    TEXT("platform_key_file", platform_key_file, false),
    TEXT("platform_key_id", platform_key_id, false),
    TEXT("platform_cert_file", platform_cert_file, false),
    TEXT("apiv3_key_file", apiv3_key_file, true),
    TEXT("base_url", base_url, true),
    TEXT("notify_url", notify_url, false),
    TEXT("ca_file", ca_file, false),
};
#undef TEXT

void bo_wx_config_defaults(bo_wx_config_t *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->base_url, "https://api.mch.weixin.qq.com");
    c->timeout_s = 10;
}

bool bo_wx_config_key(bo_wx_config_t *c, const char *name, const char *value, bool *known)
{
    if (strcmp(name, "timeout_seconds") == 0)
        return (*known = true) && bo_keys_int(value, 1, 60, &c->timeout_s);
    return bo_keys_text(c, texts, sizeof texts / sizeof texts[0], name, value, known);
}

kerr_t bo_wx_config_check(const bo_wx_config_t *c, kmsg_t *msg)
{
    const char *missing = bo_keys_missing(c, texts, sizeof texts / sizeof texts[0]);
    if (missing)
        return kmsg_set(msg, K_EINVAL, "[qr] provider = wechat needs [wechatpay] %s", missing);
    if (!c->platform_cert_file[0] && !c->platform_key_file[0])
        return kmsg_set(msg, K_EINVAL,
                        "[qr] provider = wechat needs [wechatpay] platform_key_file (with platform_key_id) or "
                        "platform_cert_file: the key WeChat Pay's answers are checked with");
    if (c->platform_key_file[0] && !c->platform_key_id[0])
        return kmsg_set(msg, K_EINVAL, "[wechatpay] platform_key_file needs platform_key_id (PUB_KEY_ID_...)");
    return K_OK;
}
