/* The kiosk's side of modbus-prepaid (docs/protocols/modbus-prepaid.md):
 * register numbers and the decoding of what meters answer. Pure, so it can
 * be fuzzed. The simulator keeps its own copy of the map, on purpose. */
#ifndef DRIVERS_GATEWAY_MODBUS_PROFILE_H
#define DRIVERS_GATEWAY_MODBUS_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/gateway/gateway.h"

enum {
    MBP_ENERGY = 0x0000, /* total, sharp, peak, flat, valley: UINT32, 0.01 kWh */
    MBP_N_ENERGY = 10,
    MBP_N_TOTAL = 2,     /* the total alone: a single-rate meter has no band registers */
    MBP_PREPAID = 0x0100,
    MBP_N_PREPAID = 16,
    MBP_COMMAND = 0x0110, /* written in one request */
    MBP_N_COMMAND = 17,
    MBP_RESULT = 0x0128,
    MBP_N_RESULT = 5,
    MBP_RELAY = 0x0130,
    MBP_ALARMS = 0x0140, /* alarm amounts 1 and 2: UINT32, minor units */
    MBP_N_ALARMS = 4,
    MBP_PRICES = 0x0144, /* sharp, peak, flat, valley: UINT32, 0.0001 of the major unit per kWh */
    MBP_N_PRICES = 8,
    MBP_DAY_TABLE = 0x0150, /* n, then 14 pairs (minute of the day, tariff number 1..4) */
    MBP_N_DAY_TABLE = 29,
    MBP_FROZEN = 0x0170, /* year month day hour minute, total + 4 bands (UINT32), number of bands */
    MBP_N_FROZEN = 16,
    MBP_CMD_RECHARGE = 1,
    MBP_CMD_OPEN_ACCOUNT = 2,
    MBP_CMD_REFUND = 3,
};

#define MBP_REFUND_MAC_DI 0x070103FFu /* the DI a refund's MACs cover (the profile's own: DL/T 645 has none) */

/* Two registers, high word first. */
uint32_t mbp_u32(const uint16_t *r);
void mbp_put_u32(uint16_t *r, uint32_t v);

/* 12 digits, most significant first, in 3 registers; false unless 12 digits. */
bool mbp_put_bcd12(uint16_t *r, const char *digits);

/* The 3 registers as 12 digits; false if a nibble is not a digit. */
bool mbp_get_bcd12(const uint16_t *r, char out[13]);

/* The prepaid block into out (count, balance, relay, flags); false, with
 * msg saying why, if it is not meter `meter`'s or makes no sense. */
bool mbp_decode_prepaid(const uint16_t r[MBP_N_PREPAID], const char *meter, gw_reading_t *out, kmsg_t *msg);

/* Who the prepaid block says answered: its meter number and customer
 * (zeros: none bound) into out's identity, checked against nothing;
 * false, with msg, if they are not BCD. */
bool mbp_decode_identity(const uint16_t r[MBP_N_PREPAID], gw_reading_t *out, kmsg_t *msg);

/* The energy registers into out (milli-units). */
void mbp_decode_energy(const uint16_t r[MBP_N_ENERGY], gw_reading_t *out);

/* The total register of a meter without band registers into out, the
 * bands marked absent. */
void mbp_decode_total(const uint16_t r[MBP_N_TOTAL], gw_reading_t *out);

/* The command block for req (recharge or open account), MACs computed
 * under the meter's key from master; false, with msg, if req cannot be
 * expressed (amount, count, numbers) or the crypto library fails. */
bool mbp_encode_command(const gw_credit_req_t *req, uint32_t operator_code, const uint8_t master[16],
                        uint16_t r[MBP_N_COMMAND], kmsg_t *msg);

/* The command block of a refund of req (command 3, MACs over
 * MBP_REFUND_MAC_DI); false, with msg, as mbp_encode_command. */
bool mbp_encode_refund(const gw_credit_req_t *req, uint32_t operator_code, const uint8_t master[16],
                       uint16_t r[MBP_N_COMMAND], kmsg_t *msg);

/* The alarm registers of s; false, with msg, if an amount is outside
 * 0..UINT32. */
bool mbp_encode_alarms(const gw_settings_t *s, uint16_t r[MBP_N_ALARMS], kmsg_t *msg);

/* The price registers of s (core price units / 100); false, with msg,
 * unless each converts exactly and fits. */
bool mbp_encode_prices(const gw_settings_t *s, uint16_t r[MBP_N_PRICES], kmsg_t *msg);

/* The day-table registers of s (unused pairs 0); false, with msg, for
 * 0 or over 14 periods or a period that is not a minute and a band. */
bool mbp_encode_day_table(const gw_settings_t *s, uint16_t r[MBP_N_DAY_TABLE], kmsg_t *msg);

/* The frozen block into out; false, with msg, if it makes no sense. A
 * year of 0 means the meter has not frozen yet (out->none). */
bool mbp_decode_frozen(const uint16_t r[MBP_N_FROZEN], gw_frozen_t *out, kmsg_t *msg);

/* The result block of a command for req; false, with msg, if it cannot be
 * the answer to req. */
bool mbp_decode_result(const gw_credit_req_t *req, const uint16_t r[MBP_N_RESULT], gw_credit_reply_t *out,
                       kmsg_t *msg);

#endif
