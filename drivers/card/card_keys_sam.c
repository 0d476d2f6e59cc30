/* Card MACs from the SAM in the second reader (docs/card.md, "The SAM"):
 * the master key never leaves it. The SAM is selected once per power-up;
 * after a failed exchange it is connected and selected again. */
#include <stdlib.h>
#include <string.h>

#include "drivers/card/card_io.h"
#include "drivers/card/card_keys.h"

typedef struct sam {
    card_slot_t slot;
    bool ready;
} sam_t;

static kerr_t sam_ready(sam_t *s, kmsg_t *msg)
{
    if (s->ready)
        return K_OK;
    uint8_t atr[CARD_ATR_MAX];
    size_t atr_len;
    if (s->slot.ops->connect(s->slot.ctx, atr, &atr_len, msg) != CARD_OK)
        return K_EDEVICE;
    card_apdu_t a;
    card_resp_t r;
    card_err_t err;
    card_apdu_sam_select(&a);
    kerr_t rc = card_io(&s->slot, &a, &r, &err, msg);
    if (rc == K_OK)
        rc = card_sw_check(r.sw, "SAM: select", msg);
    s->ready = rc == K_OK;
    return rc;
}

static kerr_t sam_mac(void *ctx, card_label_t label, const uint8_t serial[CARD_SERIAL_LEN], const uint8_t *data,
                      size_t n, uint8_t out[CARD_MAC_LEN], kmsg_t *msg)
{
    sam_t *s = ctx;
    card_apdu_t a;
    card_resp_t r;
    card_err_t err;
    if (!card_apdu_sam_mac(&a, (uint8_t)label, serial, data, n))
        return kmsg_set(msg, K_EINVAL, "SAM: a message of %zu bytes is too long for one COMPUTE MAC", n);
    kerr_t rc = sam_ready(s, msg);
    if (rc == K_OK && (rc = card_io(&s->slot, &a, &r, &err, msg)) != K_OK)
        s->ready = false;
    if (rc == K_OK)
        rc = card_sw_check(r.sw, "SAM: compute MAC", msg);
    if (rc == K_OK && r.len != CARD_MAC_LEN)
        rc = kmsg_set(msg, K_EDEVICE, "SAM: a MAC of %zu bytes instead of %d", r.len, CARD_MAC_LEN);
    if (rc == K_OK)
        memcpy(out, r.data, CARD_MAC_LEN);
    return rc;
}

/* The SAM connected and its application selected (once per power-up). */
static kerr_t sam_probe(void *ctx, kmsg_t *msg)
{
    kerr_t rc = sam_ready(ctx, msg);
    return rc == K_OK ? kmsg_set(msg, K_OK, "the SAM application answers") : rc;
}

static void sam_close(void *ctx)
{
    sam_t *s = ctx;
    card_slot_close(&s->slot);
    free(s);
}

static const card_keys_ops_t sam_ops = {"sam", sam_mac, sam_close, sam_probe};

kerr_t card_keys_sam_open(card_slot_t sam, card_keys_t *out, kmsg_t *msg)
{
    sam_t *s = calloc(1, sizeof *s);
    if (!s) {
        card_slot_close(&sam);
        return kmsg_set(msg, K_EIO, "out of memory");
    }
    s->slot = sam;
    *out = (card_keys_t){&sam_ops, s};
    return K_OK;
}
