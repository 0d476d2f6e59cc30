/* The DL/T 645-2007 backend: profile dlt645-prepaid over TCP to a gateway
 * (docs/protocols/dlt645-prepaid.md). One exchange at a time; reads and
 * relay commands are retried with backoff, a credit never is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "drivers/gateway/dlt645_cmd.h"
#include "drivers/gateway/dlt645_di.h"
#include "drivers/gateway/dlt645_frame.h"
#include "drivers/gateway/dlt645_read.h"
#include "drivers/gateway/gw_backends.h"
#include "drivers/gateway/meter_mac.h"
#include "drivers/transport/tcp_link.h"

#define MAX_COUNT 9999u /* reads carry the count as 4 BCD digits */

typedef struct dlt {
    tcp_link_t link;
    gw_net_opts_t opts; /* address NULL: the link holds it */
    dlt645_stream_t rx;
} dlt_t;

/* Sends req and waits for the meter's reply to it. GW_UNREACHABLE only if
 * nothing left the kiosk. */
static gw_err_t exchange_bare(dlt_t *d, const dlt645_frame_t *req, dlt645_frame_t *reply, kmsg_t *msg)
{
    uint8_t out[DLT645_MAX_FRAME];
    size_t n = dlt645_encode(req, out, sizeof out);
    bool none_sent = true;
    for (int attempt = 0; attempt < 2 && none_sent; attempt++) {
        if (tcp_link_connect(&d->link, d->opts.timeout_ms, msg) != K_OK)
            return GW_UNREACHABLE;
        tcp_link_drain(&d->link);
        memset(&d->rx, 0, sizeof d->rx);
        log_hex(LOG_DEBUG, "dlt645", "send", out, n);
        if (tcp_link_send(&d->link, out, n, &none_sent, msg) == K_OK)
            break;
        if (!none_sent)
            return GW_TIMEOUT; /* part of the frame went out: the meter may act on it */
    }
    if (none_sent)
        return GW_UNREACHABLE;
    int64_t deadline = tcp_link_now_ms() + d->opts.timeout_ms;
    for (;;) {
        while (dlt645_stream_next(&d->rx, reply)) {
            if (log_enabled(LOG_DEBUG)) {
                uint8_t raw[DLT645_MAX_FRAME];
                log_hex(LOG_DEBUG, "dlt645", "received", raw, dlt645_encode(reply, raw, sizeof raw));
            }
            if (memcmp(reply->addr, req->addr, 6) == 0 && (reply->ctrl & DLT645_C_REPLY) &&
                DLT645_FN(reply->ctrl) == DLT645_FN(req->ctrl))
                return GW_OK;
        }
        int64_t left = deadline - tcp_link_now_ms();
        uint8_t buf[256];
        long got = left > 0 ? tcp_link_recv(&d->link, buf, sizeof buf, (int)left) : 0;
        if (got < 0) {
            kmsg_set(msg, K_ETIMEOUT, "gateway %s:%u closed the connection", d->link.host, d->link.port);
            return GW_TIMEOUT;
        }
        if (got == 0 && tcp_link_now_ms() >= deadline) {
            kmsg_set(msg, K_ETIMEOUT, "no answer within %d ms", d->opts.timeout_ms);
            return GW_TIMEOUT;
        }
        dlt645_stream_feed(&d->rx, buf, (size_t)got);
    }
}

/* One request and its answer, inside the hook the opener gave. */
static gw_err_t exchange(dlt_t *d, const dlt645_frame_t *req, dlt645_frame_t *reply, kmsg_t *msg)
{
    link_hook_before(&d->opts.hook);
    gw_err_t e = exchange_bare(d, req, reply, msg);
    link_hook_after(&d->opts.hook);
    return e;
}

/* Retries an idempotent exchange (read, relay) as the retry policy says. */
static gw_err_t exchange_retrying(dlt_t *d, const dlt645_frame_t *req, dlt645_frame_t *reply, kmsg_t *msg)
{
    gw_err_t e = GW_TIMEOUT;
    for (unsigned i = 0; kretry_next(&d->opts.retry, d->opts.clk, i); i++) {
        if (i > 0)
            tcp_link_close(&d->link); /* a late answer must not be taken for this one */
        e = exchange(d, req, reply, msg);
        if (e != GW_TIMEOUT && e != GW_UNREACHABLE)
            break;
    }
    return e;
}

