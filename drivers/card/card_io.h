/* One APDU through a card slot, as encoded bytes in and a parsed response
 * out: shared by the card session and the SAM key backend. */
#ifndef DRIVERS_CARD_CARD_IO_H
#define DRIVERS_CARD_CARD_IO_H

#include "drivers/card/card_apdu.h"
#include "drivers/card/card_slot.h"

/* Sends a and parses the answer into r; *err says what the slot did
 * (CARD_OK even when the card answered an error status word). */
kerr_t card_io(card_slot_t *s, const card_apdu_t *a, card_resp_t *r, card_err_t *err, kmsg_t *msg);

#endif
