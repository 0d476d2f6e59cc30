/* A scripted line for the driver fuzz targets: what a device sends back, in
 * which pieces and when, read from the fuzz input, on a virtual clock that
 * a timeout moves forward at once. fake_serial.c and fake_tcp.c put it
 * behind the functions of drivers/transport/serial.h and tcp_link.h: the
 * fuzz programs link them instead of drivers/transport/, so the real
 * drivers run unchanged (a link-time seam; nothing in the drivers knows).
 *
 * The script is a run of steps, one byte each (op in the top three bits, a
 * parameter p in the low five) with what the step needs after it:
 *
 *   FRAME, FRAME2  a reply the target frames with the protocol's own
 *                  encoder from the bytes after it (fline_frame_fn), handed
 *                  over in reads of p bytes (0: all at once)
 *   RAW            p + 1 bytes as they are (noise, torn or glued frames)
 *   SILENCE        the next read waits its whole timeout and gets nothing
 *   DELAY          the next bytes come p * 20 ms late (later than a read's
 *                  timeout: that read gets nothing, a later one gets them)
 *   BREAK          the next read (or connect) fails: the line broke
 *   WRITE_FAIL     the next write fails (p odd: after some bytes left)
 *   END            the device says nothing more: the next reads time out
 *                  until the target takes the byte after END as its next
 *                  call into the driver (fline_action)
 *
 * Bytes a step produces while the target is between calls wait on the line
 * for the next read (a late or unasked-for answer). A read with a timeout
 * of 0 (a driver draining the line before it sends) gets only bytes already
 * waiting: it takes no step, so the device's next answer still comes after
 * the driver's next command. */
#ifndef TESTS_FUZZ_FUZZ_LINE_H
#define TESTS_FUZZ_FUZZ_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { FL_FRAME, FL_FRAME2, FL_RAW, FL_SILENCE, FL_DELAY, FL_BREAK, FL_WRITE_FAIL, FL_END };

#define FL_OP(op, p) ((uint8_t)((op) << 5 | ((p) & 0x1F)))
#define FL_LOG_MAX 65536

/* Frames one reply from the script bytes at in (avail of them) into out
 * (cap bytes); returns its length and sets *used to the script bytes it
 * took. */
typedef size_t (*fline_frame_fn)(const uint8_t *in, size_t avail, size_t *used, uint8_t *out, size_t cap);

/* Told about every write the driver tries (one frame or APDU each), also
 * those the script then fails. */
typedef void (*fline_write_fn)(void *ctx, const uint8_t *p, size_t n);

typedef struct fline {
    const uint8_t *in;
    size_t len, pos;
    fline_frame_fn frame;
    fline_write_fn on_write;
    void *ctx;
    bool echo;          /* a single-wire line: the driver hears what it writes */
    unsigned connects;  /* connections made so far (TCP) */
    int64_t now_ms;     /* the virtual clock */
    int64_t delay_ms;   /* until the waiting bytes arrive */
    uint8_t wait[4096]; /* bytes on the line, not read yet */
    size_t n_wait, chunk;
    uint8_t rx[FL_LOG_MAX]; /* what the driver read since fline_mark (TCP: or the connection) */
    size_t n_rx;
    bool rx_lost; /* the log overflowed: it holds only the first bytes */
} fline_t;

/* The line the fakes use; the target sets it up with fline_start. */
extern fline_t fline;

/* Starts the line on a script; frame builds the protocol's replies. */
void fline_start(const uint8_t *in, size_t len, fline_frame_fn frame, fline_write_fn on_write, void *ctx);

/* What a read of at most cap bytes within timeout_ms gets: the count, 0
 * (nothing came; the clock moved on by timeout_ms) or -1 (the line broke). */
long fline_read(uint8_t *buf, size_t cap, int timeout_ms);

/* A write of the driver's: false if the script makes it fail (*some_sent
 * then says whether bytes left before it did). */
bool fline_write(const uint8_t *p, size_t n, bool *some_sent);

/* Throws away what has arrived and not been read. */
void fline_discard(void);

/* True (consuming it) if the next step is BREAK: a connect that fails. */
bool fline_refuse(void);

/* Between two calls into the driver: lets the device's unasked-for steps
 * put their bytes on the line, then takes END and the byte after it.
 * False when the script is over. */
bool fline_action(uint8_t *action);

/* The next script byte as a parameter of the action (0 when over). */
uint8_t fline_byte(void);

/* Starts a fresh log of what the driver reads (fline.rx, fline.n_rx). */
void fline_mark(void);

#endif
