/* ZVT APDUs (docs/protocols/zvt.md): encode, pull whole APDUs out of a TCP
 * stream, walk the BMP fields of a data block, BCD. Shared by the driver
 * and the simulator; what each command means is theirs to know. */
#ifndef DRIVERS_PAYTERM_ZVT_APDU_H
#define DRIVERS_PAYTERM_ZVT_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZVT_MAX_DATA 1024

typedef struct zvt_apdu {
    uint8_t cls, instr;
    size_t len;
    uint8_t data[ZVT_MAX_DATA];
} zvt_apdu_t;

/* Writes a into out (ZVT_MAX_DATA + 5 bytes suffice); returns the length or 0. */
size_t zvt_encode(const zvt_apdu_t *a, uint8_t *out, size_t cap);

/* A receiving buffer; zero it before use. */
typedef struct zvt_stream {
    uint8_t buf[2 * (ZVT_MAX_DATA + 5)];
    size_t n;
} zvt_stream_t;

/* Appends received bytes; false if they do not fit (the peer is sending
 * something no APDU can be). */
bool zvt_stream_feed(zvt_stream_t *s, const uint8_t *p, size_t n);

/* Takes the next whole APDU out of the stream. False if more bytes are
 * needed. Sets *bad (and empties the stream) if the length cannot be an
 * APDU of ours. */
bool zvt_stream_next(zvt_stream_t *s, zvt_apdu_t *out, bool *bad);

/* One BMP field of a data block. */
typedef struct zvt_bmp {
    uint8_t tag;
    const uint8_t *value; /* after any LL/LLL length */
    size_t len;
} zvt_bmp_t;

/* Reads the BMP at data[*off] and advances *off. False at the end, or if the
 * tag is unknown or its length runs past the block (then *bad is set). */
bool zvt_bmp_next(const uint8_t *data, size_t len, size_t *off, zvt_bmp_t *out, bool *bad);

/* Appends BMP `tag` with value v (BCD of `bytes` bytes) to a. False if it
 * does not fit or v needs more digits. */
bool zvt_put_bcd(zvt_apdu_t *a, uint8_t tag, uint64_t v, size_t bytes);

/* Appends BMP `tag` with raw bytes, with the LL or LLL length the tag takes
 * (or none for fixed-length tags). */
bool zvt_put_bytes(zvt_apdu_t *a, uint8_t tag, const uint8_t *p, size_t n);

/* Reads n bytes of BCD, most significant first. False on a non-digit. */
bool zvt_bcd_get(const uint8_t *p, size_t n, uint64_t *out);

/* Writes v as n bytes of BCD, most significant first. */
bool zvt_bcd_set(uint64_t v, uint8_t *p, size_t n);

#endif
