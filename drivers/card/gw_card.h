/* The meter card as a place to deliver credit: a gw_t (gateway.h) whose
 * meter is the card in the reader. A read gives the card's purse count as
 * the purchase count and its write-back as the reading; a credit writes the
 * purse with that count and reads it back. So the engine's exactly-once
 * delivery (intent with the count, read back when an answer is lost) works
 * for cards unchanged.
 *
 * The target (gw_target_t) names the meter and the card that must be in
 * the reader (its serial; none: any card of that meter, for reading). A
 * credit opens the account when the engine says so (open_account); the
 * first purchase on a replacement card re-binds the meter. */
#ifndef DRIVERS_CARD_GW_CARD_H
#define DRIVERS_CARD_GW_CARD_H

#include "base/clock.h"
#include "drivers/card/card_keys.h"
#include "drivers/card/card_session.h"
#include "drivers/gateway/gateway.h"

/* What the card target is opened with besides its reader and keys. */
typedef struct gw_card_opts {
    const kclock_t *clk; /* the purchase time written onto the card; NULL: the system clock */
} gw_card_opts_t;

/* The card in the reader slot as a delivery target, its MACs from keys;
 * takes over slot and keys (closed with the gateway, or at once if it
 * cannot be opened). o may be NULL: the defaults. */
kerr_t gw_card_open(card_slot_t slot, card_keys_t keys, const gw_card_opts_t *o, gw_t *out, kmsg_t *msg);

/* Reads the card in the reader of a card gateway: K_ENOTFOUND if there is
 * none (or no reader), K_EDEVICE if it is not a genuine meter card. */
kerr_t gw_card_view(gw_t *g, card_view_t *out, kmsg_t *msg);

/* Writes EF_INFO onto the blank card in the reader of a card gateway and
 * reads it back. info->serial must be the card's. K_OK only if the card
 * holds info now; K_ETIMEOUT if the card was pulled out or did not answer
 * (the write may or may not have landed: read the card again); K_EDEVICE
 * if it refused (the status word is in msg); K_ECONFLICT if another card
 * is in the reader. */
kerr_t gw_card_issue(gw_t *g, const card_info_t *info, kmsg_t *msg);

/* What a card says as a meter reading: the purse count as the purchase
 * count (count_open while nothing was written), and, once the meter wrote
 * the card back, its balance, energies, relay and flags as the meter left
 * them (have = GW_READ_ALL; GW_READ_COUNT before). Note that the purchase
 * count is the card's, not the meter's: the meter's is v->writeback.count. */
void gw_card_reading(const card_view_t *v, gw_reading_t *out);

/* The serial as 16 upper-case hex digits. */
void gw_card_serial_hex(const uint8_t serial[CARD_SERIAL_LEN], char out[17]);

#endif
