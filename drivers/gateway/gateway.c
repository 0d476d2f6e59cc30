#include "drivers/gateway/gateway.h"

#include <stdio.h>
#include <string.h>

void gw_close(gw_t *gw)
{
    if (gw && gw->ops && gw->ops->close)
        gw->ops->close(gw->ctx);
    if (gw)
        memset(gw, 0, sizeof *gw);
}

gw_err_t gw_probe_none(void *ctx, kmsg_t *msg)
{
    (void)ctx;
    kmsg_set(msg, K_OK, "open (nothing to ask)");
    return GW_OK;
}

void gw_reading_init(gw_reading_t *out, const char *meter)
{
    memset(out, 0, sizeof *out);
    snprintf(out->meter, sizeof out->meter, "%s", meter);
}

const char *gw_err_str(gw_err_t e)
{
    switch (e) {
    case GW_OK: return "ok";
    case GW_UNREACHABLE: return "unreachable";
    case GW_TIMEOUT: return "timeout";
    case GW_PROTOCOL: return "protocol error";
    case GW_REFUSED: return "refused by the meter";
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

size_t gw_flag_names(uint32_t flags, const char *names[8])
{
    static const char *const all[] = {"cover_open", "terminal_open", "magnetic", "reverse_energy", "low_balance",
                                      "pretrip_alarm"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (flags & (1u << i))
            names[n++] = all[i];
    return n;
}
