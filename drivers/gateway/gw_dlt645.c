/* The DL/T 645-2007 backend: profile dlt645-prepaid over TCP to a gateway
 * (docs/protocols/dlt645-prepaid.md). One exchange at a time; reads and
 * relay commands are retried with backoff, a credit never is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
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
    for (int i = 0; e == GW_OK && i < 5; i++) {
        uint64_t v;
        if (!dlt645_bcd_get(data + 4 * i, 4, &v)) {
            kmsg_set(msg, K_EDEVICE, "meter %s sent an energy register that is not BCD", meter);
            return GW_PROTOCOL;
        }
        int64_t wh = (int64_t)v * 10; /* 0.01 kWh = 10 Wh */
        if (i == 0)
            out->energy_total = wh;
        else
            out->energy_band[i - 1] = wh;
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

static gw_err_t dlt_relay(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg)
{
    dlt_t *d = ctx;
    dlt645_frame_t f, reply;
    gw_err_t e = start_frame(meter, DLT645_RELAY, &f, msg);
    if (e != GW_OK)
        return e;
    f.data[0] = 0x02; /* password level; password 00 00 00 */
    put_le32(f.data + 4, d->opts.operator_code);
    f.data[8] = cmd == GW_RELAY_TRIP ? 0x1A : 0x1C;
    f.data[9] = 0x00;
    relay_deadline(d->opts.clk, f.data + 10);
    f.len = 16;
    if ((e = exchange_retrying(d, &f, &reply, msg)) != GW_OK)
        return e;
    if (reply.ctrl & DLT645_C_ERROR) {
        kmsg_set(msg, K_EDEVICE, "meter %s refused the relay command: %s", meter,
                 dlt645_error_text(reply.len ? reply.data[0] : 0));
        return GW_REFUSED;
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

static const gw_ops_t dlt_ops = {"dlt645", dlt_read, dlt_credit, dlt_relay, dlt_close, gw_probe_none};

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
