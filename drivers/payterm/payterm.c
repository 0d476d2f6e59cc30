#include "drivers/payterm/payterm.h"

#include <string.h>

kerr_t payterm_open(const kiosk_config_t *cfg, payterm_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (strcmp(cfg->payterm_protocol, "zvt") == 0)
        return pt_zvt_open(cfg, out, msg);
    return kmsg_set(msg, K_ENOTFOUND, "no card terminal (payterm.protocol = %s)", cfg->payterm_protocol);
}

void payterm_close(payterm_t *p)
{
    if (p && p->ops)
        p->ops->close(p->ctx);
    if (p)
        memset(p, 0, sizeof *p);
}
