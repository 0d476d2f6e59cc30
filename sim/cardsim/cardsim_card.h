/* The meter card of the application kiosk-prepay (docs/card.md) as a
 * library, with no reader link: its commands (APDUs in, answers out), its
 * files and their rules, its images as JSON files, and every change of its
 * memory made durable before it answers. cardsim puts it on vpcd; the card
 * slot of metersim talks to it in-process (docs/sim/cardsim.md, "The card
 * library"). Names start with cardsim_. */
#ifndef SIM_CARDSIM_CARDSIM_CARD_H
#define SIM_CARDSIM_CARDSIM_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define CARDSIM_LOG "cardsim"

/* The three files (docs/card.md, "Files"). */
#define CARDSIM_INFO_LEN 32
#define CARDSIM_PURSE_LEN 16
#define CARDSIM_WB_LEN 56
#define CARDSIM_FILE_MAX CARDSIM_WB_LEN
#define CARDSIM_SFI_INFO 1
#define CARDSIM_SFI_PURSE 2
#define CARDSIM_SFI_WB 3

/* EF_INFO fields the card itself looks at. */
#define CARDSIM_INFO_TYPE 1
#define CARDSIM_INFO_STATUS 2
#define CARDSIM_INFO_SERIAL 3
#define CARDSIM_TYPE_BLANK 0x00
#define CARDSIM_STATUS_ACTIVE 0x00
#define CARDSIM_STATUS_BLOCKED 0x01
#define CARDSIM_PURSE_PURPOSE 0
#define CARDSIM_PURSE_COUNT 5 /* 2 bytes, big-endian */

#define CARDSIM_SERIAL_LEN 8
#define CARDSIM_MAC_LEN 8
#define CARDSIM_CHALLENGE_LEN 8
#define CARDSIM_NONCE_LEN 8
#define CARDSIM_MAX_MAC_FAILURES 3 /* the third in a row blocks the card */
#define CARDSIM_MAX_JOURNAL 100000
#define CARDSIM_RESP_MAX 260       /* up to 256 data bytes + SW1 SW2 */
#define CARDSIM_PATH_MAX 1024

/* Status words (docs/card.md, "Status words"). */
enum {
    CARDSIM_SW_OK = 0x9000,
    CARDSIM_SW_WRONG_LENGTH = 0x6700,
    CARDSIM_SW_NO_CHALLENGE = 0x6982,
    CARDSIM_SW_BLOCKED = 0x6983,
    CARDSIM_SW_CONDITIONS = 0x6985,
    CARDSIM_SW_BAD_MAC = 0x6989,
    CARDSIM_SW_NO_FILE = 0x6A82,
    CARDSIM_SW_WRONG_P1P2 = 0x6A86,
    CARDSIM_SW_NO_INS = 0x6D00,
    CARDSIM_SW_NO_CLASS = 0x6E00,
    CARDSIM_SW_MEMORY = 0x6581,  /* the image file could not be written (the simulator's own) */
    CARDSIM_SW_UNKNOWN = 0x6F00, /* no randomness (the simulator's own) */
};

/* The four diversified keys, in this order. */
typedef enum cardsim_key {
    CARDSIM_K_ISSUE,
    CARDSIM_K_PURSE,
    CARDSIM_K_METER,
    CARDSIM_K_READ,
    CARDSIM_N_KEYS
} cardsim_key_t;

/* A command APDU, short form only (the application uses nothing else). */
typedef struct cardsim_apdu {
    uint8_t cla, ins, p1, p2;
    bool has_lc, has_le;
    size_t lc;           /* bytes of data */
    const uint8_t *data; /* lc bytes */
    uint8_t le;          /* as sent: 00 = up to 256 */
} cardsim_apdu_t;

/* A response APDU: data, then SW1 SW2. */
typedef struct cardsim_resp {
    uint8_t b[CARDSIM_RESP_MAX];
    size_t n;
} cardsim_resp_t;

/* What the card keeps in its memory: the files and the MAC-error count
 * (the status is EF_INFO byte 2). */
typedef struct cardsim_files {
    uint8_t info[CARDSIM_INFO_LEN];
    uint8_t purse[CARDSIM_PURSE_LEN];
    uint8_t wb[CARDSIM_WB_LEN];
    int mac_failures;
} cardsim_files_t;

/* One UPDATE WITH MAC the card took. */
typedef struct cardsim_entry {
    int64_t time_ms; /* wall clock, ms since the epoch */
    uint8_t sfi, offset;
    uint8_t data[CARDSIM_FILE_MAX];
    size_t len;
    bool repeat; /* a byte-for-byte repeat of the stored purse: nothing changed */
} cardsim_entry_t;

/* A card image: what one JSON file holds. */
typedef struct cardsim_image {
    uint8_t serial[CARDSIM_SERIAL_LEN];
    cardsim_files_t files;
    cardsim_entry_t *journal;
    size_t n_journal, cap_journal;
} cardsim_image_t;

/* A card in a reader: its image (and the file it lives in), its keys, and
 * what it holds in RAM (the selection, the challenge). */
