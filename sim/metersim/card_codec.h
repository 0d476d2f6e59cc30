/* The meter's own reading of the meter card application, written from
 * docs/card.md and shared with no driver: the command APDUs its card slot
 * sends, the status words it names, what the card's MACs cover, and the
 * files it reads (EF_INFO, EF_PURSE) and writes (EF_WRITEBACK). Numbers on
 * the card are big-endian, numbers and times 12 BCD digits. */
#ifndef SIM_METERSIM_CARD_CODEC_H
#define SIM_METERSIM_CARD_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define MSIM_CARD_SERIAL_LEN 8
#define MSIM_CARD_MAC_LEN 8
#define MSIM_CARD_NONCE_LEN 8
#define MSIM_CARD_CHALLENGE_LEN 8
#define MSIM_CARD_APDU_MAX (4 + 1 + 255 + 1) /* a short APDU: header, Lc, data, Le */
#define MSIM_CARD_NO_LE (-1)
#define MSIM_CARD_DIGITS 13 /* 12 digits and the terminator */
#define MSIM_CARD_P1(sfi) ((uint8_t)(0x80 | (sfi)))

enum { MSIM_CARD_SFI_INFO = 1, MSIM_CARD_SFI_PURSE = 2, MSIM_CARD_SFI_WB = 3 };
enum { MSIM_CARD_INFO_LEN = 32, MSIM_CARD_PURSE_LEN = 16, MSIM_CARD_WB_LEN = 56 };
enum { MSIM_CARD_TYPE_BLANK = 0x00, MSIM_CARD_TYPE_USER = 0x01, MSIM_CARD_TYPE_REPLACEMENT = 0x03 };
enum { MSIM_CARD_ACTIVE = 0x00, MSIM_CARD_BLOCKED = 0x01 };
enum { MSIM_PURPOSE_NONE = 0, MSIM_PURPOSE_OPEN = 1, MSIM_PURPOSE_PURCHASE = 2, MSIM_PURPOSE_REPLACE = 3 };

/* EF_WRITEBACK's status bits. Its tamper bits are the meter's own
 * (MSIM_T_*: meter cover, terminal cover, magnetic field, reverse energy). */
enum {
    MSIM_WB_RELAY_OPEN = 1 << 0,
    MSIM_WB_LOW_BALANCE = 1 << 1,
    MSIM_WB_PRETRIP = 1 << 2,
    MSIM_WB_BOUND = 1 << 3,
    MSIM_WB_CREDIT_TAKEN = 1 << 4,
};

/* The application's name: F0 and "KPREPAY". */
extern const uint8_t msim_card_aid[8];

/* EF_INFO as the meter reads it. */
typedef struct msim_card_info {
    uint8_t version, type, status;
    uint8_t serial[MSIM_CARD_SERIAL_LEN];
    char meter[MSIM_CARD_DIGITS], customer[MSIM_CARD_DIGITS];
    uint8_t generation;
    uint16_t currency; /* ISO 4217 numeric */
    char issued[MSIM_CARD_DIGITS];
} msim_card_info_t;

/* EF_PURSE as the meter reads it. */
typedef struct msim_card_purse {
    uint8_t purpose; /* MSIM_PURPOSE_* */
    int64_t amount;  /* minor units */
    uint32_t count;
    char time[MSIM_CARD_DIGITS];
} msim_card_purse_t;

/* EF_WRITEBACK as the meter writes it. */
typedef struct msim_card_wb {
    char meter[MSIM_CARD_DIGITS];
    int64_t remaining;    /* minor units, signed 32-bit on the card */
    int64_t energy_total; /* Wh (litres), 6 bytes */
    int64_t energy[4];    /* sharp, peak, flat, valley */
    uint32_t count;       /* 2 bytes */
    uint8_t status, tamper;
    char time[MSIM_CARD_DIGITS]; /* YYMMDDhhmmss */
} msim_card_wb_t;

/* A short command APDU, CLA INS P1 P2 [Lc DATA] [Le] (le MSIM_CARD_NO_LE:
 * none), into out; returns its length, 0 if lc is over 255. */
size_t msim_card_apdu(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc, int le,
                      uint8_t out[MSIM_CARD_APDU_MAX]);

/* What the MAC of UPDATE WITH MAC covers, CHALLENGE || 04 D6 P1 00 ||
 * DATA, into out (12 + n bytes); returns its length. */
size_t msim_card_update_text(const uint8_t challenge[MSIM_CARD_CHALLENGE_LEN], uint8_t p1, const uint8_t *data,
                             size_t n, uint8_t *out);

/* What the MAC of READ WITH MAC covers, NONCE || P1 || CONTENT, into out
 * (9 + n bytes); returns its length. */
size_t msim_card_read_text(const uint8_t nonce[MSIM_CARD_NONCE_LEN], uint8_t p1, const uint8_t *content, size_t n,
                           uint8_t *out);

/* A short English name of status word sw ("MAC wrong"); never NULL. */
const char *msim_card_sw_text(uint16_t sw);

/* Reads EF_INFO from exactly 32 bytes; K_EINVAL (K_EVERSION for another
 * format version) with the reason if they are not one. */
kerr_t msim_card_info_decode(const uint8_t *p, size_t n, msim_card_info_t *out, kmsg_t *msg);

/* Reads EF_PURSE from exactly 16 bytes; K_EINVAL with the reason if they
 * are not one. */
kerr_t msim_card_purse_decode(const uint8_t *p, size_t n, msim_card_purse_t *out, kmsg_t *msg);

/* Writes in as the 56 bytes of EF_WRITEBACK (written flag 01); K_EINVAL
 * if a field is outside what the card holds. */
kerr_t msim_card_wb_encode(const msim_card_wb_t *in, uint8_t out[MSIM_CARD_WB_LEN], kmsg_t *msg);

#endif