static gw_err_t start_frame(const char *meter, uint8_t ctrl, dlt645_frame_t *f, kmsg_t *msg)
{
    memset(f, 0, sizeof *f);
    f->ctrl = ctrl;
    if (!dlt645_addr_from_text(meter, f->addr)) {
        kmsg_set(msg, K_EINVAL, "meter number '%s' is not 12 digits", meter);
        return GW_INVALID;
    }
    return GW_OK;
}

/* Sends a read of one DI and takes the meter's reply frame. */
static gw_err_t read_reply(dlt_t *d, const char *meter, uint32_t di, dlt645_frame_t *reply, kmsg_t *msg)
{
    dlt645_frame_t req;
    gw_err_t e = start_frame(meter, DLT645_READ, &req, msg);
    if (e != GW_OK)
        return e;
    dlt645_put_di(req.data, di);
    req.len = 4;
    return exchange_retrying(d, &req, reply, msg);
}

/* The value in the reply to a read of di: the want bytes after the DI into
 * data. A meter without such data refuses, unless absent is given: then
 * *absent says so and the answer is GW_OK with nothing in data. */
static gw_err_t take_value(const char *meter, uint32_t di, const dlt645_frame_t *reply, uint8_t *data, size_t want,
                           bool *absent, kmsg_t *msg)
{
    uint8_t err = 0;
    dlt645_answer_t a = dlt645_read_answer(reply, di, want, data, &err);
    if (a == DLT645_ANSWER_VALUE || (a == DLT645_ANSWER_NO_DATA && absent)) {
        if (absent)
            *absent = a == DLT645_ANSWER_NO_DATA;
        return GW_OK;
    }
    if (a != DLT645_ANSWER_GARBLED) {
        kmsg_set(msg, K_EDEVICE, "meter %s refused to read %08X: %s", meter, di, dlt645_error_text(err));
        return GW_REFUSED;
    }
    kmsg_set(msg, K_EDEVICE, "meter %s answered the read of %08X with %u bytes of something else", meter, di,
             reply->len);
    return GW_PROTOCOL;
}

/* Reads one DI's value into data (see take_value). */
static gw_err_t read_di(dlt_t *d, const char *meter, uint32_t di, uint8_t *data, size_t want, bool *absent,
                        kmsg_t *msg)
{
    dlt645_frame_t reply;
    gw_err_t e = read_reply(d, meter, di, &reply, msg);
    return e == GW_OK ? take_value(meter, di, &reply, data, want, absent, msg) : e;
}

/* Who answers at the address: the meter number is the address its reply
 * came from; the customer number is DI 04 00 04 0E (all zeros: none bound),
 * unless the meter has no such data. */
static gw_err_t read_identity(dlt_t *d, const char *meter, gw_reading_t *out, kmsg_t *msg)
{
    dlt645_frame_t reply;
    uint8_t cust[6];
    bool absent = false;
    gw_err_t e = read_reply(d, meter, DLT645_DI_CUSTOMER, &reply, msg);
    if (e == GW_OK)
        e = take_value(meter, DLT645_DI_CUSTOMER, &reply, cust, sizeof cust, &absent, msg);
    if (e != GW_OK)
        return e;
    if (!dlt645_addr_to_text(reply.addr, out->id_meter) ||
        (!absent && !dlt645_addr_to_text(cust, out->id_customer))) {
        kmsg_set(msg, K_EDEVICE, "meter %s sent a customer number that is not BCD", meter);
        return GW_PROTOCOL;
    }
    if (!absent && strcmp(out->id_customer, "000000000000") == 0)
        out->id_customer[0] = '\0';
    out->id_customer_told = !absent;
    out->have |= GW_READ_IDENTITY;
    return GW_OK;
}

static gw_err_t read_bcd(dlt_t *d, const char *meter, uint32_t di, size_t bytes, uint64_t *v, kmsg_t *msg)
{
    uint8_t data[8];
    gw_err_t e = read_di(d, meter, di, data, bytes, NULL, msg);
    if (e == GW_OK && !dlt645_bcd_get(data, bytes, v)) {
        kmsg_set(msg, K_EDEVICE, "meter %s sent a value for %08X that is not BCD", meter, di);
        return GW_PROTOCOL;
    }
    return e;
}

