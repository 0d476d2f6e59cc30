/* The card keys of docs/card.md ("Keys"): per-card keys diversified from the
 * issuer's master key and the card serial, and the 8-byte AES-128-CMAC every
 * card MAC is. Shared by the kiosk's key stores, the card simulator and the
 * meter's card slot. Keys never reach a log. */
#ifndef DRIVERS_CARD_CARD_KEY_H
#define DRIVERS_CARD_CARD_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARD_SERIAL_LEN 8
#define CARD_MAC_LEN 8

/* The four key labels, 5 ASCII bytes each. */
#define CARD_LABEL_ISSUE "ISSUE"
#define CARD_LABEL_PURSE "PURSE"
#define CARD_LABEL_READ "READ_"
#define CARD_LABEL_METER "METER"

/* K_label = AES-128-CMAC(master, label || serial). False if the crypto
 * library fails. */
bool card_key_derive(const uint8_t master[16], const char label[5], const uint8_t serial[CARD_SERIAL_LEN],
                     uint8_t out[16]);

/* The first 8 bytes of AES-128-CMAC(key, msg). */
bool card_mac8(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[CARD_MAC_LEN]);

#endif
