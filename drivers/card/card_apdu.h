/* The meter card application `kiosk-prepay` (docs/card.md) as bytes: the
 * command APDUs of the card and the SAM, responses and their status words,
 * the messages the MACs are computed over, and the three files. Pure: no
 * I/O, no keys (card_key.h computes the MACs). Shared by the kiosk's
 * driver, the card simulator and the meter's card slot. */
#ifndef DRIVERS_CARD_CARD_APDU_H
#define DRIVERS_CARD_CARD_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "drivers/card/card_key.h"

/* ---- Command APDUs ---------------------------------------------------- */

#define CARD_AID_LEN 8
#define CARD_CHALLENGE_LEN 8
#define CARD_NONCE_LEN 8
#define CARD_APDU_MAX_DATA 255
#define CARD_APDU_MAX_WIRE (4 + 1 + CARD_APDU_MAX_DATA + 1)

#define CARD_CLA_ISO 0x00
#define CARD_CLA_SM 0x04   /* UPDATE WITH MAC */
#define CARD_CLA_PROP 0x80 /* READ WITH MAC, the SAM's COMPUTE MAC */

#define CARD_INS_SELECT 0xA4
#define CARD_INS_READ_BINARY 0xB0
#define CARD_INS_GET_CHALLENGE 0x84
#define CARD_INS_UPDATE_BINARY 0xD6
#define CARD_INS_READ_MAC 0xB6
#define CARD_INS_COMPUTE_MAC 0x2A

/* P1 of READ BINARY, UPDATE WITH MAC and READ WITH MAC: 80 | SFI. */
#define CARD_P1_SFI(sfi) ((uint8_t)(0x80 | (sfi)))

/* "F0" + "KPREPAY" and "F0" + "KPSAM01". */
extern const uint8_t card_aid[CARD_AID_LEN];
extern const uint8_t card_sam_aid[CARD_AID_LEN];

/* One short command APDU (ISO 7816-4 cases 1 to 4). */
typedef struct card_apdu {
    uint8_t cla, ins, p1, p2;
    size_t lc; /* length of data, 0..255; 0 = no Lc byte */
    uint8_t data[CARD_APDU_MAX_DATA];
    bool has_le;
    uint8_t le; /* as sent: 00 asks for up to 256 bytes (on this card: the rest of the file) */
} card_apdu_t;

/* Fills a with the card's SELECT of the application by its AID. */
void card_apdu_select(card_apdu_t *a);

/* Fills a with READ BINARY of le bytes of file sfi from offset; false
 * unless sfi is 1..30. */
bool card_apdu_read_binary(card_apdu_t *a, uint8_t sfi, uint8_t offset, uint8_t le);

/* Fills a with GET CHALLENGE (8 bytes). */
void card_apdu_get_challenge(card_apdu_t *a);

/* Fills a with UPDATE WITH MAC of n bytes at offset of file sfi, the MAC
 * after the data; false unless sfi is 1..30 and n + 8 fits in Lc. */
bool card_apdu_update_mac(card_apdu_t *a, uint8_t sfi, uint8_t offset, const uint8_t *data, size_t n,
                          const uint8_t mac[CARD_MAC_LEN]);

/* Fills a with READ WITH MAC of the whole file sfi under the reader's
 * nonce; false unless sfi is 1..30. */
bool card_apdu_read_mac(card_apdu_t *a, uint8_t sfi, const uint8_t nonce[CARD_NONCE_LEN]);

/* Fills a with the SAM's SELECT of its application. */
void card_apdu_sam_select(card_apdu_t *a);

/* Fills a with the SAM's COMPUTE MAC of msg under the key `label` (01
 * ISSUE, 02 PURSE, 04 READ) of the card with this serial; false if serial
 * and msg do not fit in Lc. */
bool card_apdu_sam_mac(card_apdu_t *a, uint8_t label, const uint8_t serial[CARD_SERIAL_LEN], const uint8_t *msg,
                       size_t n);

