/* Meter kinds: units and the switch's words (meter_kind.h). */
#include "core/meter_kind.h"

#include <stdio.h>
#include <string.h>

static const char *const names[METER_KIND_COUNT] = {[METER_ELECTRICITY] = "electricity", [METER_WATER] = "water"};

const char *meter_kind_name(meter_kind_t k)
{
    return (unsigned)k < METER_KIND_COUNT ? names[k] : "?";
}

bool meter_kind_parse(const char *name, meter_kind_t *out)
{
    if (!name || !name[0]) {
        *out = METER_ELECTRICITY;
        return true;
    }
    for (int k = 0; k < METER_KIND_COUNT; k++)
        if (strcmp(name, names[k]) == 0) {
            *out = (meter_kind_t)k;
            return true;
        }
    return false;
}

const char *meter_unit(meter_kind_t k, unit_style_t style)
{
    if (k != METER_WATER)
        return "kWh";
    return style == UNIT_SCREEN ? "m\xC2\xB3" : "m3";
}

void meter_quantity_number(int64_t milli, char out[32])
{
    int64_t hundredths = milli / 10; /* 1/100 of a kWh or m3, toward zero */
    const char *sign = hundredths < 0 ? "-" : "";
    uint64_t a = hundredths < 0 ? (uint64_t)0 - (uint64_t)hundredths : (uint64_t)hundredths;
    snprintf(out, 32, "%s%llu.%02llu", sign, (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

void meter_quantity_format(meter_kind_t k, int64_t milli, unit_style_t style, char out[40])
{
    char number[32];
    meter_quantity_number(milli, number);
    snprintf(out, 40, "%s %s", number, meter_unit(k, style));
}

const char *meter_switch_name(meter_kind_t k)
{
    return k == METER_WATER ? "valve" : "relay";
}

const char *meter_switch_state(meter_kind_t k, bool supply_cut)
{
    if (k == METER_WATER)
        return supply_cut ? "closed" : "open";
    return supply_cut ? "open" : "closed";
}
