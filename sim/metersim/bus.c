/* The RS-485 bus behind the gateway: one exchange at a time across both
 * protocols, in arrival order. An exchange holds the bus for its wire time,
 * (request + reply bytes) x 11 bits / baud, plus the response delay and the
 * control port's extra delay, and only then does the reply go out. The
 * pending faults are applied here (docs/sim/metersim.md, "Faults"). */
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/rand.h"
#include "sim/metersim/msim.h"

#define BITS_PER_BYTE 11 /* 8E1: start, 8 data, parity, stop */
#define PIECE 3          /* bytes per write of a split reply */
#define PIECE_PAUSE_US 20000
#define MAX_GARBAGE 16

int64_t msim_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool msim_bus_has_room(const msim_bus_t *b)
{
    return b->count < MSIM_QUEUE;
}

bool msim_bus_push(msim_bus_t *b, const msim_request_t *r)
{
    if (!msim_bus_has_room(b))
        return false;
    b->q[(b->head + b->count) % MSIM_QUEUE] = *r;
    b->count++;
    return true;
}

static int64_t wire_us(const msim_t *s, size_t bytes)
{
    return (int64_t)bytes * BITS_PER_BYTE * 1000000 / s->baud;
}

/* Bytes on the bus: a DL/T 645 frame as it is, preamble included; a Modbus
 * TCP ADU as its RTU equivalent (unit id + PDU + CRC = ADU - 7 + 3). */
static size_t bus_bytes(msim_proto_t p, size_t tcp_bytes)
{
    return p == MSIM_MODBUS && tcp_bytes >= 4 ? tcp_bytes - 4 : tcp_bytes;
}

static const char *proto_name(msim_proto_t p)
{
    switch (p) {
    case MSIM_DLT645: return "dlt645";
    case MSIM_MODBUS: return "modbus";
    case MSIM_CONTROL: return "control";
    }
    return "?";
}

static size_t answer(msim_t *s, const msim_request_t *r, uint8_t *out)
{
    switch (r->proto) {
    case MSIM_DLT645: return msim_dlt_handle(s, &r->frame, out);
    case MSIM_MODBUS: return msim_mb_handle(s, r->adu, r->len, out);
    case MSIM_CONTROL: return 0;
    }
    return 0;
}

static void log_request(const msim_request_t *r)
{
    if (!log_enabled(LOG_DEBUG))
        return;
    uint8_t raw[MSIM_DLT_MAX_FRAME];
    if (r->proto == MSIM_DLT645)
        log_hex(LOG_DEBUG, MSIM_LOG, "dlt645 in", raw, msim_dlt_encode(&r->frame, raw, sizeof raw));
    else
        log_hex(LOG_DEBUG, MSIM_LOG, "modbus in", r->adu, r->len);
}

/* Line noise of 1..MAX_GARBAGE random bytes, never 68 (so a receiver can
 * find the frame after it). On DL/T 645 it goes out before the reply; a
 * Modbus TCP gateway drops RTU noise (bad CRC) and forwards whole ADUs
 * only, so there the noise just holds the bus. Returns its length. */
static size_t add_noise(msim_bus_t *b, msim_proto_t p)
{
    uint8_t g[MAX_GARBAGE + 1];
    if (krand_fill(NULL, g, sizeof g) != K_OK)
        memset(g, 0xA5, sizeof g);
    size_t n = 1 + g[MAX_GARBAGE] % MAX_GARBAGE;
    if (p != MSIM_DLT645)
        return n;
    for (size_t i = 0; i < n; i++)
        g[i] = g[i] == 0x68 ? 0x69 : g[i];
    memmove(b->out + n, b->out, b->len);
    memcpy(b->out, g, n);
    b->len += n;
    return n;
}

/* corrupt, garbage and split count replies that are sent, and combine;
 * returns the bytes of noise added to the line. */
