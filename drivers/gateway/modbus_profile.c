#include "drivers/gateway/modbus_profile.h"

#include <stdio.h>
#include <string.h>

#include "drivers/gateway/dlt645_di.h"
#include "drivers/gateway/dlt645_frame.h"
#include "drivers/gateway/meter_mac.h"

uint32_t mbp_u32(const uint16_t *r)
{
    return (uint32_t)r[0] << 16 | r[1];
}

void mbp_put_u32(uint16_t *r, uint32_t v)
{
    r[0] = (uint16_t)(v >> 16);
    r[1] = (uint16_t)v;
}

bool mbp_put_bcd12(uint16_t *r, const char *digits)
{
    if (!digits || strlen(digits) != 12 || strspn(digits, "0123456789") != 12)
        return false;
    for (int i = 0; i < 3; i++) {
        const char *d = digits + 4 * i;
        r[i] = (uint16_t)((d[0] - '0') << 12 | (d[1] - '0') << 8 | (d[2] - '0') << 4 | (d[3] - '0'));
    }
    return true;
}

bool mbp_get_bcd12(const uint16_t *r, char out[13])
{
    for (int i = 0; i < 12; i++) {
        unsigned nib = (r[i / 4] >> (12 - 4 * (i % 4))) & 0xF;
        if (nib > 9)
            return false;
        out[i] = (char)('0' + nib);
    }
    out[12] = '\0';
    return true;
}

bool mbp_decode_prepaid(const uint16_t r[MBP_N_PREPAID], const char *meter, gw_reading_t *out, kmsg_t *msg)
{
    char who[13];
    if (!mbp_get_bcd12(r + 7, who)) {
        kmsg_set(msg, K_EDEVICE, "the meter number registers are not BCD");
        return false;
    }
    if (strcmp(who, meter) != 0) {
        kmsg_set(msg, K_EDEVICE, "this is meter %s, not %s: check the registry", who, meter);
        return false;
    }
    if (r[4] > 1) {
        kmsg_set(msg, K_EDEVICE, "relay state %u is neither 0 nor 1", r[4]);
        return false;
    }
    out->balance = (int32_t)mbp_u32(r);
    out->purchase_count = mbp_u32(r + 2);
    out->relay_open = r[4] == 1;
    unsigned f = r[5];
    out->flags = (f & 1 ? GW_FLAG_COVER : 0) | (f & 2 ? GW_FLAG_MAGNETIC : 0) | (f & 4 ? GW_FLAG_REVERSE : 0) |
                 (f & 8 ? GW_FLAG_LOW_BALANCE : 0) | (f & 16 ? GW_FLAG_PRETRIP : 0);
    out->have |= GW_READ_COUNT | GW_READ_BALANCE | GW_READ_STATUS;
    return true;
}

bool mbp_decode_identity(const uint16_t r[MBP_N_PREPAID], gw_reading_t *out, kmsg_t *msg)
{
    if (!mbp_get_bcd12(r + 7, out->id_meter) || !mbp_get_bcd12(r + 10, out->id_customer)) {
        kmsg_set(msg, K_EDEVICE, "the meter or customer number registers are not BCD");
        return false;
    }
    if (strcmp(out->id_customer, "000000000000") == 0)
        out->id_customer[0] = '\0'; /* the account is not opened */
    out->id_customer_told = true;
    out->have |= GW_READ_IDENTITY;
    return true;
}

void mbp_decode_energy(const uint16_t r[MBP_N_ENERGY], gw_reading_t *out)
{
    out->energy_total = (int64_t)mbp_u32(r) * 10; /* 0.01 kWh = 10 Wh */
    for (int b = 0; b < 4; b++)
        out->energy_band[b] = (int64_t)mbp_u32(r + 2 + 2 * b) * 10;
    out->have |= GW_READ_ENERGY;
}

void mbp_decode_total(const uint16_t r[MBP_N_TOTAL], gw_reading_t *out)
{
    out->energy_total = (int64_t)mbp_u32(r) * 10;
    memset(out->energy_band, 0, sizeof out->energy_band);
    out->bands_absent = true;
    out->have |= GW_READ_ENERGY;
}

bool mbp_decode_result(const gw_credit_req_t *req, const uint16_t r[MBP_N_RESULT], gw_credit_reply_t *out,
                       kmsg_t *msg)
{
    static const char *const refused[] = {[3] = "MAC check failed",
                                          [4] = "balance would exceed the hoarding limit",
                                          [5] = "customer number mismatch",
                                          [6] = "meter suspended",
                                          [7] = "the meter number is not this meter's",
                                          [8] = "the refund is larger than the meter's balance"};
    memset(out, 0, sizeof *out);
    out->balance_after = (int32_t)mbp_u32(r + 1);
    out->count_after = mbp_u32(r + 3);
    out->balance_known = out->count_known = true; /* the result block holds both, refusals included */
    if (r[0] > 8) {
        kmsg_set(msg, K_EDEVICE, "meter %s reported result %u for count %u", req->to.meter, r[0], req->count);
        return false;
    }
    if (r[0] == 0 && out->count_after != req->count) {
        kmsg_set(msg, K_EDEVICE, "meter %s says applied, but at count %u, not %u", req->to.meter, out->count_after,
                 req->count);
        return false;
    }
    out->result = r[0] == 0   ? GW_CREDIT_APPLIED
                  : r[0] == 1 ? GW_CREDIT_REPEATED
                  : r[0] == 2 ? GW_CREDIT_COUNT_MISMATCH
                              : GW_CREDIT_REFUSED;
    if (out->result == GW_CREDIT_REFUSED)
        snprintf(out->reason, sizeof out->reason, "%s", refused[r[0]]);
    return true;
}

