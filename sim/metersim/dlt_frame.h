/* The meters' own DL/T 645 codec, written from docs/protocols/
 * dlt645-prepaid.md ("Frame") and shared with no driver: frames encoded
 * with their wake-up bytes, +0x33 and checksum, taken out of a byte stream
 * that may hold noise, and the number forms the profile uses (addresses
 * and values as BCD lowest byte first, DIs and binary fields lowest byte
 * first). What the DATA means is dlt645.c's. */
#ifndef SIM_METERSIM_DLT_FRAME_H
#define SIM_METERSIM_DLT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/common/simrx.h"

#define MSIM_DLT_MAX_DATA 200 /* L */
#define MSIM_DLT_WAKEUP 4     /* FE FE FE FE before every frame */
#define MSIM_DLT_OVERHEAD 12  /* 68, the address, 68, C, L, CS, 16 */
#define MSIM_DLT_MAX_FRAME (MSIM_DLT_WAKEUP + MSIM_DLT_OVERHEAD + MSIM_DLT_MAX_DATA)

/* The control byte C: bit 7 a reply, bit 6 an error reply, bits 4-0 the
 * function. */
#define MSIM_DLT_REPLY 0x80
#define MSIM_DLT_ERROR 0x40
#define MSIM_DLT_FN(c) ((c) & 0x1F)

enum {
    MSIM_DLT_READ = 0x11,     /* reply 91, error D1 */
    MSIM_DLT_SECURITY = 0x03, /* recharge, open account: reply 83, error C3 */
    MSIM_DLT_RELAY = 0x1C,    /* reply 9C, error DC */
    MSIM_DLT_WRITE = 0x14,    /* reply 94, error D4 */
};

typedef struct msim_dlt_frame {
    uint8_t addr[6]; /* as sent: lowest byte first */
    uint8_t ctrl;
    uint8_t len;
    uint8_t data[MSIM_DLT_MAX_DATA]; /* as meant: the 0x33 taken off */
} msim_dlt_frame_t;

/* Writes f, wake-up bytes first, into out and returns its length; 0 if
 * f->len is over MSIM_DLT_MAX_DATA or cap is too small
 * (MSIM_DLT_MAX_FRAME always suffices). */
size_t msim_dlt_encode(const msim_dlt_frame_t *f, uint8_t *out, size_t cap);

/* Makes rx an empty receive buffer for DL/T 645 (two frames' room). */
void msim_dlt_rx_init(simrx_t *rx);

/* Takes the next whole, valid frame out of rx into *out, skipping what
 * is not one (wake-up bytes, noise, a bad checksum, a missing 16); false
 * when more bytes are needed. */
bool msim_dlt_next(simrx_t *rx, msim_dlt_frame_t *out);

/* 12 decimal digits to 6 bytes BCD, lowest byte first: "000012345678" is
 * 78 56 34 12 00 00. False unless exactly 12 digits. */
bool msim_bcd12_from_text(const char *digits, uint8_t out[6]);

/* The reverse; false if a nibble is not a digit. */
bool msim_bcd12_to_text(const uint8_t in[6], char out[13]);

/* v as n bytes of BCD, lowest byte first; false if v needs more digits. */
bool msim_bcd_put(uint64_t v, uint8_t *p, size_t n);

/* n bytes of BCD, lowest byte first; false if a nibble is not a digit. */
bool msim_bcd_get(const uint8_t *p, size_t n, uint64_t *out);

/* Unsigned 32-bit, lowest byte first: DIs (DI0 first) and binary fields. */
void msim_le32_put(uint8_t *p, uint32_t v);
uint32_t msim_le32_get(const uint8_t *p);

#endif
