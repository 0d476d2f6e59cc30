/* The kiosk's codecs for dlt645-prepaid's commands beyond reads and
 * credits (docs/protocols/dlt645-prepaid.md, "Relay control", "Writes",
 * "Daily freeze"): the DATA of a relay command and of a write (C = 14),
 * the values they carry, and the frozen values a read brings back. Pure,
 * so each is unit-tested against the page's hex examples; the simulator
 * has its own. */
#ifndef DRIVERS_GATEWAY_DLT645_CMD_H
#define DRIVERS_GATEWAY_DLT645_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/gateway/dlt645_frame.h"
#include "drivers/gateway/gateway.h"

/* The relay command code N1 of cmd: 1A, 1C, 3A, 3B. */
uint8_t dlt645_relay_code(gw_relay_t cmd);

/* DATA of a relay command (L = 16): password level 02 and 00 00 00, the
 * operator, N1, N2 = 00, the deadline ss mm hh DD MM YY (BCD). */
void dlt645_relay_data(uint32_t operator_code, uint8_t n1, const uint8_t deadline[6], dlt645_frame_t *f);

/* DATA of a write (C = 14) of di: the DI, password level 02 and 00 00 00,
 * the operator, then the n value bytes; false if they do not fit. */
bool dlt645_write_data(uint32_t di, uint32_t operator_code, const uint8_t *value, size_t n, dlt645_frame_t *f);

/* An amount in minor units as XXXXXX.XX (4 bytes BCD); false if negative
 * or over 999999.99. */
bool dlt645_money_value(int64_t minor, uint8_t out[4]);

/* A price in the core's tariff units (TARIFF_PRICE_SCALE per minor unit of
 * a currency with 2 decimals) as NNNN.NNNN per kWh (4 bytes BCD); false
 * unless it converts exactly (a multiple of 100) and fits. */
bool dlt645_price_value(int64_t price, uint8_t out[4]);

/* The day-period table: n periods of 3 bytes NN mm hh (tariff number 1..4
 * for sharp..valley, BCD), in time order, into out (3n bytes); false if n
 * is 0 or over GW_MAX_PERIODS, or a period is not a minute of the day or
 * a band. */
bool dlt645_day_table(const tou_switch_t *p, size_t n, uint8_t *out);

/* The freeze time mm hh DD MM YY (5 bytes BCD) into out; all zeros means
 * the meter has not frozen yet (out->none). False if it is not a time. */
bool dlt645_frozen_time(const uint8_t v[5], gw_frozen_t *out);

/* An energy block: n = 20 bytes (total, sharp, peak, flat, valley,
 * XXXXXX.XX kWh each) or 4 (the total alone) into total and band (Wh);
 * false if n is neither or a value is not BCD. */
bool dlt645_energy_values(const uint8_t *v, size_t n, int64_t *total, int64_t band[4]);

/* The frozen forward active energy: n = 20 bytes (total, sharp, peak, flat,
 * valley, XXXXXX.XX kWh each) or 4 (the total of a single-rate meter) into
 * out in milli-units; false if n is neither or a value is not BCD. */
bool dlt645_frozen_energy(const uint8_t *v, size_t n, gw_frozen_t *out);

#endif
