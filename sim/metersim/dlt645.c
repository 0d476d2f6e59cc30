/* The meters' side of dlt645-prepaid (docs/protocols/dlt645-prepaid.md):
 * reads (C = 11), recharge and open account (C = 03), relay control
 * and keep power (C = 1C), writes of alarm amounts, prices and the day
 * table (C = 14), the daily freeze read back. The DI numbers are this file's own copy of the profile; the
 * framing is dlt_frame.c's. */
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "sim/metersim/msim.h"

#define DI_ENERGY_TOTAL 0x00000000u
#define DI_ENERGY_BLOCK 0x0001FF00u
#define DI_REMAINING 0x00900200u
#define DI_OVERDRAFT 0x00900201u
#define DI_COUNT 0x03330201u
#define DI_STATUS3 0x04000503u
#define DI_STATUS7 0x04000507u
#define DI_CUSTOMER 0x0400040Eu
#define DI_RECHARGE 0x070102FFu
#define DI_OPEN_ACCOUNT 0x070101FFu
#define DI_ALARM1 0x04001001u
#define DI_ALARM2 0x04001002u
#define DI_PRICE1 0x04050101u /* .. 0x04050104: sharp, peak, flat, valley */
#define DI_DAY_TABLE1 0x04010001u
#define DI_FROZEN_TIME 0x05060001u
#define DI_FROZEN_ENERGY 0x05060101u

#define ERR_OTHER 0x01   /* error byte bit 0 */
#define ERR_NO_DATA 0x02 /* bit 1 */
#define ERR_AUTH 0x04    /* bit 2 */
#define ERR_DAY_SLOTS 0x20 /* bit 5: too many day periods */

#define BCD8_MAX 99999999 /* XXXXXX.XX in 4 bytes */

/* A value that wraps like a meter's register: v modulo 10^8, 4 BCD bytes. */
static void put_bcd4(uint8_t *p, int64_t v)
{
    msim_bcd_put((uint64_t)(v < 0 ? 0 : v) % (BCD8_MAX + 1ull), p, 4);
}

/* Money reads saturate instead: 0 and 999999.99 are the limits. */
static void put_money4(uint8_t *p, int64_t v)
{
    msim_bcd_put((uint64_t)(v < 0 ? 0 : v > BCD8_MAX ? BCD8_MAX : v), p, 4);
}

static uint16_t status3(const msim_meter_t *m)
{
    return (uint16_t)((m->relay_open ? 1u << 4 : 0) | (m->trip_commanded ? 1u << 6 : 0) |
                      (msim_pretrip(m) ? 1u << 7 : 0) | 2u << 8); /* 10: money prepaid */
}

static uint16_t status7(const msim_meter_t *m)
{
    return (uint16_t)((m->tamper & (MSIM_T_COVER | MSIM_T_TERMINAL | MSIM_T_MAGNETIC | MSIM_T_REVERSE)) |
                      (msim_low_balance(m) ? 1u << 4 : 0));
}

/* The last freeze's time, mm hh DD MM YY in local time; zeros before the
 * first. */
static void put_frozen_time(const msim_meter_t *m, uint8_t *p)
{
    time_t t = (time_t)(m->frozen_ms / 1000);
    struct tm tm;
    memset(p, 0, 5);
    if (m->frozen_ms == 0 || !localtime_r(&t, &tm))
        return;
    const int f[5] = {tm.tm_min, tm.tm_hour, tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100};
    for (int i = 0; i < 5; i++)
        msim_bcd_put((uint64_t)f[i], p + i, 1);
}

/* The last freeze's forward energy: total and bands, or the total alone
 * on a single-rate meter; 0 for a meter that keeps no freeze. */
static size_t frozen_energy(const msim_meter_t *m, uint8_t *p)
{
    if (!m->freezes)
        return 0;
    put_bcd4(p, m->frozen_total / 10);
    if (m->rates == MSIM_RATES_SINGLE)
        return 4;
    for (int b = 0; b < BAND_COUNT; b++)
        put_bcd4(p + 4 + 4 * b, m->frozen_band[b] / 10);
    return 20;
}

/* The value of di after the DI in p; returns its length, or 0 for a DI the
 * meter does not have. Energy is in 0.01 kWh (water: 0.01 m3) = 10 Wh. */
