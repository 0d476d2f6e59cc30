#include "core/sale.h"

#include <string.h>

static const char *const method_names[METHOD_COUNT] = {
    [METHOD_NONE] = "none",
    [METHOD_COUNTER] = "counter",
    [METHOD_CASH] = "cash",
    [METHOD_CARD] = "card",
    [METHOD_QR] = "qr",
    [METHOD_CENTRAL] = "central",
};

static const char *const channel_names[CHANNEL_COUNT] = {
    [CHANNEL_REMOTE] = "remote",
    [CHANNEL_CARD] = "card",
    [CHANNEL_BILL] = "bill",
};

/* A reversal is named after the method whose payment went back. */
static const char *const reversal_names[METHOD_COUNT] = {
    [METHOD_NONE] = "reversal",
    [METHOD_COUNTER] = "counter_reversal",
    [METHOD_CASH] = "cash_reversal",
    [METHOD_CARD] = "card_reversal",
    [METHOD_QR] = "qr_reversal",
    [METHOD_CENTRAL] = "central_reversal",
};

const char *sale_method_name(sale_method_t m)
{
    return m < METHOD_COUNT ? method_names[m] : "?";
}

bool sale_method_from_name(const char *name, sale_method_t *out)
{
    for (int m = METHOD_COUNTER; name && m < METHOD_COUNT; m++)
        if (strcmp(method_names[m], name) == 0) {
            *out = (sale_method_t)m;
            return true;
        }
    return false;
}

const char *sale_channel_name(sale_channel_t c)
{
    return c < CHANNEL_COUNT ? channel_names[c] : "?";
}

bool sale_channel_from_name(const char *name, sale_channel_t *out)
{
    for (int c = 0; name && c < CHANNEL_COUNT; c++)
        if (strcmp(channel_names[c], name) == 0) {
            *out = (sale_channel_t)c;
            return true;
        }
    return false;
}

const char *sale_refund_name(sale_refund_t r, sale_method_t reversed)
{
    switch (r) {
    case REFUND_OPERATOR: return "operator";
    case REFUND_ZEROED: return "zeroed";
    case REFUND_REVERSAL: return reversed < METHOD_COUNT ? reversal_names[reversed] : "?";
    case REFUND_COUNT: break;
    }
    return "?";
}
