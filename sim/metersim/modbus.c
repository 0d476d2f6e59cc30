/* The meters' side of modbus-prepaid (docs/protocols/modbus-prepaid.md) on
 * libmodbus. The register numbers are this file's own copy of that page.
 *
 * The poll loop frames each request ADU itself (so a half-sent request
 * never blocks the other ports); libmodbus then builds every reply:
 * modbus_reply from the meter's mapping, refreshed from its state just
 * before, or modbus_reply_exception. Replies are written into a socketpair
 * and taken back, so the bus can time them and apply faults. */
#include <errno.h>
#include <modbus.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "sim/metersim/msim.h"

enum {
    REG_ENERGY = 0x0000,
    REG_BANDS = 0x0002, /* sharp .. valley, 0002-0009: a single-rate meter has none */
    REG_BANDS_LAST = 0x0009,
    REG_VOLTAGE = 0x000B,
    REG_CURRENT = 0x000C,
    REG_POWER = 0x000D,
    REG_PF = 0x0010,
    REG_PREPAID = 0x0100,
    REG_COMMAND = 0x0110,
    N_COMMAND = 17,
    REG_RESULT = 0x0128,
    REG_RELAY = 0x0130,
    REG_ALARMS = 0x0140, /* 2 x UINT32 */
    N_ALARMS = 4,
    REG_PRICES = 0x0144, /* 4 x UINT32 */
    N_PRICES = 8,
    REG_DAY_TABLE = 0x0150, /* n, then 14 x (minute, tariff) */
    N_DAY_TABLE = 29,
    REG_FROZEN = 0x0170,
    REG_FROZEN_LAST = 0x017F,
    N_REGS = REG_FROZEN_LAST + 1,
    CMD_RECHARGE = 1,
    CMD_OPEN_ACCOUNT = 2,
    CMD_REFUND = 3,
};

#define VOLTAGE_DV 2200 /* 220.0 V */
#define PF_MILLI 1000

/* The readable ranges; a read must lie inside one. */
static const struct {
    int first, last;
} readable[] = {{0x0000, 0x0010}, {0x0100, 0x010F}, {0x0128, 0x012C}, {0x0140, 0x016C}, {0x0170, 0x017F}};

struct msim_mb {
    modbus_t *ctx;
    int pair[2]; /* libmodbus writes replies into [0]; they are read from [1] */
    modbus_mapping_t **maps;
    size_t n_maps;
};

