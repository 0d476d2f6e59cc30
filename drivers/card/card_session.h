/* The kiosk's side of the card application (docs/card.md): read a card,
 * write a purchase onto it and read it back, personalise a blank card.
 * Every step says what happened in a card_status_t, so the engine can tell
 * a card pulled out (the write may or may not have landed) from a card
 * that refused (it did not). Business rules are the engine's. */
#ifndef DRIVERS_CARD_CARD_SESSION_H
#define DRIVERS_CARD_CARD_SESSION_H

#include "drivers/card/card_apdu.h"
#include "drivers/card/card_keys.h"
#include "drivers/card/card_slot.h"

/* What the last exchange came to: the slot's result, and the card's status
 * word when it answered. */
typedef struct card_status {
    card_err_t slot; /* CARD_OK: the card answered */
    uint16_t sw;     /* its status word (0 if it did not answer) */
} card_status_t;

/* Everything the kiosk reads from a card. */
typedef struct card_view {
    card_info_t info;
    card_purse_t purse;
    card_writeback_t writeback;
} card_view_t;

/* Connects to the card in the slot and reads EF_INFO, EF_WRITEBACK, and
 * EF_PURSE with its MAC, which keys must confirm (a card that cannot is not
 * genuine: K_EDEVICE). */
kerr_t card_session_read(card_slot_t *slot, card_keys_t *keys, card_view_t *out, card_status_t *st, kmsg_t *msg);

/* Writes p onto the connected card (GET CHALLENGE, the MAC, UPDATE), then
 * reads the purse back with its MAC into *after. K_OK only if the card
 * took it and holds it now. */
kerr_t card_session_write_purse(card_slot_t *slot, card_keys_t *keys, const uint8_t serial[CARD_SERIAL_LEN],
                                const card_purse_t *p, card_purse_t *after, card_status_t *st, kmsg_t *msg);

/* Reads the purse of the connected card again, with its MAC. */
kerr_t card_session_read_purse(card_slot_t *slot, card_keys_t *keys, const uint8_t serial[CARD_SERIAL_LEN],
                               card_purse_t *out, card_status_t *st, kmsg_t *msg);

/* Personalises the connected blank card: EF_INFO = info (with key ISSUE). */
kerr_t card_session_issue(card_slot_t *slot, card_keys_t *keys, const card_info_t *info, card_status_t *st,
                          kmsg_t *msg);

#endif
