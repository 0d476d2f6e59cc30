/* EF_WRITEBACK as the meter writes it after an insertion (docs/card.md,
 * "EF_WRITEBACK"): the meter's state carried back to the kiosk. Registers
 * wider than the card's 6 bytes wrap, as a register does; money below or
 * above 32 bits is held at the end of the range. */
#include <stdio.h>
#include <time.h>

#include "sim/metersim/card_slot.h"

_Static_assert(MSIM_T_COVER == 1 << 0 && MSIM_T_TERMINAL == 1 << 1 && MSIM_T_MAGNETIC == 1 << 2 &&
                   MSIM_T_REVERSE == 1 << 3,
               "the card's tamper bits are the meter's: meter cover, terminal cover, magnetic field, reverse");
_Static_assert(BAND_SHARP == 0 && BAND_PEAK == 1 && BAND_FLAT == 2 && BAND_VALLEY == 3 && BAND_COUNT == 4,
               "the card's four energies are sharp, peak, flat, valley, in the tariff's band order");

#define REG48 ((int64_t)1 << 48)

static int64_t reg48(int64_t wh)
{
    return wh < 0 ? 0 : wh % REG48;
}

static int64_t money32(int64_t v)
{
    return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v;
}

/* YYMMDDhhmmss, UTC, of the simulated time. */
static void time_digits(int64_t ms, char out[MSIM_CARD_DIGITS])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, MSIM_CARD_DIGITS, "%02d%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static uint8_t status_bits(const msim_meter_t *m, bool bound, bool taken)
{
    return (uint8_t)((m->relay_open ? MSIM_WB_RELAY_OPEN : 0) | (msim_low_balance(m) ? MSIM_WB_LOW_BALANCE : 0) |
                     (msim_pretrip(m) ? MSIM_WB_PRETRIP : 0) | (bound ? MSIM_WB_BOUND : 0) |
                     (taken ? MSIM_WB_CREDIT_TAKEN : 0));
}

kerr_t msim_card_wb_build(const msim_t *s, const msim_meter_t *m, bool bound, bool taken,
                          uint8_t out[MSIM_CARD_WB_LEN], kmsg_t *msg)
{
    msim_card_wb_t wb = {.remaining = money32(m->balance),
                         .energy_total = reg48(m->energy_total),
                         .count = m->count,
                         .status = status_bits(m, bound, taken),
                         .tamper = (uint8_t)(m->tamper & 0x0F)};
    snprintf(wb.meter, sizeof wb.meter, "%s", m->addr);
    for (int b = 0; b < BAND_COUNT; b++)
        wb.energy[b] = reg48(m->energy_band[b]);
    time_digits(s->sim_ms, wb.time);
    return msim_card_wb_encode(&wb, out, msg);
}
