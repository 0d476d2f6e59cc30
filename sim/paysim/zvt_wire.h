/* The terminal's own ZVT codec, written from docs/protocols/zvt.md
 * ("Transport and APDU") and shared with no driver: APDUs with their
 * one- or three-byte length, taken whole out of a TCP stream; BMP fields
 * with fixed, LLVAR or LLLVAR lengths; BCD most significant first. What
 * each command means is cmd.c's and receipt.c's. */
#ifndef SIM_PAYSIM_ZVT_WIRE_H
#define SIM_PAYSIM_ZVT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PSIM_APDU_MAX_DATA 1024 /* the longest APDU the terminal takes or makes */
#define PSIM_APDU_MAX (PSIM_APDU_MAX_DATA + 5)

typedef struct psim_apdu {
    uint8_t cls, instr;
    size_t len;
    uint8_t data[PSIM_APDU_MAX_DATA];
} psim_apdu_t;

/* Writes a into out (CLASS INSTR LEN DATA, LEN as FF lo hi from 255
 * bytes on) and returns its length; 0 if a->len is over
 * PSIM_APDU_MAX_DATA or cap is too small (PSIM_APDU_MAX always suffices). */
size_t psim_apdu_encode(const psim_apdu_t *a, uint8_t *out, size_t cap);

/* What came from the ECR and is not yet a whole APDU; zero it first. */
typedef struct psim_rx {
    uint8_t buf[2 * PSIM_APDU_MAX];
    size_t n;
} psim_rx_t;

/* Appends received bytes; false if they do not fit (no APDU is that long). */
bool psim_rx_feed(psim_rx_t *rx, const uint8_t *p, size_t n);

/* What the next piece of a stream or a data block is. */
typedef enum psim_next {
    PSIM_NEXT_ONE,  /* a whole APDU, or a field */
    PSIM_NEXT_MORE, /* the stream needs more bytes; the block has ended */
    PSIM_NEXT_BAD,  /* what follows cannot be read */
} psim_next_t;

/* Takes the next whole APDU out of rx (PSIM_NEXT_ONE), or says more bytes
 * are needed; PSIM_NEXT_BAD (and rx emptied) for a length over
 * PSIM_APDU_MAX_DATA. */
psim_next_t psim_rx_next(psim_rx_t *rx, psim_apdu_t *out);

/* One BMP field of a data block. */
typedef struct psim_bmp {
    uint8_t tag;
    const uint8_t *value; /* after its LL or LLL length, if it has one */
    size_t len;
} psim_bmp_t;

/* Reads the BMP at data[*off] and moves *off past it (PSIM_NEXT_ONE);
 * PSIM_NEXT_MORE at the end of the block; PSIM_NEXT_BAD for a tag the
 * terminal does not know or a length that runs past the block. */
psim_next_t psim_bmp_next(const uint8_t *data, size_t len, size_t *off, psim_bmp_t *out);

/* Hands every BMP of data[off..len) to take (with ctx), in order; true if
 * the block reads to its end and take accepted each field. */
bool psim_bmp_each(const uint8_t *data, size_t len, size_t off, bool (*take)(const psim_bmp_t *b, void *ctx),
                   void *ctx);

/* Appends BMP tag holding v as `bytes` bytes of BCD; false (a unchanged)
 * if it does not fit or v needs more digits. */
bool psim_bmp_put_bcd(psim_apdu_t *a, uint8_t tag, uint64_t v, size_t bytes);

/* Appends BMP tag holding n raw bytes, with the LL or LLL length the tag
 * takes; false (a unchanged) for an unknown tag, a fixed-length tag given
 * another length, or no room. */
bool psim_bmp_put(psim_apdu_t *a, uint8_t tag, const uint8_t *p, size_t n);

/* n bytes of BCD, most significant first; false on a nibble above 9. */
bool psim_bcd_get(const uint8_t *p, size_t n, uint64_t *out);

/* v as n bytes of BCD, most significant first; false if v needs more. */
bool psim_bcd_set(uint64_t v, uint8_t *p, size_t n);

#endif