static size_t shape_reply(msim_t *s, msim_bus_t *b, msim_proto_t p)
{
    size_t noise = 0;
    msim_faults_t *f = &s->faults;
    if (f->corrupt) {
        f->corrupt--;
        if (p == MSIM_DLT645)
            msim_dlt_corrupt(b->out, b->len);
        else
            msim_mb_corrupt(b->out, b->len);
        LOG_I(MSIM_LOG, "fault: %s reply corrupted", proto_name(p));
    }
    if (f->garbage) {
        f->garbage--;
        noise = add_noise(b, p);
        LOG_I(MSIM_LOG, "fault: %zu bytes of line noise before the %s reply", noise, proto_name(p));
    }
    if (f->split) {
        f->split--;
        b->split = true;
        LOG_I(MSIM_LOG, "fault: %s reply split into %d-byte pieces", proto_name(p), PIECE);
    }
    return noise;
}

/* Takes request r onto the bus: applies it (unless dropped) and sets when
 * the reply, if any, goes out. */
static void start(msim_t *s, msim_bus_t *b, const msim_request_t *r, int64_t now)
{
    log_request(r);
    b->busy = true;
    b->conn = r->conn;
    b->gen = r->gen;
    b->proto = r->proto;
    b->len = b->sent = 0;
    b->split = false;
    size_t req_bytes = bus_bytes(r->proto, r->proto == MSIM_DLT645
                                               ? (size_t)MSIM_DLT_WAKEUP + MSIM_DLT_OVERHEAD + r->frame.len
                                               : r->len);
    int64_t t = wire_us(s, req_bytes);
    b->due_us = now + t;
    s->stat_exchanges++;
    s->stat_bytes += (int64_t)req_bytes;
    s->stat_wire_us += t;
    if (s->faults.drop) {
        s->faults.drop--;
        LOG_I(MSIM_LOG, "fault: %s request dropped on the way, not applied", proto_name(r->proto));
        return;
    }
    bool lose = s->faults.lose_reply > 0;
    s->faults.lose_reply -= lose ? 1 : 0;
    size_t n = answer(s, r, b->out);
    if (n == 0)
        return; /* no such meter, or offline: the bus stays silent */
    s->stat_bytes += (int64_t)bus_bytes(r->proto, n);
    s->stat_wire_us += wire_us(s, bus_bytes(r->proto, n));
    b->due_us += wire_us(s, bus_bytes(r->proto, n)) + (s->response_delay_ms + s->extra_delay_ms) * 1000;
    if (lose) {
        LOG_I(MSIM_LOG, "fault: %s request applied, reply lost", proto_name(r->proto));
        return;
    }
    b->len = n;
    b->due_us += wire_us(s, shape_reply(s, b, r->proto));
}

/* Writes the reply, or its next piece when split. */
static void send_piece(msim_bus_t *b, int64_t now)
{
    size_t n = b->len - b->sent;
    if (b->split && n > PIECE)
        n = PIECE;
    if (b->sent == 0)
        log_hex(LOG_DEBUG, MSIM_LOG, b->proto == MSIM_DLT645 ? "dlt645 out" : "modbus out", b->out, b->len);
    if (!b->send(b->send_ctx, b->conn, b->gen, b->out + b->sent, n)) {
        b->sent = b->len; /* the connection is gone: the reply with it */
        return;
    }
    b->sent += n;
    b->due_us = now + PIECE_PAUSE_US;
}

int64_t msim_bus_run(msim_t *s, msim_bus_t *b, int64_t now)
{
    for (;;) {
        if (b->busy) {
            if (now < b->due_us)
                return b->due_us;
            if (b->sent < b->len)
                send_piece(b, now);
            if (b->sent < b->len)
                return b->due_us;
            b->busy = false;
        }
        if (b->count == 0)
            return INT64_MAX;
        msim_request_t r = b->q[b->head];
        b->head = (b->head + 1) % MSIM_QUEUE;
        b->count--;
        start(s, b, &r, now);
    }
}