static void put_u32(uint16_t *r, uint32_t v)
{
    r[0] = (uint16_t)(v >> 16);
    r[1] = (uint16_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* 12 digits into 3 registers, most significant first ("" = 0). */
static void put_bcd12(uint16_t *r, const char *digits)
{
    for (int i = 0; i < 12; i++) {
        unsigned d = digits[0] ? (unsigned)(digits[i] - '0') : 0;
        r[i / 4] = (uint16_t)(r[i / 4] << 4 | d);
    }
}

/* 3 registers (6 bytes, big-endian) as 12 digits; false if not BCD. */
static bool get_bcd12(const uint8_t *p, char out[MSIM_NUM_LEN])
{
    for (int i = 0; i < 12; i++) {
        unsigned nib = (p[i / 2] >> (i % 2 ? 0 : 4)) & 0xF;
        if (nib > 9)
            return false;
        out[i] = (char)('0' + nib);
    }
    out[12] = '\0';
    return true;
}

static uint32_t clamp_u32(int64_t v)
{
    return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static uint32_t as_int32(int64_t v)
{
    return (uint32_t)(int32_t)(v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v);
}

static void refresh_measurements(const msim_t *s, const msim_meter_t *m, uint16_t *r)
{
    put_u32(r + REG_ENERGY, clamp_u32(m->energy_total / 10)); /* 0.01 kWh */
    for (int b = 0; b < BAND_COUNT; b++)
        put_u32(r + REG_ENERGY + 2 + 2 * b, m->kind == MSIM_WATER ? 0 : clamp_u32(m->energy_band[b] / 10));
    if (m->kind == MSIM_WATER)
        return;
    int64_t w = msim_power_now(s, m);
    int64_t centiamps = w * 1000000 / ((int64_t)VOLTAGE_DV * PF_MILLI); /* I = P / (U x pf) */
    r[REG_VOLTAGE] = VOLTAGE_DV;
    r[REG_CURRENT] = (uint16_t)(centiamps > UINT16_MAX ? UINT16_MAX : centiamps);
    r[REG_POWER] = (uint16_t)(w > INT16_MAX ? INT16_MAX : w); /* 0.001 kW = 1 W */
    r[REG_PF] = PF_MILLI;
}

static uint16_t flags(const msim_meter_t *m)
{
    return (uint16_t)((m->tamper & (MSIM_T_COVER | MSIM_T_TERMINAL) ? 1u : 0) |
                      (m->tamper & MSIM_T_MAGNETIC ? 2u : 0) | (m->tamper & MSIM_T_REVERSE ? 4u : 0) |
                      (msim_low_balance(m) ? 8u : 0) | (msim_pretrip(m) ? 16u : 0));
}

/* Alarm amounts, prices and the day table as written. */
static void refresh_settings(const msim_meter_t *m, uint16_t *r)
{
    memset(r + REG_ALARMS, 0, sizeof *r * (REG_FROZEN - REG_ALARMS));
    for (int i = 0; i < 2; i++)
        put_u32(r + REG_ALARMS + 2 * i, clamp_u32(m->alarm_amount[i]));
    for (int b = 0; b < BAND_COUNT; b++)
        put_u32(r + REG_PRICES + 2 * b, clamp_u32(m->price[b]));
    r[REG_DAY_TABLE] = (uint16_t)m->n_periods;
    for (size_t i = 0; i < m->n_periods; i++) {
        r[REG_DAY_TABLE + 1 + 2 * i] = m->period[i].minute;
        r[REG_DAY_TABLE + 2 + 2 * i] = m->period[i].tariff;
    }
}

/* The last freeze: local time, total and bands, number of bands. */
static void refresh_frozen(const msim_meter_t *m, uint16_t *r)
{
    uint16_t *f = r + REG_FROZEN;
    time_t t = (time_t)(m->frozen_ms / 1000);
    struct tm tm;
    memset(f, 0, sizeof *f * (REG_FROZEN_LAST - REG_FROZEN + 1));
    if (m->frozen_ms == 0 || !localtime_r(&t, &tm))
        return;
    f[0] = (uint16_t)(tm.tm_year + 1900);
    f[1] = (uint16_t)(tm.tm_mon + 1);
    f[2] = (uint16_t)tm.tm_mday;
    f[3] = (uint16_t)tm.tm_hour;
    f[4] = (uint16_t)tm.tm_min;
    put_u32(f + 5, clamp_u32(m->frozen_total / 10));
    bool bands = m->rates != MSIM_RATES_SINGLE;
    for (int b = 0; bands && b < BAND_COUNT; b++)
        put_u32(f + 7 + 2 * b, clamp_u32(m->frozen_band[b] / 10));
    f[15] = bands ? 4 : 0;
}

static void refresh(const msim_t *s, const msim_meter_t *m, modbus_mapping_t *map)
{
    uint16_t *r = map->tab_registers;
    memset(r, 0, sizeof *r * (REG_COMMAND));
    refresh_measurements(s, m, r);
    uint16_t *p = r + REG_PREPAID;
    put_u32(p, as_int32(m->balance));
    put_u32(p + 2, m->count);
    p[4] = m->relay_open ? 1 : 0;
    p[5] = flags(m);
    p[6] = m->kind == MSIM_WATER ? 2 : 1;
    put_bcd12(p + 7, m->addr);
    put_bcd12(p + 10, m->customer);
    put_u32(p + 13, clamp_u32(m->purchased));
    memcpy(r + REG_RESULT, m->mb_result, sizeof m->mb_result);
    refresh_settings(m, r);
    refresh_frozen(m, r);
}

static bool is_readable(const msim_meter_t *m, int addr, int n)
{
    if (m->rates == MSIM_RATES_SINGLE && addr <= REG_BANDS_LAST && addr + n - 1 >= REG_BANDS)
        return false;
    if (!m->freezes && addr <= REG_FROZEN_LAST && addr + n - 1 >= REG_FROZEN)
        return false; /* a meter without a daily freeze */
    for (size_t i = 0; i < sizeof readable / sizeof readable[0]; i++)
        if (addr >= readable[i].first && addr + n - 1 <= readable[i].last)
            return true;
    return false;
}

/* The command block (data = 34 bytes, big-endian registers 0110-0120);
 * returns 0, or the exception for a command number that is not one. */
static int run_command(msim_t *s, msim_meter_t *m, const uint8_t *d)
{
    uint16_t cmd = get_u16(d);
    if (cmd != CMD_RECHARGE && cmd != CMD_OPEN_ACCOUNT && cmd != CMD_REFUND)
        return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
    msim_credit_req_t c = {.open_account = cmd == CMD_OPEN_ACCOUNT,
                           .refund = cmd == CMD_REFUND,
                           .amount = get_u32(d + 2),
                           .count = get_u32(d + 6),
                           .operator_code = get_u32(d + 22),
                           .protocol = "modbus"};
    char meter[MSIM_NUM_LEN], customer[MSIM_NUM_LEN];
    memcpy(c.mac1, d + 26, 4);
    memcpy(c.mac2, d + 30, 4);
    msim_result_t v;
    if (!get_bcd12(d + 16, meter) || strcmp(meter, m->addr) != 0)
        v = MSIM_WRONG_METER;
    else if (!get_bcd12(d + 10, customer) || !msim_bcd12_from_text(customer, c.customer))
        v = MSIM_CUSTOMER;
    else
        v = msim_credit(s, m, &c);
    m->mb_result[0] = (uint16_t)v;
    put_u32(m->mb_result + 1, as_int32(m->balance));
    put_u32(m->mb_result + 3, m->count);
    return 0;
}

/* 03 for a value that is no command; 04 for a trip while the meter keeps
 * power on. */
static int relay_value(msim_t *s, msim_meter_t *m, uint16_t v)
{
    msim_relay_result_t r = v <= 0xFF ? msim_relay(s, m, v, "modbus") : MSIM_RELAY_UNKNOWN;
    return r == MSIM_RELAY_DONE      ? 0
           : r == MSIM_RELAY_UNKNOWN ? MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE
                                     : MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
}

/* The settings blocks (data big-endian): each written whole. */
static int write_settings(msim_t *s, msim_meter_t *m, int addr, const uint8_t *d)
{
    int64_t v[BAND_COUNT];
    if (addr == REG_ALARMS || addr == REG_PRICES) {
        for (int i = 0; i < (addr == REG_ALARMS ? 2 : BAND_COUNT); i++)
            v[i] = get_u32(d + 4 * i);
        if (addr == REG_ALARMS)
            msim_set_alarms(s, m, v, "modbus");
        else
            msim_set_prices(s, m, v, "modbus");
        return 0;
    }
    msim_period_t p[MSIM_MAX_PERIODS];
    size_t n = get_u16(d);
    for (size_t i = 0; i < n && i < MSIM_MAX_PERIODS; i++) {
        uint16_t tariff = get_u16(d + 4 + 4 * i);
        p[i] = (msim_period_t){.minute = get_u16(d + 2 + 4 * i), .tariff = (uint8_t)(tariff > 9 ? 0 : tariff)};
    }
    return msim_set_day_table(s, m, p, n, "modbus") ? 0 : MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
}

/* Function 16: only the whole command block, a whole settings block, or
 * the relay register. */
static int write_multiple(msim_t *s, msim_meter_t *m, const uint8_t *adu, size_t len)
{
    int addr = get_u16(adu + 8), n = get_u16(adu + 10), bytes = adu[12];
    if (len < 13 || n < 1 || n > MODBUS_MAX_WRITE_REGISTERS || bytes != 2 * n || len != 13 + (size_t)bytes)
        return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
    if (addr == REG_COMMAND && n == N_COMMAND)
        return run_command(s, m, adu + 13);
    if (addr == REG_RELAY && n == 1)
        return relay_value(s, m, get_u16(adu + 13));
    if ((addr == REG_ALARMS && n == N_ALARMS) || (addr == REG_PRICES && n == N_PRICES) ||
        (addr == REG_DAY_TABLE && n == N_DAY_TABLE))
        return write_settings(s, m, addr, adu + 13);
    return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
}

/* Checks the request and carries out a write before the reply is built;
 * returns 0 (libmodbus answers from the mapping) or an exception code. */
static int check_and_apply(msim_t *s, msim_meter_t *m, const uint8_t *adu, size_t len)
{
    uint8_t fn = adu[7];
    if (fn == MODBUS_FC_WRITE_MULTIPLE_REGISTERS)
        return write_multiple(s, m, adu, len);
    if (fn != MODBUS_FC_READ_HOLDING_REGISTERS && fn != MODBUS_FC_WRITE_SINGLE_REGISTER)
        return MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
    if (len != 12)
        return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
    int addr = get_u16(adu + 8), v = get_u16(adu + 10);
    if (fn == MODBUS_FC_WRITE_SINGLE_REGISTER)
        return addr == REG_RELAY ? relay_value(s, m, (uint16_t)v) : MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
    if (v < 1 || v > MODBUS_MAX_READ_REGISTERS)
        return 0; /* libmodbus answers "illegal data value" */
    return is_readable(m, addr, v) ? 0 : MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
}

/* Takes back what libmodbus wrote into the socketpair. */
static size_t take_reply(msim_mb_t *mb, uint8_t *out)
{
    ssize_t n = recv(mb->pair[1], out, MSIM_MB_MAX_ADU, MSG_DONTWAIT);
    return n > 0 ? (size_t)n : 0;
}

size_t msim_mb_handle(msim_t *s, const uint8_t *adu, size_t len, uint8_t *out)
{
    msim_mb_t *mb = s->mb;
    msim_meter_t *m = len >= 8 ? msim_find_unit(s, adu[6]) : NULL;
    if (!m || m->offline)
        return 0;
    uint8_t req[MSIM_MB_MAX_ADU] = {0};
    memcpy(req, adu, len);
    int exception = check_and_apply(s, m, req, len);
    modbus_mapping_t *map = mb->maps[m - s->meters];
    refresh(s, m, map);
    modbus_set_socket(mb->ctx, mb->pair[0]);
    int rc = exception ? modbus_reply_exception(mb->ctx, req, (unsigned)exception)
                       : modbus_reply(mb->ctx, req, (int)len, map);
    if (rc < 0) {
        LOG_W(MSIM_LOG, "libmodbus could not build the reply for unit %d: %s", adu[6], modbus_strerror(errno));
        return 0;
    }
    return take_reply(mb, out);
}

void msim_mb_corrupt(uint8_t *adu, size_t len)
{
    if (len > 7)
        adu[7] ^= 0x40; /* the function byte: 03 becomes 43 */
}

static kerr_t make_maps(msim_t *s, msim_mb_t *mb, kmsg_t *msg)
{
    if (!(mb->maps = calloc(s->n, sizeof *mb->maps)))
        return kmsg_set(msg, K_EIO, "out of memory");
    for (mb->n_maps = 0; mb->n_maps < s->n; mb->n_maps++)
        if (!(mb->maps[mb->n_maps] = modbus_mapping_new_start_address(0, 0, 0, 0, 0, N_REGS, 0, 0)))
            return kmsg_set(msg, K_EIO, "libmodbus: %s", modbus_strerror(errno));
    return K_OK;
}

kerr_t msim_mb_open(msim_t *s, const char *addr, int port, int *fd, kmsg_t *msg)
{
    msim_mb_t *mb = calloc(1, sizeof *mb);
    if (!mb)
        return kmsg_set(msg, K_EIO, "out of memory");
    mb->pair[0] = mb->pair[1] = -1;
    s->mb = mb;
    if (!(mb->ctx = modbus_new_tcp(addr, port)))
        return kmsg_set(msg, K_EINVAL, "libmodbus: %s:%d: %s", addr, port, modbus_strerror(errno));
    modbus_set_response_timeout(mb->ctx, 0, 1); /* an exception reply "sleeps" this long */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mb->pair) != 0)
        return kmsg_set(msg, K_EIO, "socketpair: %s", strerror(errno));
    kerr_t rc = make_maps(s, mb, msg);
    if (rc)
        return rc;
    if ((*fd = modbus_tcp_listen(mb->ctx, 16)) < 0)
        return kmsg_set(msg, K_EIO, "cannot listen on %s:%d (Modbus): %s", addr, port, modbus_strerror(errno));
    return K_OK;
}

int msim_mb_accept(msim_t *s, int listen_fd)
{
    int fd = listen_fd;
    return modbus_tcp_accept(s->mb->ctx, &fd);
}

void msim_mb_close(msim_t *s)
{
    msim_mb_t *mb = s->mb;
    if (!mb)
        return;
    for (size_t i = 0; i < mb->n_maps; i++)
        modbus_mapping_free(mb->maps[i]);
    free(mb->maps);
    for (int i = 0; i < 2; i++)
        if (mb->pair[i] >= 0)
            close(mb->pair[i]);
    if (mb->ctx)
        modbus_free(mb->ctx);
    free(mb);
    s->mb = NULL;
}
