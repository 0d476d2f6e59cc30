#include "core/meter_id.h"

#include <string.h>

static const char *const names[METER_ID_VERDICT_COUNT] = {
    [METER_ID_SAME] = "same",
    [METER_ID_OTHER_METER] = "other_meter",
    [METER_ID_OTHER_CUSTOMER] = "other_customer",
};

meter_id_verdict_t meter_id_compare(const meter_id_t *expected, const meter_id_t *answered)
{
    if (strcmp(expected->meter, answered->meter) != 0)
        return METER_ID_OTHER_METER;
    bool both = expected->customer_known && answered->customer_known && expected->customer[0] &&
                answered->customer[0];
    return both && strcmp(expected->customer, answered->customer) != 0 ? METER_ID_OTHER_CUSTOMER : METER_ID_SAME;
}

const char *meter_id_verdict_name(meter_id_verdict_t v)
{
    return v < METER_ID_VERDICT_COUNT ? names[v] : "?";
}
