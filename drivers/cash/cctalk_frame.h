/* ccTalk framing (docs/protocols/cctalk.md): encode a frame and pull whole
 * frames out of a byte stream. Shared by the driver and the simulator;
 * what each header means is theirs to know. */
#ifndef DRIVERS_CASH_CCTALK_FRAME_H
#define DRIVERS_CASH_CCTALK_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CCTALK_HOST 1
#define CCTALK_BILL 40
#define CCTALK_MAX_DATA 252
#define CCTALK_MAX_FRAME (CCTALK_MAX_DATA + 5)
#define CCTALK_ACK 0
#define CCTALK_NAK 5

typedef struct cctalk_frame {
    uint8_t dest, src, header, len;
    uint8_t data[CCTALK_MAX_DATA];
} cctalk_frame_t;

/* Writes f into out (CCTALK_MAX_FRAME bytes suffice); returns the length,
 * or 0 if it does not fit. */
size_t cctalk_encode(const cctalk_frame_t *f, uint8_t *out, size_t cap);

/* A receiving buffer; zero it before use. */
typedef struct cctalk_stream {
    uint8_t buf[2 * CCTALK_MAX_FRAME];
    size_t n;
    size_t dropped; /* bytes skipped as noise */
} cctalk_stream_t;

/* Appends received bytes (the oldest are dropped when the buffer is full). */
void cctalk_stream_feed(cctalk_stream_t *s, const uint8_t *p, size_t n);

/* Takes the next whole frame whose checksum holds and whose destination is
 * `to` out of the stream, skipping noise before it. False if more bytes
 * are needed. */
bool cctalk_stream_next(cctalk_stream_t *s, uint8_t to, cctalk_frame_t *out);

#endif
