/* Card MACs from a master key file: for development and tests; production
 * kiosks use the SAM (card_keys_sam.c). The key stays in this process's
 * memory and is wiped on close. */
#include <openssl/crypto.h>
#include <stdlib.h>

#include "drivers/card/card_keys.h"
#include "drivers/gateway/meter_mac.h"

typedef struct keyfile {
    uint8_t master[16];
} keyfile_t;

static const char *label_text(card_label_t label)
{
    switch (label) {
    case CARD_KEY_ISSUE: return CARD_LABEL_ISSUE;
    case CARD_KEY_PURSE: return CARD_LABEL_PURSE;
    case CARD_KEY_READ: return CARD_LABEL_READ;
    }
    return NULL;
}

static kerr_t file_mac(void *ctx, card_label_t label, const uint8_t serial[CARD_SERIAL_LEN], const uint8_t *data,
                       size_t n, uint8_t out[CARD_MAC_LEN], kmsg_t *msg)
{
    keyfile_t *k = ctx;
    const char *text = label_text(label);
    uint8_t key[16];
    bool ok = text && card_key_derive(k->master, text, serial, key) && card_mac8(key, data, n, out);
    OPENSSL_cleanse(key, sizeof key);
    return ok ? K_OK : kmsg_set(msg, K_EIO, "card keys: cannot compute a MAC (label %d)", (int)label);
}

static void file_close(void *ctx)
{
    OPENSSL_cleanse(ctx, sizeof(keyfile_t));
    free(ctx);
}

static const card_keys_ops_t file_ops = {"file", file_mac, file_close, card_keys_probe_none};

kerr_t card_keys_file_open(const char *path, card_keys_t *out, kmsg_t *msg)
{
    keyfile_t *k = calloc(1, sizeof *k);
    if (!k)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = meter_key_load(path, k->master, msg);
    if (rc != K_OK) {
        file_close(k);
        return rc;
    }
    *out = (card_keys_t){&file_ops, k};
    return K_OK;
}

kerr_t card_keys_probe_none(void *ctx, kmsg_t *msg)
{
    (void)ctx;
    return kmsg_set(msg, K_OK, "open (nothing to ask)");
}

void card_keys_close(card_keys_t *k)
{
    if (k->ops)
        k->ops->close(k->ctx);
    *k = (card_keys_t){0};
}
