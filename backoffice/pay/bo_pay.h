/* The QR money provider the back office places orders with
 * (docs/payments-qr.md): opened by its name in [qr] provider. "sim" (the
 * default) is the back office's own simulated pages: no provider is
 * opened and no money moves. */
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

#endif
