/* A receive buffer for a framed byte stream: bytes arrive in pieces, with
 * noise between frames, and a frame is taken only where the simulator's
 * own decoder says a whole, valid one stands. What every frame-by-frame
 * protocol document here asks of a receiver: skip what is not a frame,
 * drop the first byte of a start that proves bad and look again. metersim
 * (DL/T 645) and cashsim (ccTalk) receive through it; what a frame is,
 * each says with a judge of its own. */
#ifndef SIM_COMMON_SIMRX_H
#define SIM_COMMON_SIMRX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIMRX_MAX 1024

/* What the bytes at a possible frame start are. */
typedef enum simrx_verdict {
    SIMRX_FRAME, /* a whole, valid frame of *len bytes */
    SIMRX_NOISE, /* no frame starts here */
    SIMRX_MORE,  /* too few bytes to tell */
} simrx_verdict_t;

/* Judges p[0..n) (p[0] is the start byte) as the beginning of a frame. */
typedef simrx_verdict_t (*simrx_judge_fn)(const uint8_t *p, size_t n, const void *ctx, size_t *len);

typedef struct simrx {
    uint8_t buf[SIMRX_MAX];
    size_t cap;     /* bytes kept at most, up to SIMRX_MAX (0: SIMRX_MAX) */
    size_t n;       /* bytes held */
    size_t dropped; /* bytes let go unread: noise, or for lack of room */
} simrx_t;

/* Empties rx and sets how many bytes it keeps (at most SIMRX_MAX). */
void simrx_init(simrx_t *rx, size_t cap);

/* Appends n bytes; when they do not fit, the oldest bytes go first. */
void simrx_feed(simrx_t *rx, const uint8_t *p, size_t n);

/* Finds the next frame: drops everything before a byte `start` whose
 * bytes judge calls a frame, and returns true with the frame at
 * rx->buf[0..*len). A start whose bytes are still incomplete waits, unless
 * a whole frame later in the buffer proves it noise. False when more
 * bytes are needed. Take the frame with simrx_take. */
bool simrx_next(simrx_t *rx, uint8_t start, simrx_judge_fn judge, const void *ctx, size_t *len);

/* Removes the len bytes of a frame simrx_next found (not counted as dropped). */
void simrx_take(simrx_t *rx, size_t len);

/* The sum, mod 256, of n bytes: what DL/T 645's CS and ccTalk's checksum
 * are made of. */
uint8_t simrx_sum8(const uint8_t *p, size_t n);

#endif
