/* The scripted line (fuzz_line.h). */
#include "fuzz_line.h"

#include <string.h>

fline_t fline;

void fline_start(const uint8_t *in, size_t len, fline_frame_fn frame, fline_write_fn on_write, void *ctx)
{
    memset(&fline, 0, sizeof fline);
    fline.in = in;
    fline.len = len;
    fline.frame = frame;
    fline.on_write = on_write;
    fline.ctx = ctx;
}

static unsigned op_at(size_t pos)
{
    return fline.in[pos] >> 5;
}

/* Puts n bytes on the line, to be read in pieces of chunk (0: any size). */
static void put(const uint8_t *p, size_t n, size_t chunk)
{
    if (n > sizeof fline.wait - fline.n_wait)
        n = sizeof fline.wait - fline.n_wait;
    memcpy(fline.wait + fline.n_wait, p, n);
    fline.n_wait += n;
    fline.chunk = chunk;
}

/* Runs the step at pos if it sends bytes (FRAME, FRAME2, RAW); false if not. */
static bool produce(void)
{
    unsigned op = op_at(fline.pos), p = fline.in[fline.pos] & 0x1F;
    if (op != FL_FRAME && op != FL_FRAME2 && op != FL_RAW)
        return false;
    fline.pos++;
    const uint8_t *at = fline.in + fline.pos;
    size_t avail = fline.len - fline.pos;
    if (op == FL_RAW) {
        size_t n = p + 1u < avail ? p + 1u : avail;
        put(at, n, 0);
        fline.pos += n;
        return true;
    }
    uint8_t out[2048];
    size_t used = 0, n = fline.frame(at, avail, &used, out, sizeof out);
    fline.pos += used <= avail ? used : avail;
    put(out, n, p);
    return true;
}

static void log_rx(const uint8_t *p, size_t n)
{
    if (n > sizeof fline.rx - fline.n_rx) {
        fline.rx_lost = true;
        n = sizeof fline.rx - fline.n_rx;
    }
    memcpy(fline.rx + fline.n_rx, p, n);
    fline.n_rx += n;
}

/* Hands waiting bytes to a read, once they have arrived. */
static long deliver(uint8_t *buf, size_t cap, int timeout_ms)
{
    if (fline.delay_ms > 0 && fline.delay_ms >= timeout_ms) {
        fline.delay_ms -= timeout_ms;
        fline.now_ms += timeout_ms;
        return 0;
    }
    fline.now_ms += fline.delay_ms;
    fline.delay_ms = 0;
    size_t n = fline.n_wait < cap ? fline.n_wait : cap;
    if (fline.chunk && fline.chunk < n)
        n = fline.chunk;
    memcpy(buf, fline.wait, n);
    memmove(fline.wait, fline.wait + n, fline.n_wait - n);
    fline.n_wait -= n;
    log_rx(buf, n);
    return (long)n;
}

long fline_read(uint8_t *buf, size_t cap, int timeout_ms)
{
    if (timeout_ms < 0)
        timeout_ms = 0;
    for (;;) {
        if (fline.n_wait > 0 && cap > 0)
            return deliver(buf, cap, timeout_ms);
        if (timeout_ms == 0)
            return 0; /* a look at what has arrived (a drain): the device says nothing new meanwhile */
        if (fline.pos >= fline.len || op_at(fline.pos) == FL_END || cap == 0) {
            fline.now_ms += timeout_ms;
            return 0;
        }
        if (produce())
            continue;
        unsigned op = op_at(fline.pos), p = fline.in[fline.pos] & 0x1F;
        fline.pos++;
        if (op == FL_SILENCE) {
            fline.now_ms += timeout_ms;
            return 0;
        }
        if (op == FL_BREAK)
            return -1;
        if (op == FL_DELAY)
            fline.delay_ms = (int64_t)p * 20;
        /* WRITE_FAIL on a read: nothing to fail */
    }
}

bool fline_write(const uint8_t *p, size_t n, bool *some_sent)
{
    if (fline.on_write)
        fline.on_write(fline.ctx, p, n);
    *some_sent = false;
    if (fline.pos < fline.len && op_at(fline.pos) == FL_WRITE_FAIL) {
        *some_sent = fline.in[fline.pos++] & 1;
        return false;
    }
    *some_sent = n > 0;
    if (fline.echo)
        put(p, n, 0);
    return true;
}

void fline_discard(void)
{
    fline.n_wait = 0;
    fline.delay_ms = 0;
}

bool fline_refuse(void)
{
    if (fline.pos < fline.len && op_at(fline.pos) == FL_BREAK) {
        fline.pos++;
        return true;
    }
    return false;
}

bool fline_action(uint8_t *action)
{
    while (fline.pos < fline.len) {
        if (op_at(fline.pos) == FL_END) {
            if (++fline.pos >= fline.len)
                return false;
            *action = fline.in[fline.pos++];
            return true;
        }
        if (!produce())
            fline.pos++; /* a timing step between calls: nothing to time */
    }
    return false;
}

uint8_t fline_byte(void)
{
    return fline.pos < fline.len ? fline.in[fline.pos++] : 0;
}

void fline_mark(void)
{
    fline.n_rx = 0;
    fline.rx_lost = false;
}