typedef struct cardsim_card {
    bool inserted;
    char path[CARDSIM_PATH_MAX];
    cardsim_image_t img;
    uint8_t keys[CARDSIM_N_KEYS][16];
    bool selected;
    bool has_challenge;
    uint8_t challenge[CARDSIM_CHALLENGE_LEN];
} cardsim_card_t;

/* Tears armed by a test; they wait until they fire or are cleared. */
typedef struct cardsim_tears {
    int64_t after; /* the card is pulled at this APDU from now; 0 = none */
    bool in_update, after_update;
} cardsim_tears_t;

/* What the card does with an APDU. */
typedef enum cardsim_act { CARDSIM_ANSWER, CARDSIM_TEAR } cardsim_act_t;

/* ---- keys.c: the card's keys (docs/card.md, "Keys") ---- */

/* Key k of the card with this serial: AES-128-CMAC(master, label ||
 * serial), the label the key's five ASCII bytes ("ISSUE", "PURSE",
 * "METER", "READ_"). False if the crypto library fails. */
bool cardsim_key_derive(const uint8_t master[16], cardsim_key_t k, const uint8_t serial[CARDSIM_SERIAL_LEN],
                        uint8_t out[16]);

/* A card MAC: the first 8 bytes of AES-128-CMAC(key, msg). False if the
 * crypto library fails. */
bool cardsim_mac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[CARDSIM_MAC_LEN]);

/* ---- apdu.c: parsing and answers ---- */

/* Parses a short command APDU; false if it is not one (67 00). */
bool cardsim_apdu_parse(const uint8_t *b, size_t n, cardsim_apdu_t *a);

/* Sets the answer to just a status word. */
void cardsim_resp_sw(cardsim_resp_t *r, uint16_t sw);

/* Sets the answer to n data bytes and 90 00. */
void cardsim_resp_data(cardsim_resp_t *r, const uint8_t *data, size_t n);

/* Appends n data bytes to an answer still without its status word. */
void cardsim_resp_add(cardsim_resp_t *r, const uint8_t *data, size_t n);

/* The size of the file at sfi, and a pointer into files (NULL: none). */
uint8_t *cardsim_file(cardsim_files_t *f, uint8_t sfi, size_t *size);

/* The file's name as the image writes it ("EF_PURSE"), or NULL. */
const char *cardsim_file_name(uint8_t sfi);

/* ---- card.c: the card's commands ---- */

/* Answers one command APDU to the inserted card c, or asks to be pulled
 * out (a tear armed in tears; NULL: no tears). */
cardsim_act_t cardsim_card_apdu(cardsim_card_t *c, cardsim_tears_t *tears, const uint8_t *b, size_t n,
                                cardsim_resp_t *r);

/* A power-up, power-down or reset: deselects and forgets the challenge. */
void cardsim_card_reset(cardsim_card_t *c);

/* ---- update.c: UPDATE WITH MAC ---- */

/* Runs UPDATE WITH MAC (selection already checked) with the challenge
 * the card held (NULL: none); tears may be NULL. */
cardsim_act_t cardsim_update(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                             const uint8_t *challenge, cardsim_resp_t *r);

/* ---- image.c, image_load.c: card images as JSON ---- */

/* A blank card: version 01, type 00, status 00, the serial, zeros. */
void cardsim_image_blank(cardsim_image_t *img, const uint8_t serial[CARDSIM_SERIAL_LEN]);

/* Frees the journal. */
void cardsim_image_free(cardsim_image_t *img);

/* Appends an entry; false if out of memory or full. */
bool cardsim_journal_push(cardsim_image_t *img, const cardsim_entry_t *e);

/* The image as JSON text (heap; NULL if out of memory). */
char *cardsim_image_json(const cardsim_image_t *img, bool pretty);

/* Writes the image to path atomically; false (errno set) if it could not. */
bool cardsim_image_save(const cardsim_image_t *img, const char *path);

/* Writes a new blank card image to path; refuses an existing file. */
kerr_t cardsim_make_blank(const char *serial_hex, const char *path, kmsg_t *msg);

/* Reads the image at path; every field is checked and named if wrong. */
kerr_t cardsim_image_load(const char *path, cardsim_image_t *img, kmsg_t *msg);

/* ---- card_load.c: a card's memory ---- */

/* Loads the image at path into c (which must hold no card) and derives
 * the card's four keys from master and its serial: c is then inserted,
 * not powered, not selected. K_ESTATE if c holds a card already; the
 * image's errors name the field. */
kerr_t cardsim_card_load(cardsim_card_t *c, const uint8_t master[16], const char *path, kmsg_t *msg);

/* Forgets the card in c (its image is on disk already) and wipes its
 * keys; a c holding no card is fine. */
void cardsim_card_unload(cardsim_card_t *c);

/* Makes next the card's memory and journals e (may be NULL), then saves
 * the image; on failure the card keeps its old memory and false is
 * returned (logged). */
bool cardsim_commit(cardsim_card_t *c, const cardsim_files_t *next, const cardsim_entry_t *e);

#endif
