#include "drivers/gateway/dlt645_cmd.h"

#include <string.h>

#define BCD8_MAX 99999999 /* 4 bytes of BCD */
#define PRICE_PER_METER_UNIT 100 /* core price units per 0.0001 of a major unit (2 decimals) */

uint8_t dlt645_relay_code(gw_relay_t cmd)
{
    switch (cmd) {
    case GW_RELAY_TRIP: return 0x1A;
    case GW_RELAY_CLOSE: return 0x1C;
    case GW_RELAY_KEEP_ON: return 0x3A;
    case GW_RELAY_KEEP_OFF: return 0x3B;
    }
    return 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Password level 02, password 00 00 00, then the operator. */
static void put_password(uint8_t *p, uint32_t operator_code)
{
    p[0] = 0x02;
    p[1] = p[2] = p[3] = 0x00;
    put_le32(p + 4, operator_code);
}

void dlt645_relay_data(uint32_t operator_code, uint8_t n1, const uint8_t deadline[6], dlt645_frame_t *f)
{
    put_password(f->data, operator_code);
    f->data[8] = n1;
    f->data[9] = 0x00;
    memcpy(f->data + 10, deadline, 6);
    f->len = 16;
}

bool dlt645_write_data(uint32_t di, uint32_t operator_code, const uint8_t *value, size_t n, dlt645_frame_t *f)
{
    if (n > DLT645_MAX_DATA - 12)
        return false;
    dlt645_put_di(f->data, di);
    put_password(f->data + 4, operator_code);
    memcpy(f->data + 12, value, n);
    f->len = (uint8_t)(12 + n);
    return true;
}

bool dlt645_money_value(int64_t minor, uint8_t out[4])
{
    return minor >= 0 && minor <= BCD8_MAX && dlt645_bcd_put((uint64_t)minor, out, 4);
}

bool dlt645_price_value(int64_t price, uint8_t out[4])
{
    return price >= 0 && price % PRICE_PER_METER_UNIT == 0 && price / PRICE_PER_METER_UNIT <= BCD8_MAX &&
           dlt645_bcd_put((uint64_t)(price / PRICE_PER_METER_UNIT), out, 4);
}

bool dlt645_day_table(const tou_switch_t *p, size_t n, uint8_t *out)
{
    if (n == 0 || n > GW_MAX_PERIODS)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i].minute >= 1440 || (unsigned)p[i].band >= BAND_COUNT)
            return false;
        dlt645_bcd_put((uint64_t)p[i].band + 1, out + 3 * i, 1);
        dlt645_bcd_put(p[i].minute % 60u, out + 3 * i + 1, 1);
        dlt645_bcd_put(p[i].minute / 60u, out + 3 * i + 2, 1);
    }
    return true;
}

bool dlt645_frozen_time(const uint8_t v[5], gw_frozen_t *out)
{
    uint64_t f[5]; /* mm hh DD MM YY */
    for (int i = 0; i < 5; i++)
        if (!dlt645_bcd_get(v + i, 1, &f[i]))
            return false;
    out->none = (f[0] | f[1] | f[2] | f[3] | f[4]) == 0;
    return out->none ||
           gw_frozen_set_time(out, 2000 + (int)f[4], (int)f[3], (int)f[2], (int)f[1], (int)f[0]);
}

bool dlt645_energy_values(const uint8_t *v, size_t n, int64_t *total, int64_t band[4])
{
    if (n != 20 && n != 4)
        return false;
    for (size_t i = 0; i < n / 4; i++) {
        uint64_t x;
        if (!dlt645_bcd_get(v + 4 * i, 4, &x))
            return false;
        int64_t wh = (int64_t)x * 10; /* 0.01 kWh = 10 Wh */
        if (i == 0)
            *total = wh;
        else
            band[i - 1] = wh;
    }
    return true;
}

bool dlt645_frozen_energy(const uint8_t *v, size_t n, gw_frozen_t *out)
{
    if (!dlt645_energy_values(v, n, &out->energy_total, out->energy_band))
        return false;
    out->bands_absent = n == 4;
    return true;
}
