/* Where the kiosk's card MACs are computed (docs/card.md, "The SAM"): a SAM
 * in a second reader, so the master key never leaves it, or, for
 * development, a key file readable only by the kiosk's user. A context plus
 * a const ops table; both give the same MACs. */
#ifndef DRIVERS_CARD_CARD_KEYS_H
#define DRIVERS_CARD_CARD_KEYS_H

#include "drivers/card/card_key.h"
#include "drivers/card/card_slot.h"

/* The SAM's label numbers (COMPUTE MAC P1). */
typedef enum card_label { CARD_KEY_ISSUE = 1, CARD_KEY_PURSE = 2, CARD_KEY_READ = 4 } card_label_t;

typedef struct card_keys_ops {
    const char *name;
    /* out = CMAC(K_label of the card with this serial, data)[0..7]. */
    kerr_t (*mac)(void *ctx, card_label_t label, const uint8_t serial[CARD_SERIAL_LEN], const uint8_t *data,
                  size_t n, uint8_t out[CARD_MAC_LEN], kmsg_t *msg);
    void (*close)(void *ctx);
    /* Asks whether MACs can be computed (the SAM answers its select):
     * K_OK with what answered in msg, or why not. card_keys_probe_none for
     * keys with nothing to ask (a key file, read when it was opened). */
    kerr_t (*probe)(void *ctx, kmsg_t *msg);
} card_keys_ops_t;

typedef struct card_keys {
    const card_keys_ops_t *ops;
    void *ctx;
} card_keys_t;

/* The key file backend: path holds the master key (32 hex digits, mode 600). */
kerr_t card_keys_file_open(const char *path, card_keys_t *out, kmsg_t *msg);

/* The SAM backend, on a reader slot it takes over (closed with the keys). */
kerr_t card_keys_sam_open(card_slot_t sam, card_keys_t *out, kmsg_t *msg);

/* Closes either (a zeroed card_keys_t is fine). */
void card_keys_close(card_keys_t *k);

/* The probe of keys with nothing to ask: K_OK. */
kerr_t card_keys_probe_none(void *ctx, kmsg_t *msg);

#endif
