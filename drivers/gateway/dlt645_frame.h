/* DL/T 645-2007 framing: encode a frame, and pull frames out of a byte
 * stream that may hold wake-up bytes, garbage and partial reads. Only the
 * framing of the standard lives here (docs/protocols/dlt645-prepaid.md);
 * what the DATA means is the business of the driver and the simulator,
 * each on its own. */
#ifndef DRIVERS_GATEWAY_DLT645_FRAME_H
#define DRIVERS_GATEWAY_DLT645_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DLT645_MAX_DATA 200
#define DLT645_PREAMBLE 4                                   /* FE FE FE FE */
#define DLT645_OVERHEAD 12                                  /* 68 A*6 68 C L ... CS 16 */
#define DLT645_MAX_FRAME (DLT645_PREAMBLE + DLT645_OVERHEAD + DLT645_MAX_DATA)

/* Control byte: bit 7 reply, bit 6 error reply, bit 5 more follows. */
#define DLT645_C_REPLY 0x80
#define DLT645_C_ERROR 0x40
#define DLT645_C_MORE 0x20
#define DLT645_FN(c) ((c) & 0x1F)

enum {
    DLT645_READ = 0x11,     /* read data; reply 91, error D1 */
    DLT645_SECURITY = 0x03, /* recharge, open account; reply 83, error C3 */
    DLT645_RELAY = 0x1C,    /* relay control; reply 9C, error DC */
    DLT645_WRITE = 0x14,    /* write data; reply 94, error D4 */
};

typedef struct dlt645_frame {
    uint8_t addr[6]; /* as on the wire: lowest byte first */
    uint8_t ctrl;
    uint8_t len;
    uint8_t data[DLT645_MAX_DATA]; /* plain: the 0x33 already taken off */
} dlt645_frame_t;

/* Writes f with the wake-up preamble into out (DLT645_MAX_FRAME bytes
 * suffice); returns the length, or 0 if f->len > DLT645_MAX_DATA or cap is
 * too small. */
size_t dlt645_encode(const dlt645_frame_t *f, uint8_t *out, size_t cap);

/* A receiving buffer. Zero it before use. */
typedef struct dlt645_stream {
    uint8_t buf[2 * DLT645_MAX_FRAME];
    size_t n;
    size_t dropped; /* garbage bytes skipped so far (wake-up bytes included) */
} dlt645_stream_t;

/* Appends received bytes. When the buffer is full the oldest bytes are
 * dropped, since no frame can be that long. */
void dlt645_stream_feed(dlt645_stream_t *s, const uint8_t *p, size_t n);

/* Takes the next whole, valid frame out of the stream into *out, skipping
 * anything before it that is not a frame (bad checksum, missing 16, noise).
 * Returns false when more bytes are needed. */
bool dlt645_stream_next(dlt645_stream_t *s, dlt645_frame_t *out);

/* "000012345678" -> 78 56 34 12 00 00. False unless exactly 12 digits. */
bool dlt645_addr_from_text(const char *digits, uint8_t addr[6]);

/* 78 56 34 12 00 00 -> "000012345678". False if a nibble is not a digit. */
bool dlt645_addr_to_text(const uint8_t addr[6], char out[13]);

/* Writes DI (0xDI3DI2DI1DI0) DI0 first into p[0..3]. */
void dlt645_put_di(uint8_t *p, uint32_t di);

/* Reads a DI written DI0 first. */
uint32_t dlt645_get_di(const uint8_t *p);

/* Reads n bytes of BCD, lowest byte first. False if a nibble is not 0-9. */
bool dlt645_bcd_get(const uint8_t *p, size_t n, uint64_t *out);

/* Writes v as n bytes of BCD, lowest byte first. False if v needs more. */
bool dlt645_bcd_put(uint64_t v, uint8_t *p, size_t n);

#endif