/* The command block of command cmd, MACs over di. */
static bool encode_block(const gw_credit_req_t *req, uint16_t cmd, uint32_t di, uint32_t operator_code,
                         const uint8_t master[16], uint16_t r[MBP_N_COMMAND], kmsg_t *msg)
{
    meter_credit_mac_t c = {.di = di, .amount = (uint32_t)req->amount, .count = req->count, .operator_code = operator_code};
    uint8_t addr[6], kmeter[16], mac1[4], mac2[4];
    if (req->amount < 0 || req->amount > UINT32_MAX || req->count == 0 || !mbp_put_bcd12(r + 5, req->customer) ||
        !mbp_put_bcd12(r + 8, req->to.meter) || !dlt645_addr_from_text(req->to.meter, addr) ||
        !dlt645_addr_from_text(req->customer, c.customer)) {
        kmsg_set(msg, K_EINVAL, "credit for meter %s is not expressible in modbus-prepaid (amount, count, numbers)",
                 req->to.meter);
        return false;
    }
    if (!meter_key_derive(master, addr, kmeter) || !meter_credit_macs(kmeter, &c, mac1, mac2)) {
        kmsg_set(msg, K_EIO, "the crypto library failed to compute the MACs");
        return false;
    }
    r[0] = cmd;
    mbp_put_u32(r + 1, c.amount);
    mbp_put_u32(r + 3, c.count);
    mbp_put_u32(r + 11, c.operator_code);
    r[13] = (uint16_t)(mac1[0] << 8 | mac1[1]);
    r[14] = (uint16_t)(mac1[2] << 8 | mac1[3]);
    r[15] = (uint16_t)(mac2[0] << 8 | mac2[1]);
    r[16] = (uint16_t)(mac2[2] << 8 | mac2[3]);
    return true;
}

bool mbp_encode_command(const gw_credit_req_t *req, uint32_t operator_code, const uint8_t master[16],
                        uint16_t r[MBP_N_COMMAND], kmsg_t *msg)
{
    return encode_block(req, req->open_account ? MBP_CMD_OPEN_ACCOUNT : MBP_CMD_RECHARGE,
                        req->open_account ? DLT645_DI_OPEN_ACCOUNT : DLT645_DI_RECHARGE, operator_code, master, r, msg);
}

bool mbp_encode_refund(const gw_credit_req_t *req, uint32_t operator_code, const uint8_t master[16],
                       uint16_t r[MBP_N_COMMAND], kmsg_t *msg)
{
    return encode_block(req, MBP_CMD_REFUND, MBP_REFUND_MAC_DI, operator_code, master, r, msg);
}

bool mbp_encode_alarms(const gw_settings_t *s, uint16_t r[MBP_N_ALARMS], kmsg_t *msg)
{
    for (int i = 0; i < 2; i++) {
        if (s->alarm[i] < 0 || s->alarm[i] > UINT32_MAX) {
            kmsg_set(msg, K_EINVAL, "alarm amount %d (%lld) is outside 0..%u minor units", i + 1,
                     (long long)s->alarm[i], UINT32_MAX);
            return false;
        }
        mbp_put_u32(r + 2 * i, (uint32_t)s->alarm[i]);
    }
    return true;
}

bool mbp_encode_prices(const gw_settings_t *s, uint16_t r[MBP_N_PRICES], kmsg_t *msg)
{
    for (int b = 0; b < BAND_COUNT; b++) {
        int64_t p = s->price[b];
        if (p < 0 || p % 100 != 0 || p / 100 > UINT32_MAX) {
            kmsg_set(msg, K_EINVAL, "the %s price does not convert exactly to 0.0001 of the major unit per kWh",
                     tariff_band_name((tou_band_t)b));
            return false;
        }
        mbp_put_u32(r + 2 * b, (uint32_t)(p / 100));
    }
    return true;
}

bool mbp_encode_day_table(const gw_settings_t *s, uint16_t r[MBP_N_DAY_TABLE], kmsg_t *msg)
{
    memset(r, 0, sizeof(uint16_t) * MBP_N_DAY_TABLE);
    if (s->n_periods == 0 || s->n_periods > GW_MAX_PERIODS) {
        kmsg_set(msg, K_EINVAL, "the day table needs 1..%d periods, not %zu", GW_MAX_PERIODS, s->n_periods);
        return false;
    }
    r[0] = (uint16_t)s->n_periods;
    for (size_t i = 0; i < s->n_periods; i++) {
        if (s->period[i].minute >= 1440 || (unsigned)s->period[i].band >= BAND_COUNT) {
            kmsg_set(msg, K_EINVAL, "day period %zu is not a minute of the day and a band", i + 1);
            return false;
        }
        r[1 + 2 * i] = s->period[i].minute;
        r[2 + 2 * i] = (uint16_t)(s->period[i].band + 1);
    }
    return true;
}

bool mbp_decode_frozen(const uint16_t r[MBP_N_FROZEN], gw_frozen_t *out, kmsg_t *msg)
{
    out->none = r[0] == 0;
    if (out->none)
        return true;
    if (!gw_frozen_set_time(out, r[0], r[1], r[2], r[3], r[4]) || (r[15] != 0 && r[15] != 4)) {
        kmsg_set(msg, K_EDEVICE, "the frozen block holds no freeze time (%u-%u-%u %u:%u) or %u bands", r[0], r[1],
                 r[2], r[3], r[4], r[15]);
        return false;
    }
    out->energy_total = (int64_t)mbp_u32(r + 5) * 10; /* 0.01 kWh = 10 Wh */
    for (int b = 0; b < 4; b++)
        out->energy_band[b] = r[15] ? (int64_t)mbp_u32(r + 7 + 2 * b) * 10 : 0;
    out->bands_absent = r[15] == 0;
    return true;
}
