#include "drivers/payterm/payterm.h"

#include <string.h>

void payterm_close(payterm_t *p)
{
    if (p && p->ops)
        p->ops->close(p->ctx);
    if (p)
        memset(p, 0, sizeof *p);
}

pt_err_t pt_probe_none(void *ctx, kmsg_t *msg)
{
    (void)ctx;
    kmsg_set(msg, K_OK, "open (nothing to ask)");
    return PT_OK;
}

pt_err_t pt_probe_last(const pt_ops_t *ops, void *ctx, const char *answered, kmsg_t *msg)
{
    pt_result_t r;
    pt_err_t e = ops->last(ctx, &r, msg);
    if (e == PT_OK)
        kmsg_set(msg, K_OK, "%s", answered);
    return e;
}
