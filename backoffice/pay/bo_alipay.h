/* Alipay's open API as a QR money provider (bo_provider.h,
 * docs/payments-qr.md "Alipay"): alipay.trade.precreate for the kiosk's
 * code, alipay.trade.wap.pay for the phone page, query, cancel, refund,
 * refund query, asynchronous notifications and the daily bill. Requests
 * are signed RSA2 (SHA256withRSA) with the app's private key; answers and
 * notifications are verified with Alipay's public key. */
#ifndef BACKOFFICE_PAY_BO_ALIPAY_H
#define BACKOFFICE_PAY_BO_ALIPAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/pay/bo_provider.h"
#include "base/err.h"

/* The [alipay] settings (docs/payments-qr.md). */
typedef struct bo_alipay_cfg {
    char app_id[33];                  /* app_id: the app's id on the open platform */
    char private_key_file[512];       /* private_key_file: the app's RSA private key (PEM or bare base64) */
    char alipay_public_key_file[512]; /* alipay_public_key_file: Alipay's public key (PEM or bare base64) */
    char gateway[512];                /* gateway: https://openapi.alipay.com/gateway.do by default */
    char ca_file[512];                /* ca_file: the CAs to trust for the gateway; "": the system's */
    char notify_url[512];             /* notify_url: set by hand (behind a proxy), used for every order */
    int64_t timeout_s;                /* timeout_seconds: one call (1..120, 15) */
} bo_alipay_cfg_t;

/* Fills c with the defaults: the production gateway, 15 s, nothing else. */
void bo_alipay_cfg_defaults(bo_alipay_cfg_t *c);

/* Applies one [alipay] key. Returns false if the value is bad; *known is
 * false if name is no [alipay] key. */
bool bo_alipay_cfg_key(bo_alipay_cfg_t *c, const char *name, const char *value, bool *known);

/* Fills c from the [alipay] keys bo_config_load kept in bc (the defaults
 * first): K_EINVAL naming the key when one is no setting or its value is
 * bad, or when the whole fails bo_alipay_cfg_check. *configured is false
 * (and K_OK) when the file has no [alipay] key at all. */
kerr_t bo_alipay_cfg_from(const bo_config_t *bc, bo_alipay_cfg_t *c, bool *configured, kmsg_t *msg);

/* Checks the settings as a whole: an app id and both key files; K_EINVAL
 * with msg naming the key if not. */
kerr_t bo_alipay_cfg_check(const bo_alipay_cfg_t *c, kmsg_t *msg);

/* Opens the provider: reads both keys (K_EINVAL if one cannot be read),
 * sets up the HTTP client. out->ops->name is "alipay". */
kerr_t bo_alipay_open(const bo_alipay_cfg_t *cfg, bo_provider_t *out, kmsg_t *msg);

/* Reads Alipay's "yuan with at most 2 decimals" text ("12.34", "5") into
 * fen; false for anything else (signs, exponents, a third decimal, more
 * than 10^10 yuan). */
bool bo_alipay_yuan_parse(const char *text, int64_t *fen);

/* Writes fen (0 .. 10^12) as yuan with 2 decimals ("12.34"); false if out
 * of range or len is too small. */
bool bo_alipay_yuan_format(int64_t fen, char *out, size_t len);

/* Reads one bill file's text (UTF-8, CSV with '#' lines around it, the
 * columns found by their names in the header line) and calls fn for each
 * trade and refund row; K_ENOTFOUND if its first line that is no '#'
 * line names no such columns (another file of the bill: the summary),
 * K_ECORRUPT if a row cannot be read. */
kerr_t bo_alipay_bill_csv(const char *text, size_t len, bo_prov_bill_cb fn, void *arg, kmsg_t *msg);

#endif
