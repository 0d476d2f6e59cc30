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

const char *pt_result_text(uint8_t code)
{
    switch (code) {
    case 0x00: return "approved";
    case 0x64: return "card not readable";
    case 0x6C: return "aborted";
    case 0x6F: return "wrong currency";
    case 0x78: return "card expired";
    case 0x83: return "function not possible";
    case 0xB4: return "already reversed";
    case 0xB5: return "reversal not possible";
    default: return code <= 0x63 ? "declined by the card issuer" : "refused by the card terminal";
    }
}