static gw_err_t read_balance(dlt_t *d, const char *meter, int64_t *balance, kmsg_t *msg)
{
    uint64_t remaining, overdraft = 0;
    gw_err_t e = read_bcd(d, meter, DLT645_DI_REMAINING, 4, &remaining, msg);
    if (e == GW_OK && remaining == 0)
        e = read_bcd(d, meter, DLT645_DI_OVERDRAFT, 4, &overdraft, msg);
    *balance = remaining ? (int64_t)remaining : -(int64_t)overdraft;
    return e;
}

/* A single-rate meter has no TOU registers: the total alone, no bands. */
static gw_err_t read_total(dlt_t *d, const char *meter, gw_reading_t *out, kmsg_t *msg)
{
    uint64_t v;
    gw_err_t e = read_bcd(d, meter, DLT645_DI_ENERGY_TOTAL, 4, &v, msg);
    if (e == GW_OK) {
        out->energy_total = (int64_t)v * 10; /* 0.01 kWh = 10 Wh */
        out->bands_absent = true;
    }
    return e;
}

static gw_err_t read_energy(dlt_t *d, const char *meter, gw_reading_t *out, kmsg_t *msg)
{
    uint8_t data[20];
    bool absent = false;
    gw_err_t e = read_di(d, meter, DLT645_DI_ENERGY_BLOCK, data, sizeof data, &absent, msg);
    if (e == GW_OK && absent)
        return read_total(d, meter, out, msg);
    if (e == GW_OK && !dlt645_energy_values(data, sizeof data, &out->energy_total, out->energy_band)) {
        kmsg_set(msg, K_EDEVICE, "meter %s sent an energy register that is not BCD", meter);
        return GW_PROTOCOL;
    }
    return e;
}

static gw_err_t read_status(dlt_t *d, const char *meter, gw_reading_t *out, kmsg_t *msg)
{
    uint8_t w3[2], w7[2];
    gw_err_t e = read_di(d, meter, DLT645_DI_STATUS3, w3, 2, NULL, msg);
    if (e == GW_OK)
        e = read_di(d, meter, DLT645_DI_STATUS7, w7, 2, NULL, msg);
    if (e != GW_OK)
        return e;
    unsigned s3 = w3[0] | (unsigned)w3[1] << 8, s7 = w7[0] | (unsigned)w7[1] << 8;
    out->relay_open = s3 & (1u << 4);
    out->flags = (s3 & (1u << 7) ? GW_FLAG_PRETRIP : 0) | (s7 & 1u ? GW_FLAG_COVER : 0) |
                 (s7 & 2u ? GW_FLAG_TERMINAL : 0) | (s7 & 4u ? GW_FLAG_MAGNETIC : 0) |
                 (s7 & 8u ? GW_FLAG_REVERSE : 0) | (s7 & 16u ? GW_FLAG_LOW_BALANCE : 0);
    return GW_OK;
}

