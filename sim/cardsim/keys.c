/* The card's keys and MACs (docs/card.md, "Keys"): four keys per card,
 * diversified from the issuer's master key and the card serial, and every
 * MAC the first 8 bytes of an AES-128-CMAC. The card, the SAM and the
 * meter's card slot compute with these; no driver code is involved. */
#include <string.h>

#include "sim/cardsim/cardsim_card.h"
#include "sim/common/simkey.h"

#define LABEL_LEN 5

static const char labels[CARDSIM_N_KEYS][LABEL_LEN + 1] = {
    [CARDSIM_K_ISSUE] = "ISSUE",
    [CARDSIM_K_PURSE] = "PURSE",
    [CARDSIM_K_METER] = "METER",
    [CARDSIM_K_READ] = "READ_",
};

bool cardsim_key_derive(const uint8_t master[16], cardsim_key_t k, const uint8_t serial[CARDSIM_SERIAL_LEN],
                        uint8_t out[16])
{
    uint8_t msg[LABEL_LEN + CARDSIM_SERIAL_LEN];
    if ((unsigned)k >= CARDSIM_N_KEYS)
        return false;
    memcpy(msg, labels[k], LABEL_LEN);
    memcpy(msg + LABEL_LEN, serial, CARDSIM_SERIAL_LEN);
    return simkey_cmac(master, msg, sizeof msg, out);
}

bool cardsim_mac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[CARDSIM_MAC_LEN])
{
    return simkey_mac(key, msg, len, out, CARDSIM_MAC_LEN);
}
