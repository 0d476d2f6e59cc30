/* A card reader slot: a protocol-neutral interface (a context plus a const
 * ops table) that moves APDUs to and from whatever card is in the slot.
 * What the APDUs mean is the card application's business (card_apdu.h). */
#ifndef DRIVERS_CARD_CARD_SLOT_H
#define DRIVERS_CARD_CARD_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef enum card_err {
    CARD_OK = 0,
    CARD_ABSENT,    /* no card, or it was pulled out (an APDU may or may not have acted) */
    CARD_TIMEOUT,   /* nothing changed within the time given */
    CARD_NO_READER, /* the reader, or the PC/SC service, is not there */
    CARD_IO,        /* the reader failed or the card did not answer */
} card_err_t;

#define CARD_ATR_MAX 33
#define CARD_RESP_MAX 258

typedef struct card_slot_ops {
    const char *name;
    /* Waits up to timeout_ms until a card is present (present = true) or
     * the slot is empty (false); CARD_TIMEOUT if that did not happen. */
    card_err_t (*wait)(void *ctx, bool present, int timeout_ms, kmsg_t *msg);
    /* Powers the card up and connects to it; its ATR goes to atr. */
    card_err_t (*connect)(void *ctx, uint8_t atr[CARD_ATR_MAX], size_t *atr_len, kmsg_t *msg);
    /* Sends one command APDU and returns the response (data and SW1 SW2). */
    card_err_t (*transmit)(void *ctx, const uint8_t *apdu, size_t n, uint8_t resp[CARD_RESP_MAX], size_t *resp_len,
                           kmsg_t *msg);
    /* Lets the card go (powered down); a new connect starts afresh. */
    void (*disconnect)(void *ctx);
    /* Whether the card connected last is still connected: not taken out,
     * reset or powered down since, and nobody else could reach it (the
     * connection is exclusive). What was read from it then still holds. */
    bool (*held)(void *ctx);
    void (*close)(void *ctx);
    /* Asks whether the reader is there, with a card in it or not, and
     * touches no card: CARD_OK with which in msg, or the error and why.
     * card_slot_probe_none for a slot with nothing to ask. */
    card_err_t (*probe)(void *ctx, kmsg_t *msg);
} card_slot_ops_t;

typedef struct card_slot {
    const card_slot_ops_t *ops;
    void *ctx;
} card_slot_t;

/* Opens the PC/SC reader whose name contains reader_match (the first reader
 * if it is ""), through pcscd and libpcsclite. The reader need not be there
 * yet: wait() and connect() say so. */
kerr_t card_pcsc_open(const char *reader_match, card_slot_t *out, kmsg_t *msg);

/* Closes it (a zeroed card_slot_t is fine). */
void card_slot_close(card_slot_t *s);

/* The probe of a slot with nothing to ask: CARD_OK. */
card_err_t card_slot_probe_none(void *ctx, kmsg_t *msg);

#endif