static gw_err_t dlt_read(void *ctx, const gw_target_t *to, unsigned what, gw_reading_t *out, kmsg_t *msg)
{
    const char *meter = to->meter;
    dlt_t *d = ctx;
    gw_reading_init(out, meter);
    gw_err_t e = GW_OK;
    uint64_t count;
    if (what & GW_READ_COUNT && (e = read_bcd(d, meter, DLT645_DI_COUNT, 2, &count, msg)) == GW_OK) {
        out->purchase_count = (uint32_t)count;
        out->have |= GW_READ_COUNT;
    }
    if (e == GW_OK && what & GW_READ_BALANCE && (e = read_balance(d, meter, &out->balance, msg)) == GW_OK)
        out->have |= GW_READ_BALANCE;
    if (e == GW_OK && what & GW_READ_ENERGY && (e = read_energy(d, meter, out, msg)) == GW_OK)
        out->have |= GW_READ_ENERGY;
    if (e == GW_OK && what & GW_READ_STATUS && (e = read_status(d, meter, out, msg)) == GW_OK)
        out->have |= GW_READ_STATUS;
    if (e == GW_OK && what & GW_READ_IDENTITY)
        e = read_identity(d, meter, out, msg);
    return e;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* DATA of a recharge or open account: DI, operator, amount, count, MAC1,
 * customer, MAC2 (L = 30). */
static gw_err_t build_credit(const dlt_t *d, const gw_credit_req_t *req, dlt645_frame_t *f, kmsg_t *msg)
{
    meter_credit_mac_t m = {.di = req->open_account ? DLT645_DI_OPEN_ACCOUNT : DLT645_DI_RECHARGE,
                            .amount = (uint32_t)req->amount,
                            .count = req->count,
                            .operator_code = d->opts.operator_code};
    if (!d->opts.have_key) {
        kmsg_set(msg, K_EINVAL, "no master key: set gateway.master_key_file");
        return GW_INVALID;
    }
    if (req->amount < 0 || req->amount > UINT32_MAX || req->count == 0 || req->count > MAX_COUNT) {
        kmsg_set(msg, K_EINVAL, "amount %lld or count %u is outside what dlt645-prepaid carries",
                 (long long)req->amount, req->count);
        return GW_INVALID;
    }
    if (!req->customer || !dlt645_addr_from_text(req->customer, m.customer)) {
        kmsg_set(msg, K_EINVAL, "meter %s has no 12-digit customer number (check the meter registry)", req->to.meter);
        return GW_INVALID;
    }
    uint8_t kmeter[16], *p = f->data;
    if (!meter_key_derive(d->opts.master, f->addr, kmeter) || !meter_credit_macs(kmeter, &m, p + 16, p + 26)) {
        kmsg_set(msg, K_EIO, "the crypto library failed to compute the MACs");
        return GW_INVALID;
    }
    dlt645_put_di(p, m.di);
    put_le32(p + 4, m.operator_code);
    put_le32(p + 8, m.amount);
    put_le32(p + 12, m.count);
    memcpy(p + 20, m.customer, 6);
    f->len = 30;
    return GW_OK;
}

/* The security error word in the engine's terms. */
static void decode_security_error(unsigned word, gw_credit_reply_t *out)
{
    static const struct {
        unsigned bit;
        const char *text;
    } reasons[] = {
        {2, "MAC check failed"},           {3, "identity authentication failed"},
        {4, "customer number mismatch"},   {6, "balance would exceed the hoarding limit"},
        {7, "address error"},              {8, "meter suspended"},
        {0, "other error"},
    };
    if (word & (1u << 1)) {
        out->result = GW_CREDIT_REPEATED;
        return;
    }
    if (word & (1u << 5)) {
        out->result = GW_CREDIT_COUNT_MISMATCH;
        return;
    }
    out->result = GW_CREDIT_REFUSED;
    snprintf(out->reason, sizeof out->reason, "security error word %04X", word);
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (word & (1u << reasons[i].bit)) {
            snprintf(out->reason, sizeof out->reason, "%s", reasons[i].text);
            break;
        }
}

static gw_err_t dlt_credit(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    dlt_t *d = ctx;
    dlt645_frame_t f, reply;
    gw_err_t e = start_frame(req->to.meter, DLT645_SECURITY, &f, msg);
    if (e == GW_OK)
        e = build_credit(d, req, &f, msg);
    if (e == GW_OK)
        e = exchange(d, &f, &reply, msg); /* once: the engine reads back */
    if (e != GW_OK)
        return e;
    memset(out, 0, sizeof *out);
    if (reply.ctrl & DLT645_C_ERROR) {
        if (reply.len != 2) {
            kmsg_set(msg, K_EDEVICE, "meter %s sent a %u-byte security error", req->to.meter, reply.len);
            return GW_PROTOCOL;
        }
        decode_security_error(reply.data[0] | (unsigned)reply.data[1] << 8, out);
        return GW_OK;
    }
    if (reply.len != 12 || dlt645_get_di(reply.data) != dlt645_get_di(f.data)) {
        kmsg_set(msg, K_EDEVICE, "meter %s confirmed the credit with %u bytes of something else", req->to.meter,
                 reply.len);
        return GW_PROTOCOL;
    }
    out->result = GW_CREDIT_APPLIED;
    out->balance_after = (int32_t)get_le32(reply.data + 4);
    out->count_after = get_le32(reply.data + 8);
    out->balance_known = out->count_known = true;
    return GW_OK;
}

/* Deadline of a relay command: ten minutes from now, local time, BCD. */
static void relay_deadline(const kclock_t *clk, uint8_t out[6])
{
    time_t t = (time_t)(kclock_wall(clk) / 1000) + 600;
    struct tm tm;
    localtime_r(&t, &tm);
    const int parts[6] = {tm.tm_sec, tm.tm_min, tm.tm_hour, tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100};
    for (int i = 0; i < 6; i++)
        dlt645_bcd_put((uint64_t)parts[i], out + i, 1);
}

/* What the meter's refusal of a relay command means to a person. */
static void relay_refused(const char *meter, gw_relay_t cmd, const dlt645_frame_t *reply, kmsg_t *msg)
{
    uint8_t err = reply->len ? reply->data[0] : 0;
    kmsg_set(msg, K_EDEVICE, "meter %s refused the relay command (%s): %s%s", meter, gw_relay_str(cmd),
             dlt645_error_text(err),
             cmd == GW_RELAY_TRIP && err == 0x01 ? "; a meter that keeps power on refuses to trip: release keep power first"
                                                  : "");
}

static gw_err_t dlt_relay(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg)
{
    dlt_t *d = ctx;
    dlt645_frame_t f, reply;
    uint8_t deadline[6];
    gw_err_t e = start_frame(meter, DLT645_RELAY, &f, msg);
    if (e != GW_OK)
        return e;
    relay_deadline(d->opts.clk, deadline);
    dlt645_relay_data(d->opts.operator_code, dlt645_relay_code(cmd), deadline, &f);
    if ((e = exchange_retrying(d, &f, &reply, msg)) != GW_OK)
        return e;
    if (reply.ctrl & DLT645_C_ERROR) {
        relay_refused(meter, cmd, &reply, msg);
        return GW_REFUSED;
    }
    return GW_OK;
}

/* One write (C = 14) of di with its value; a write changes nothing when
 * repeated, so it is retried like a read. */
static gw_err_t write_di(dlt_t *d, const char *meter, uint32_t di, const uint8_t *value, size_t n, kmsg_t *msg)
{
    dlt645_frame_t f, reply;
    gw_err_t e = start_frame(meter, DLT645_WRITE, &f, msg);
    if (e != GW_OK)
        return e;
    if (!dlt645_write_data(di, d->opts.operator_code, value, n, &f)) {
        kmsg_set(msg, K_EINVAL, "%zu bytes do not fit one write", n);
        return GW_INVALID;
    }
    if ((e = exchange_retrying(d, &f, &reply, msg)) != GW_OK)
        return e;
    if (reply.ctrl & DLT645_C_ERROR) {
        kmsg_set(msg, K_EDEVICE, "meter %s refused the write of %08X: %s", meter, di,
                 dlt645_error_text(reply.len ? reply.data[0] : 0));
        return GW_REFUSED;
    }
    return GW_OK;
}

/* The part's values, encoded; false (msg set) if one does not convert
 * exactly. n: the number of writes, each of len bytes at vals + i * len. */
static bool encode_part(unsigned part, const gw_settings_t *s, uint8_t *vals, size_t *n, size_t *len, kmsg_t *msg)
{
    bool ok = true;
    if (part == GW_SET_ALARMS) {
        *n = 2, *len = 4;
        for (int i = 0; i < 2 && ok; i++)
            ok = dlt645_money_value(s->alarm[i], vals + 4 * i);
        if (!ok)
            kmsg_set(msg, K_EINVAL, "alarm amounts %lld and %lld: dlt645-prepaid carries 0..99999999 minor units",
                     (long long)s->alarm[0], (long long)s->alarm[1]);
    } else if (part == GW_SET_PRICES) {
        *n = BAND_COUNT, *len = 4;
        for (int b = 0; b < BAND_COUNT && ok; b++)
            if (!(ok = dlt645_price_value(s->price[b], vals + 4 * b)))
                kmsg_set(msg, K_EINVAL, "the %s price does not convert exactly to NNNN.NNNN per kWh",
                         tariff_band_name((tou_band_t)b));
    } else {
        *n = 1, *len = 3 * s->n_periods;
        if (!(ok = dlt645_day_table(s->period, s->n_periods, vals)))
            kmsg_set(msg, K_EINVAL, "the day table needs 1..%d periods, each a minute of the day and a band",
                     GW_MAX_PERIODS);
    }
    return ok;
}

static uint32_t part_di(unsigned part, size_t i)
{
    return part == GW_SET_ALARMS   ? (i ? DLT645_DI_ALARM2 : DLT645_DI_ALARM1)
           : part == GW_SET_PRICES ? DLT645_DI_PRICE1 + (uint32_t)i
                                   : DLT645_DI_DAY_TABLE1;
}

static const char *part_name(unsigned part)
{
    return part == GW_SET_ALARMS ? "alarm amounts" : part == GW_SET_PRICES ? "prices" : "day periods";
}

static gw_err_t dlt_write(void *ctx, const char *meter, const gw_settings_t *s, kmsg_t *msg)
{
    static const unsigned parts[] = {GW_SET_ALARMS, GW_SET_PRICES, GW_SET_TOU};
    char done[64] = "";
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
        if (!(s->have & parts[p]))
            continue;
        uint8_t vals[3 * GW_MAX_PERIODS];
        size_t n, len;
        gw_err_t e = encode_part(parts[p], s, vals, &n, &len, msg) ? GW_OK : GW_INVALID;
        for (size_t i = 0; i < n && e == GW_OK; i++)
            e = write_di(ctx, meter, part_di(parts[p], i), vals + i * len, len, msg);
        if (e != GW_OK) {
            kmsg_prefix(msg, "%s not written%s%s: ", part_name(parts[p]), done[0] ? "; written before: " : "", done);
            return e;
        }
        snprintf(done + strlen(done), sizeof done - strlen(done), "%s%s", done[0] ? ", " : "", part_name(parts[p]));
    }
    return GW_OK;
}

