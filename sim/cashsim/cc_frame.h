/* The validator's own ccTalk codec, written from docs/protocols/cctalk.md
 * ("Frame") and shared with no driver: DEST LEN SRC HEADER DATA CHK, the
 * checksum making the frame's sum 0 mod 256, and whole frames for one
 * address taken out of a byte stream that may hold echo and noise. What
 * each header means is cctalk.c's. */
#ifndef SIM_CASHSIM_CC_FRAME_H
#define SIM_CASHSIM_CC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/common/simrx.h"

#define CSIM_ADDR_BROADCAST 0
#define CSIM_ADDR_HOST 1
#define CSIM_ADDR_BILL 40
#define CSIM_HEADER_ACK 0
#define CSIM_HEADER_NAK 5
#define CSIM_FRAME_MAX_DATA 252 /* ccTalk's longest DATA */
#define CSIM_FRAME_MAX (CSIM_FRAME_MAX_DATA + 5)

typedef struct csim_frame {
    uint8_t dest, src, header, len; /* len: bytes of data */
    uint8_t data[CSIM_FRAME_MAX_DATA];
} csim_frame_t;

/* Writes f into out with its checksum and returns the length; 0 if
 * f->len is over CSIM_FRAME_MAX_DATA or cap is too small
 * (CSIM_FRAME_MAX always suffices). */
size_t csim_frame_encode(const csim_frame_t *f, uint8_t *out, size_t cap);

/* Makes rx an empty receive buffer for ccTalk (two frames' room). */
void csim_frame_rx_init(simrx_t *rx);

/* Takes the next whole frame addressed to `to` whose checksum holds out
 * of rx into *out, skipping what is not one; false when more bytes are
 * needed. */
bool csim_frame_next(simrx_t *rx, uint8_t to, csim_frame_t *out);

#endif
