/* What a meter measures, and how its quantities and its switch are said:
 * an electricity meter counts Wh (shown in kWh) and has a relay; a water
 * meter counts litres (shown in m3) and has a valve. Every front end
 * (screens, receipts, kioskctl, reports) says units and the switch through
 * these, so that a water meter never shows litres as kWh. Pure. */
#ifndef CORE_METER_KIND_H
#define CORE_METER_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum meter_kind { METER_ELECTRICITY, METER_WATER, METER_KIND_COUNT } meter_kind_t;

/* How a unit is written: plain ASCII for machines, paper and staff tools
 * ("m3"), or with its superscript on the touchscreen ("m³"). */
typedef enum unit_style { UNIT_PLAIN, UNIT_SCREEN } unit_style_t;

/* The kind's name ("electricity", "water"), as the registry writes it. */
const char *meter_kind_name(meter_kind_t k);

/* The kind of that name; "" is electricity (a registry from before kinds).
 * False if the name is none of them. */
bool meter_kind_parse(const char *name, meter_kind_t *out);

/* The unit a whole quantity is priced and shown in: "kWh", or "m3"
 * (UNIT_PLAIN) / "m³" (UNIT_SCREEN) for water. */
const char *meter_unit(meter_kind_t k, unit_style_t style);

/* A quantity in milli-units (Wh, litres) as the kind's unit with two
 * decimals, rounded down, the meters' own resolution: "94.64 kWh",
 * "5.00 m3". */
void meter_quantity_format(meter_kind_t k, int64_t milli, unit_style_t style, char out[40]);

/* The same number without the unit ("5.00"), for machine-readable output
 * that names the unit in a field of its own. */
void meter_quantity_number(int64_t milli, char out[32]);

/* What the meter's switch is called: "relay", or "valve". */
const char *meter_switch_name(meter_kind_t k);

/* The switch's state as staff read it, from whether the supply is cut:
 * a relay is "open" when the supply is cut and "closed" when it flows; a
 * valve is "closed" when the water is cut and "open" when it flows. */
const char *meter_switch_state(meter_kind_t k, bool supply_cut);

#endif
