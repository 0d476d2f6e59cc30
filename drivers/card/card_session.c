/* The card session: the APDU sequences of docs/card.md ("A purchase, APDU
 * by APDU") over a slot, with the MACs from a key backend. */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include "base/log.h"
#include "drivers/card/card_io.h"
#include "drivers/card/card_session.h"

/* One APDU; K_OK only for 90 00. */
static kerr_t step(card_slot_t *s, const card_apdu_t *a, card_resp_t *r, card_status_t *st, const char *what,
                   kmsg_t *msg)
{
    *st = (card_status_t){0};
    kerr_t rc = card_io(s, a, r, &st->slot, msg);
    if (rc != K_OK)
        return rc;
    st->sw = r->sw;
    return card_sw_check(r->sw, what, msg);
}

static kerr_t read_file(card_slot_t *s, uint8_t sfi, size_t len, card_resp_t *r, card_status_t *st, kmsg_t *msg)
{
    card_apdu_t a;
    card_apdu_read_binary(&a, sfi, 0, (uint8_t)len);
    kerr_t rc = step(s, &a, r, st, "card: reading a file", msg);
    if (rc == K_OK && r->len != len)
        rc = kmsg_set(msg, K_EDEVICE, "card: file %u has %zu bytes instead of %zu", sfi, r->len, len);
    return rc;
}

/* READ WITH MAC of a whole file, the MAC checked by the keys. */
static kerr_t read_with_mac(card_slot_t *s, card_keys_t *keys, const uint8_t serial[CARD_SERIAL_LEN], uint8_t sfi,
                            size_t len, uint8_t *content, card_status_t *st, kmsg_t *msg)
{
    uint8_t nonce[CARD_NONCE_LEN], m[CARD_NONCE_LEN + 1 + CARD_RESP_DATA_MAX], want[CARD_MAC_LEN];
    if (RAND_bytes(nonce, sizeof nonce) != 1)
        return kmsg_set(msg, K_EIO, "card: no random nonce");
    card_apdu_t a;
    card_resp_t r;
    card_apdu_read_mac(&a, sfi, nonce);
    kerr_t rc = step(s, &a, &r, st, "card: reading with a MAC", msg);
    if (rc == K_OK && r.len != len + CARD_MAC_LEN)
        rc = kmsg_set(msg, K_EDEVICE, "card: file %u came with %zu bytes instead of %zu", sfi, r.len, len + 8);
    size_t n = rc == K_OK ? card_read_mac_msg(nonce, CARD_P1_SFI(sfi), r.data, len, m, sizeof m) : 0;
    if (rc == K_OK && (rc = keys->ops->mac(keys->ctx, CARD_KEY_READ, serial, m, n, want, msg)) == K_OK &&
        CRYPTO_memcmp(want, r.data + len, CARD_MAC_LEN) != 0)
        rc = kmsg_set(msg, K_EDEVICE, "card: its MAC is wrong: not a genuine card of this issuer, or altered");
    if (rc == K_OK)
        memcpy(content, r.data, len);
    return rc;
}

kerr_t card_session_read_purse(card_slot_t *slot, card_keys_t *keys, const uint8_t serial[CARD_SERIAL_LEN],
                               card_purse_t *out, card_status_t *st, kmsg_t *msg)
{
    uint8_t raw[CARD_PURSE_LEN];
    kerr_t rc = read_with_mac(slot, keys, serial, CARD_SFI_PURSE, sizeof raw, raw, st, msg);
    return rc == K_OK ? card_purse_decode(raw, sizeof raw, out, msg) : rc;
}

kerr_t card_session_read(card_slot_t *slot, card_keys_t *keys, card_view_t *out, card_status_t *st, kmsg_t *msg)
{
    uint8_t atr[CARD_ATR_MAX];
    size_t atr_len;
    *st = (card_status_t){.slot = slot->ops->connect(slot->ctx, atr, &atr_len, msg)};
    if (st->slot != CARD_OK)
        return K_EDEVICE;
    card_apdu_t a;
    card_resp_t r;
    card_apdu_select(&a);
    kerr_t rc = step(slot, &a, &r, st, "card: selecting the application (not a meter card?)", msg);
    if (rc == K_OK && (rc = read_file(slot, CARD_SFI_INFO, CARD_INFO_LEN, &r, st, msg)) == K_OK)
        rc = card_info_decode(r.data, r.len, &out->info, msg);
    if (rc == K_OK && (rc = read_file(slot, CARD_SFI_WRITEBACK, CARD_WRITEBACK_LEN, &r, st, msg)) == K_OK)
        rc = card_writeback_decode(r.data, r.len, &out->writeback, msg);
    if (rc == K_OK)
        rc = card_session_read_purse(slot, keys, out->info.serial, &out->purse, st, msg);
    return rc;
}

/* GET CHALLENGE, the MAC from the keys, UPDATE WITH MAC of a whole file. */
static kerr_t update(card_slot_t *s, card_keys_t *keys, card_label_t label, const uint8_t serial[CARD_SERIAL_LEN],
                     uint8_t sfi, const uint8_t *data, size_t n, card_status_t *st, kmsg_t *msg)
{
    card_apdu_t a;
    card_resp_t r;
    uint8_t m[CARD_CHALLENGE_LEN + 4 + CARD_RESP_DATA_MAX], mac[CARD_MAC_LEN];
    card_apdu_get_challenge(&a);
    kerr_t rc = step(s, &a, &r, st, "card: asking for a challenge", msg);
    if (rc == K_OK && r.len != CARD_CHALLENGE_LEN)
        rc = kmsg_set(msg, K_EDEVICE, "card: a challenge of %zu bytes", r.len);
    size_t mn = rc == K_OK ? card_update_mac_msg(r.data, CARD_P1_SFI(sfi), 0, data, n, m, sizeof m) : 0;
    if (rc == K_OK)
        rc = keys->ops->mac(keys->ctx, label, serial, m, mn, mac, msg);
    if (rc == K_OK && !card_apdu_update_mac(&a, sfi, 0, data, n, mac))
        rc = kmsg_set(msg, K_EINVAL, "card: an update of %zu bytes does not fit", n);
    if (rc == K_OK)
        rc = step(s, &a, &r, st, "card: writing", msg);
    return rc;
}

kerr_t card_session_write_purse(card_slot_t *slot, card_keys_t *keys, const uint8_t serial[CARD_SERIAL_LEN],
                                const card_purse_t *p, card_purse_t *after, card_status_t *st, kmsg_t *msg)
{
    uint8_t raw[CARD_PURSE_LEN];
    kerr_t rc = card_purse_encode(p, raw, msg);
    if (rc == K_OK)
        rc = update(slot, keys, CARD_KEY_PURSE, serial, CARD_SFI_PURSE, raw, sizeof raw, st, msg);
    if (rc == K_OK)
        rc = card_session_read_purse(slot, keys, serial, after, st, msg);
    if (rc == K_OK && (after->count != p->count || after->amount != p->amount))
        rc = kmsg_set(msg, K_EDEVICE, "card: read back count %u amount %lld, not what was written", after->count,
                      (long long)after->amount);
    return rc;
}

kerr_t card_session_issue(card_slot_t *slot, card_keys_t *keys, const card_info_t *info, card_status_t *st,
                          kmsg_t *msg)
{
    uint8_t raw[CARD_INFO_LEN];
    kerr_t rc = card_info_encode(info, raw, msg);
    return rc == K_OK ? update(slot, keys, CARD_KEY_ISSUE, info->serial, CARD_SFI_INFO, raw, sizeof raw, st, msg) : rc;
}