static gw_err_t dlt_refund(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    kmsg_set(msg, K_EINVAL,
             "the dlt645-prepaid profile defines no refund; nothing was sent to meter %s: give the money back by hand "
             "and record it in the back office, or reach the meter by modbus-prepaid",
             req->to.meter);
    return GW_UNSUPPORTED;
}

static gw_err_t dlt_read_frozen(void *ctx, const char *meter, gw_frozen_t *out, kmsg_t *msg)
{
    dlt_t *d = ctx;
    uint8_t when[5], energy[20];
    bool absent = false;
    memset(out, 0, sizeof *out);
    snprintf(out->meter, sizeof out->meter, "%s", meter);
    gw_err_t e = read_di(d, meter, DLT645_DI_FROZEN_TIME, when, sizeof when, &absent, msg);
    if (e == GW_OK && absent) {
        kmsg_set(msg, K_EINVAL, "meter %s keeps no daily freeze (no such data)", meter);
        return GW_UNSUPPORTED;
    }
    if (e == GW_OK && !dlt645_frozen_time(when, out)) {
        kmsg_set(msg, K_EDEVICE, "meter %s sent a freeze time that is not one", meter);
        return GW_PROTOCOL;
    }
    if (e != GW_OK || out->none)
        return e;
    dlt645_frame_t reply;
    if ((e = read_reply(d, meter, DLT645_DI_FROZEN_ENERGY, &reply, msg)) != GW_OK)
        return e;
    bool single = !(reply.ctrl & DLT645_C_ERROR) && reply.len == 8;
    if ((e = take_value(meter, DLT645_DI_FROZEN_ENERGY, &reply, energy, single ? 4 : 20, NULL, msg)) != GW_OK)
        return e;
    if (!dlt645_frozen_energy(energy, single ? 4 : 20, out)) {
        kmsg_set(msg, K_EDEVICE, "meter %s sent a frozen energy register that is not BCD", meter);
        return GW_PROTOCOL;
    }
    return GW_OK;
}

static void dlt_close(void *ctx)
{
    dlt_t *d = ctx;
    tcp_link_close(&d->link);
    memset(d->opts.master, 0, sizeof d->opts.master);
    free(d);
}

static const gw_ops_t dlt_ops = {.name = "dlt645",
                                 .read = dlt_read,
                                 .credit = dlt_credit,
                                 .relay = dlt_relay,
                                 .write = dlt_write,
                                 .refund = dlt_refund,
                                 .read_frozen = dlt_read_frozen,
                                 .close = dlt_close,
                                 .probe = gw_probe_none};

kerr_t gw_dlt645_open(const gw_net_opts_t *o, gw_t *out, kmsg_t *msg)
{
    dlt_t *d = calloc(1, sizeof *d);
    if (!d)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = tcp_link_init(&d->link, "gateway", o->address, msg);
    if (rc != K_OK) {
        free(d);
        return rc;
    }
    d->opts = *o;
    d->opts.address = NULL;
    out->ops = &dlt_ops;
    out->ctx = d;
    return K_OK;
}