static size_t read_value(const msim_meter_t *m, uint32_t di, uint8_t *p)
{
    uint16_t w;
    switch (di) {
    case DI_ENERGY_TOTAL: put_bcd4(p, m->energy_total / 10); return 4;
    case DI_ENERGY_BLOCK:
        if (m->rates == MSIM_RATES_SINGLE)
            return 0; /* no TOU registers: no such data */
        put_bcd4(p, m->energy_total / 10);
        for (int b = 0; b < BAND_COUNT; b++)
            put_bcd4(p + 4 + 4 * b, m->energy_band[b] / 10);
        return 20;
    case DI_REMAINING: put_money4(p, m->balance); return 4;
    case DI_OVERDRAFT: put_money4(p, -m->balance); return 4;
    case DI_COUNT: msim_bcd_put(m->count % 10000u, p, 2); return 2;
    case DI_CUSTOMER: /* 12 BCD digits lowest byte first; zeros before the account is opened */
        if (!m->customer[0] || !msim_bcd12_from_text(m->customer, p))
            memset(p, 0, 6);
        return 6;
    case DI_FROZEN_TIME:
        if (!m->freezes)
            return 0;
        put_frozen_time(m, p);
        return 5;
    case DI_FROZEN_ENERGY: return frozen_energy(m, p);
    case DI_STATUS3: w = status3(m); break;
    case DI_STATUS7: w = status7(m); break;
    default: return 0;
    }
    p[0] = (uint8_t)w;
    p[1] = (uint8_t)(w >> 8);
    return 2;
}

static void error_reply(msim_dlt_frame_t *r, uint8_t err)
{
    r->ctrl |= MSIM_DLT_ERROR;
    r->len = 1;
    r->data[0] = err;
}

static void do_read(const msim_meter_t *m, const msim_dlt_frame_t *req, msim_dlt_frame_t *r)
{
    if (req->len != 4) {
        error_reply(r, ERR_OTHER);
        return;
    }
    size_t n = read_value(m, msim_le32_get(req->data), r->data + 4);
    if (n == 0) {
        error_reply(r, ERR_NO_DATA);
        return;
    }
    memcpy(r->data, req->data, 4);
    r->len = (uint8_t)(4 + n);
}

/* The security error word bit of a refusal. */
static unsigned error_word(msim_result_t v)
{
    switch (v) {
    case MSIM_APPLIED: return 0;
    case MSIM_REPEATED: return 1u << 1;
    case MSIM_MAC_FAILED: return 1u << 2;
    case MSIM_CUSTOMER: return 1u << 4;
    case MSIM_COUNT_MISMATCH: return 1u << 5;
    case MSIM_HOARDING: return 1u << 6;
    case MSIM_WRONG_METER: return 1u << 7;
    case MSIM_SUSPENDED: return 1u << 8;
    case MSIM_OVER_BALANCE: break; /* a refund: not in this profile */
    }
    return 1u << 0;
}

static void security_error(msim_dlt_frame_t *r, unsigned word)
{
    r->ctrl |= MSIM_DLT_ERROR;
    r->len = 2;
    r->data[0] = (uint8_t)word;
    r->data[1] = (uint8_t)(word >> 8);
}

/* DATA: DI, operator, amount, count, MAC1, customer, MAC2 (L = 30). */
static void do_credit(msim_t *s, msim_meter_t *m, const msim_dlt_frame_t *req, msim_dlt_frame_t *r)
{
    const uint8_t *d = req->data;
    uint32_t di = req->len == 30 ? msim_le32_get(d) : 0;
    if (di != DI_RECHARGE && di != DI_OPEN_ACCOUNT) {
        security_error(r, 1u << 0);
        return;
    }
    msim_credit_req_t c = {.open_account = di == DI_OPEN_ACCOUNT,
                           .operator_code = msim_le32_get(d + 4),
                           .amount = msim_le32_get(d + 8),
                           .count = msim_le32_get(d + 12),
                           .protocol = "dlt645"};
    memcpy(c.mac1, d + 16, 4);
    memcpy(c.customer, d + 20, 6);
    memcpy(c.mac2, d + 26, 4);
    msim_result_t v = msim_credit(s, m, &c);
    if (v != MSIM_APPLIED) {
        security_error(r, error_word(v));
        return;
    }
    memcpy(r->data, d, 4);
    msim_le32_put(r->data + 4, (uint32_t)(int32_t)m->balance);
    msim_le32_put(r->data + 8, m->count);
    r->len = 12;
}

/* The deadline ss mm hh DD MM YY must be a date; it is not enforced. */
static bool deadline_ok(const uint8_t *p)
{
    static const uint64_t max[6] = {59, 59, 23, 31, 12, 99}, min[6] = {0, 0, 0, 1, 1, 0};
    for (int i = 0; i < 6; i++) {
        uint64_t v;
        if (!msim_bcd_get(p + i, 1, &v) || v < min[i] || v > max[i])
            return false;
    }
    return true;
}

static bool password_ok(const uint8_t *p)
{
    return p[0] == 0x02 && !p[1] && !p[2] && !p[3];
}

/* DATA: PA P0 P1 P2, operator (4), N1, N2, deadline (6) (L = 16). */
static void do_relay(msim_t *s, msim_meter_t *m, const msim_dlt_frame_t *req, msim_dlt_frame_t *r)
{
    const uint8_t *d = req->data;
    if (req->len != 16) {
        error_reply(r, ERR_OTHER);
        return;
    }
    if (!password_ok(d)) {
        error_reply(r, ERR_AUTH);
        return;
    }
    if (!deadline_ok(d + 10) || msim_relay(s, m, d[8], "dlt645") != MSIM_RELAY_DONE) {
        error_reply(r, ERR_OTHER); /* not a command, or a trip while keeping power on */
        return;
    }
    r->len = 0;
}

