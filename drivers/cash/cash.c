#include "drivers/cash/cash.h"

#include <stdlib.h>
#include <string.h>

void cash_close(cash_t *c)
{
    if (c && c->ops)
        c->ops->close(c->ctx);
    if (c)
        memset(c, 0, sizeof *c);
}

cash_err_t cash_probe_none(void *ctx, kmsg_t *msg)
{
    (void)ctx;
    kmsg_set(msg, K_OK, "open (nothing to ask)");
    return CASH_OK;
}

const char *cash_event_name(cash_event_kind_t k)
{
    static const char *const names[] = {
        [CASH_ESCROW] = "escrow",           [CASH_STACKED] = "stacked",          [CASH_RETURNED] = "returned",
        [CASH_REJECTED] = "rejected",       [CASH_JAM] = "jam",                  [CASH_JAM_CLEARED] = "jam_cleared",
        [CASH_BOX_REMOVED] = "box_removed", [CASH_BOX_INSERTED] = "box_inserted", [CASH_BOX_FULL] = "box_full",
        [CASH_FRAUD] = "fraud",             [CASH_FAULT] = "fault",              [CASH_RESET] = "reset",
        [CASH_LOST_EVENTS] = "lost_events", [CASH_OTHER] = "other",
    };
    return k <= CASH_OTHER ? names[k] : "?";
}

size_t cash_parse_denominations(const char *text, int64_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = text; *p && n < cap;) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v <= 0)
            return 0;
        out[n++] = v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return 0;
    }
    return n;
}
