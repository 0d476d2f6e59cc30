/* WeChat Pay API v3 as a QR money provider (bo_provider.h,
 * docs/payments-qr.md): Native and H5 orders, query, close, refund, refund
 * query, notifications, the daily trade bill. Requests are signed
 * WECHATPAY2-SHA256-RSA2048 with the merchant's key; answers and
 * notifications are checked against the platform key their
 * Wechatpay-Serial names (a platform certificate's serial or a
 * PUB_KEY_ID_ public key); notification resources are decrypted with the
 * APIv3 key. */
#ifndef BACKOFFICE_PAY_BO_WX_H
#define BACKOFFICE_PAY_BO_WX_H

#include "backoffice/base/bo_wx_config.h"
#include "backoffice/pay/bo_provider.h"

/* Opens the merchant account c describes (its key files read now) into p;
 * K_EIO if a file cannot be read, K_EINVAL if a key is not what it should
 * be. Key material never appears in msg. */
kerr_t bo_wx_open(const bo_wx_config_t *c, bo_provider_t *p, kmsg_t *msg);

/* The WeChat Pay ops (for bo_pay.c's table). */
extern const bo_provider_ops_t bo_wx_ops;

#endif
