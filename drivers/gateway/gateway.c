#include "drivers/gateway/gateway.h"

#include <string.h>

kerr_t gw_open(const kiosk_config_t *cfg, gw_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (strcmp(cfg->gateway_protocol, "fake") == 0)
        return gw_fake_open(cfg->gateway_fake_dir, out, msg);
    return kmsg_set(msg, K_EINVAL, "gateway.protocol '%s' is not available", cfg->gateway_protocol);
}

void gw_close(gw_t *gw)
{
    if (gw && gw->ops && gw->ops->close)
        gw->ops->close(gw->ctx);
    if (gw)
        memset(gw, 0, sizeof *gw);
}

const char *gw_err_str(gw_err_t e)
{
    switch (e) {
    case GW_OK: return "ok";
    case GW_UNREACHABLE: return "unreachable";
    case GW_TIMEOUT: return "timeout";
    case GW_PROTOCOL: return "protocol error";
    case GW_NOT_FOUND: return "no such meter";
    case GW_INVALID: return "invalid request";
    }
    return "?";
}

const char *gw_credit_result_str(gw_credit_result_t r)
{
    switch (r) {
    case GW_CREDIT_APPLIED: return "applied";
    case GW_CREDIT_REPEATED: return "repeated";
    case GW_CREDIT_COUNT_MISMATCH: return "count_mismatch";
    case GW_CREDIT_REFUSED: return "refused";
    }
    return "?";
}