/* n values of 4 BCD bytes at p; false if one is not BCD. */
static bool get_bcd4s(const uint8_t *p, size_t n, int64_t *out)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        if (!msim_bcd_get(p + 4 * i, 4, &v))
            return false;
        out[i] = (int64_t)v;
    }
    return true;
}

/* The day table: n periods NN mm hh; returns the error byte, 0 if taken. */
static uint8_t write_day_table(msim_t *s, msim_meter_t *m, const uint8_t *v, size_t len)
{
    msim_period_t p[MSIM_MAX_PERIODS];
    size_t n = len / 3;
    if (len % 3 || n == 0)
        return ERR_OTHER;
    if (n > MSIM_MAX_PERIODS)
        return ERR_DAY_SLOTS;
    for (size_t i = 0; i < n; i++) {
        uint64_t nn, mm, hh;
        if (!msim_bcd_get(v + 3 * i, 1, &nn) || !msim_bcd_get(v + 3 * i + 1, 1, &mm) ||
            !msim_bcd_get(v + 3 * i + 2, 1, &hh) || mm > 59 || hh > 23)
            return ERR_OTHER;
        p[i] = (msim_period_t){.minute = (uint16_t)(hh * 60 + mm), .tariff = (uint8_t)nn};
    }
    return msim_set_day_table(s, m, p, n, "dlt645") ? 0 : ERR_OTHER;
}

/* Carries out a write of di with its value; returns the error byte, 0 if
 * taken. Alarm amounts are written one DI at a time; the meter keeps the
 * other. */
static uint8_t apply_write(msim_t *s, msim_meter_t *m, uint32_t di, const uint8_t *v, size_t len)
{
    int64_t x[1];
    if (di == DI_DAY_TABLE1)
        return write_day_table(s, m, v, len);
    if (len != 4 || !get_bcd4s(v, 1, x))
        return (di == DI_ALARM1 || di == DI_ALARM2 || (di >= DI_PRICE1 && di < DI_PRICE1 + BAND_COUNT)) ? ERR_OTHER
                                                                                                    : ERR_NO_DATA;
    if (di == DI_ALARM1 || di == DI_ALARM2) {
        int64_t a[2] = {m->alarm_amount[0], m->alarm_amount[1]};
        a[di == DI_ALARM2] = x[0];
        msim_set_alarms(s, m, a, "dlt645");
        return 0;
    }
    if (di >= DI_PRICE1 && di < DI_PRICE1 + BAND_COUNT) {
        int64_t pr[BAND_COUNT];
        memcpy(pr, m->price, sizeof pr);
        pr[di - DI_PRICE1] = x[0];
        msim_set_prices(s, m, pr, "dlt645");
        return 0;
    }
    return ERR_NO_DATA;
}

/* DATA: DI, PA P0 P1 P2, operator (4), the value (L = 12 + its length). */
static void do_write(msim_t *s, msim_meter_t *m, const msim_dlt_frame_t *req, msim_dlt_frame_t *r)
{
    if (req->len < 13) {
        error_reply(r, ERR_OTHER);
        return;
    }
    if (!password_ok(req->data + 4)) {
        error_reply(r, ERR_AUTH);
        return;
    }
    uint8_t err = apply_write(s, m, msim_le32_get(req->data), req->data + 12, req->len - 12u);
    if (err)
        error_reply(r, err);
    else
        r->len = 0;
}

size_t msim_dlt_handle(msim_t *s, const msim_dlt_frame_t *req, uint8_t *out)
{
    msim_meter_t *m = msim_find_wire(s, req->addr);
    if (!m || m->offline || (req->ctrl & MSIM_DLT_REPLY))
        return 0;
    msim_dlt_frame_t r = {.ctrl = (uint8_t)(MSIM_DLT_REPLY | MSIM_DLT_FN(req->ctrl))};
    memcpy(r.addr, req->addr, 6);
    switch (MSIM_DLT_FN(req->ctrl)) {
    case MSIM_DLT_READ: do_read(m, req, &r); break;
    case MSIM_DLT_SECURITY: do_credit(s, m, req, &r); break;
    case MSIM_DLT_RELAY: do_relay(s, m, req, &r); break;
    case MSIM_DLT_WRITE: do_write(s, m, req, &r); break;
    default: error_reply(&r, ERR_OTHER); break;
    }
    return msim_dlt_encode(&r, out, MSIM_DLT_MAX_FRAME);
}

void msim_dlt_corrupt(uint8_t *frame, size_t len)
{
    if (len >= 2)
        frame[len - 2] = (uint8_t)(frame[len - 2] + 1); /* CS */
}
