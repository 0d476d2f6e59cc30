/* The [wechatpay] settings (backoffice.ini.sample, docs/payments-qr.md): a
 * WeChat Pay merchant account the back office places QR orders with. The
 * keys themselves stay in their files (read when the provider opens, never
 * logged); only their paths are here. */
#ifndef BACKOFFICE_BASE_BO_WX_CONFIG_H
#define BACKOFFICE_BASE_BO_WX_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

typedef struct bo_wx_config {
    char mchid[33];              /* mchid: the merchant number */
    char appid[33];              /* appid: the app (official account) the orders belong to */
    char key_file[512];          /* key_file: the merchant's RSA private key (PEM, apiclient_key.pem) */
    char cert_serial[65];        /* cert_serial: the merchant certificate's serial number (hex) */
    char platform_key_file[512]; /* platform_key_file: WeChat Pay's public key (PEM) */
    char platform_key_id[80];    /* platform_key_id: its id, PUB_KEY_ID_... */
    char platform_cert_file[512]; /* platform_cert_file: a platform certificate (PEM); its serial is its id */
    char apiv3_key_file[512];    /* apiv3_key_file: the APIv3 key (32 characters) */
    char base_url[256];          /* base_url: https://api.mch.weixin.qq.com by default */
    char notify_url[256];        /* notify_url: this back office's /v1/notify/wechatpay, as WeChat Pay reaches it */
    char ca_file[512];           /* ca_file: the CAs to trust for base_url; empty: the system's */
    int64_t timeout_s;           /* timeout_seconds: one call, connecting included (1..60, 10) */
} bo_wx_config_t;

/* Fills c with the defaults: the real base URL, 10 s. */
void bo_wx_config_defaults(bo_wx_config_t *c);

/* Applies one [wechatpay] key. Returns false if the value is bad; *known
 * is false if name is no [wechatpay] key. */
bool bo_wx_config_key(bo_wx_config_t *c, const char *name, const char *value, bool *known);

/* Checks the settings as a whole, for [qr] provider = wechat; K_EINVAL
 * with msg naming the missing key if not. */
kerr_t bo_wx_config_check(const bo_wx_config_t *c, kmsg_t *msg);

#endif