/* Writes a as a short APDU into out and returns its length, or 0 if it
 * does not fit in cap (CARD_APDU_MAX_WIRE always suffices) or lc > 255. */
size_t card_apdu_encode(const card_apdu_t *a, uint8_t *out, size_t cap);

/* Reads a short command APDU of exactly n bytes (as a card or SAM
 * receives it); K_EINVAL, with the reason, if it is not one. */
kerr_t card_apdu_decode(const uint8_t *p, size_t n, card_apdu_t *out, kmsg_t *msg);

/* ---- Responses and status words --------------------------------------- */

#define CARD_RESP_DATA_MAX 256

/* A response: data, then SW1 SW2 (sw = SW1 << 8 | SW2). */
typedef struct card_resp {
    uint8_t data[CARD_RESP_DATA_MAX];
    size_t len;
    uint16_t sw;
} card_resp_t;

/* The status words of docs/card.md, for a switch. */
typedef enum card_sw {
    CARD_SW_OK,           /* 90 00 */
    CARD_SW_WRONG_LENGTH, /* 67 00 */
    CARD_SW_NO_CHALLENGE, /* 69 82 */
    CARD_SW_BLOCKED,      /* 69 83 */
    CARD_SW_CONDITIONS,   /* 69 85 */
    CARD_SW_BAD_MAC,      /* 69 89 */
    CARD_SW_NO_FILE,      /* 6A 82 */
    CARD_SW_WRONG_P1P2,   /* 6A 86 */
    CARD_SW_BAD_INS,      /* 6D 00 */
    CARD_SW_BAD_CLA,      /* 6E 00 */
    CARD_SW_UNKNOWN,      /* anything else */
} card_sw_t;

/* Splits n response bytes into data and SW; K_EINVAL if n is below 2 or
 * above 258. */
kerr_t card_resp_parse(const uint8_t *p, size_t n, card_resp_t *out, kmsg_t *msg);

/* Which of the document's status words sw is (CARD_SW_UNKNOWN if none). */
card_sw_t card_sw_kind(uint16_t sw);

/* The status word of kind k (0 for CARD_SW_UNKNOWN). */
uint16_t card_sw_value(card_sw_t k);

/* A short English text for sw ("MAC wrong"); never NULL. */
const char *card_sw_text(uint16_t sw);

/* K_OK for 90 00; otherwise K_EDEVICE and "<what>: 69 85 (conditions not
 * satisfied)" in msg. */
kerr_t card_sw_check(uint16_t sw, const char *what, kmsg_t *msg);

/* ---- What the MACs are computed over ---------------------------------- */

/* Writes CHALLENGE || 04 D6 P1 P2 || DATA (UPDATE WITH MAC) into out and
 * returns its length, or 0 if it does not fit in cap. */
size_t card_update_mac_msg(const uint8_t challenge[CARD_CHALLENGE_LEN], uint8_t p1, uint8_t p2, const uint8_t *data,
                           size_t n, uint8_t *out, size_t cap);

/* Writes NONCE || P1 || CONTENT (READ WITH MAC) into out and returns its
 * length, or 0 if it does not fit in cap. */
size_t card_read_mac_msg(const uint8_t nonce[CARD_NONCE_LEN], uint8_t p1, const uint8_t *content, size_t n,
                         uint8_t *out, size_t cap);

/* ---- The files -------------------------------------------------------- */

#define CARD_SFI_INFO 1
#define CARD_SFI_PURSE 2
#define CARD_SFI_WRITEBACK 3

#define CARD_INFO_LEN 32
#define CARD_PURSE_LEN 16
#define CARD_WRITEBACK_LEN 56

#define CARD_DIGITS_LEN 13 /* 12 digits and a NUL: numbers and times */

enum { CARD_INFO_VERSION = 1 };
enum { CARD_TYPE_BLANK = 0, CARD_TYPE_USER = 1, CARD_TYPE_REPLACEMENT = 3 };
enum { CARD_STATUS_ACTIVE = 0, CARD_STATUS_BLOCKED = 1 };
enum { CARD_PURPOSE_NONE = 0, CARD_PURPOSE_OPEN = 1, CARD_PURPOSE_PURCHASE = 2, CARD_PURPOSE_REPLACE = 3 };

