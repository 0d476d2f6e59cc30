/* The QR money providers the back office places orders with
 * (docs/payments-qr.md): opened by their names in [qr] provider and [qr]
 * providers. "sim" (the default) is the back office's own simulated
 * pages: no provider is opened and no money moves. */
#ifndef BACKOFFICE_PAY_BO_PAY_H
#define BACKOFFICE_PAY_BO_PAY_H

#include <stdbool.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/pay/bo_provider.h"

/* Opens the provider cfg->qr_provider names into p (p->ops NULL for
 * "sim"); K_EINVAL for a name no provider has, or the provider's own
 * failure to read its keys. */
kerr_t bo_pay_open(const bo_config_t *cfg, bo_provider_t *p, kmsg_t *msg);

/* Closes p (nothing for "sim"). */
void bo_pay_close(bo_provider_t *p);

/* Whether p is a real provider (not "sim"). */
bool bo_pay_real(const bo_provider_t *p);

/* The providers the back office opened ([qr] provider and [qr]
 * providers): p[0] takes the kiosks' QR orders; the phone page offers
 * each. n 0: the simulated provider alone. */
typedef struct bo_pay_set {
    bo_provider_t p[BO_QR_PROVIDERS_MAX];
    size_t n;
} bo_pay_set_t;

/* Opens every provider bo_config_qr_names gives into set (none open on
 * failure); K_EINVAL as bo_pay_open, naming the provider. */
kerr_t bo_pay_open_all(const bo_config_t *cfg, bo_pay_set_t *set, kmsg_t *msg);

/* Closes every provider of set. */
void bo_pay_close_all(bo_pay_set_t *set);

/* The open provider called name ("wechat", "alipay"), NULL if none. */
const bo_provider_t *bo_pay_find(const bo_pay_set_t *set, const char *name);

#endif