/* EF_WRITEBACK status bits. */
enum {
    CARD_WB_RELAY_OPEN = 1 << 0,
    CARD_WB_LOW_BALANCE = 1 << 1,
    CARD_WB_PRETRIP = 1 << 2,
    CARD_WB_BOUND = 1 << 3,
    CARD_WB_CREDIT_TAKEN = 1 << 4,
};

/* EF_WRITEBACK tamper bits. */
enum {
    CARD_WB_METER_COVER = 1 << 0,
    CARD_WB_TERMINAL_COVER = 1 << 1,
    CARD_WB_MAGNETIC = 1 << 2,
    CARD_WB_REVERSE = 1 << 3,
};

/* EF_INFO. Times are YYMMDDhhmmss; a blank card's are all zeros. */
typedef struct card_info {
    uint8_t version; /* CARD_INFO_VERSION */
    uint8_t type;    /* CARD_TYPE_* */
    uint8_t status;  /* CARD_STATUS_* */
    uint8_t serial[CARD_SERIAL_LEN];
    char meter[CARD_DIGITS_LEN];
    char customer[CARD_DIGITS_LEN];
    uint8_t generation;
    uint16_t currency; /* ISO 4217 numeric, 156 = CNY */
    char issued[CARD_DIGITS_LEN];
} card_info_t;

/* EF_PURSE. */
typedef struct card_purse {
    uint8_t purpose; /* CARD_PURPOSE_* */
    int64_t amount;  /* minor units, 0..4294967295 */
    uint32_t count;  /* 0..65535 */
    char time[CARD_DIGITS_LEN];
} card_purse_t;

/* EF_WRITEBACK. */
typedef struct card_writeback {
    bool written;
    char meter[CARD_DIGITS_LEN];
    int64_t remaining;    /* minor units, signed 32-bit on the card */
    int64_t energy_total; /* Wh (litres), 0..2^48-1 */
    int64_t energy[4];    /* sharp, peak, flat, valley */
    uint32_t count;       /* the meter's purchase count, 0..65535 */
    uint8_t status;       /* CARD_WB_* status bits */
    uint8_t tamper;       /* CARD_WB_* tamper bits */
    char time[CARD_DIGITS_LEN];
} card_writeback_t;

/* Reads EF_INFO from exactly 32 bytes; K_EINVAL (K_EVERSION for another
 * format version) with the reason if they are not one. */
kerr_t card_info_decode(const uint8_t *p, size_t n, card_info_t *out, kmsg_t *msg);

/* Writes in as the 32 bytes of EF_INFO; K_EINVAL if a field is out of its
 * range (then out is unspecified). */
kerr_t card_info_encode(const card_info_t *in, uint8_t out[CARD_INFO_LEN], kmsg_t *msg);

/* Reads EF_PURSE from exactly 16 bytes; K_EINVAL with the reason if they
 * are not one. */
kerr_t card_purse_decode(const uint8_t *p, size_t n, card_purse_t *out, kmsg_t *msg);

/* Writes in as the 16 bytes of EF_PURSE; K_EINVAL if a field is out of its
 * range (then out is unspecified). */
kerr_t card_purse_encode(const card_purse_t *in, uint8_t out[CARD_PURSE_LEN], kmsg_t *msg);

/* Reads EF_WRITEBACK from exactly 56 bytes; K_EINVAL with the reason if
 * they are not one. */
kerr_t card_writeback_decode(const uint8_t *p, size_t n, card_writeback_t *out, kmsg_t *msg);

/* Writes in as the 56 bytes of EF_WRITEBACK; K_EINVAL if a field is out of
 * its range (then out is unspecified). */
kerr_t card_writeback_encode(const card_writeback_t *in, uint8_t out[CARD_WRITEBACK_LEN], kmsg_t *msg);

#endif
