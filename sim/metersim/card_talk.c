/* The meter's side of the card's commands (docs/card.md, "Commands"):
 * each APDU built by drivers/card, handed to the card library in-process
 * as bytes, its answer parsed from bytes; the MACs computed with the keys
 * the meter derives from the card issuer's master key and the card's
 * serial. The keys live on the stack for one MAC and are wiped. */
#include <string.h>

#include "kiosk/app/log.h"
#include "kiosk/app/rand.h"
#include "sim/metersim/card_slot.h"

/* One APDU into the card, its answer out; K_OK for 90 00, else the
 * status word named in msg. No tears are armed: the card always answers. */
static kerr_t transmit(cardsim_card_t *c, const card_apdu_t *a, const char *what, card_resp_t *r, kmsg_t *msg)
{
    uint8_t wire[CARD_APDU_MAX_WIRE];
    size_t n = card_apdu_encode(a, wire, sizeof wire);
    if (!n)
        return kmsg_set(msg, K_EINVAL, "%s: the command does not fit in an APDU", what);
    cardsim_resp_t resp = {.n = 0};
    log_hex(LOG_DEBUG, MSIM_LOG, "card slot ->", wire, n);
    cardsim_card_apdu(c, NULL, wire, n, &resp);
    log_hex(LOG_DEBUG, MSIM_LOG, "card slot <-", resp.b, resp.n);
    if (card_resp_parse(resp.b, resp.n, r, msg) != K_OK)
        return K_EDEVICE;
    return card_sw_check(r->sw, what, msg);
}

static bool same_mac(const uint8_t *a, const uint8_t *b)
{
    uint8_t diff = 0;
    for (size_t i = 0; i < CARD_MAC_LEN; i++)
        diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

/* CMAC(K_label, message)[0..7], K_label diversified for serial. */
static bool card_mac(const uint8_t master[16], const char *label, const uint8_t serial[CARD_SERIAL_LEN],
                     const uint8_t *message, size_t n, uint8_t mac[CARD_MAC_LEN])
{
    uint8_t key[16];
    bool ok = n > 0 && card_key_derive(master, label, serial, key) && card_mac8(key, message, n, mac);
    memset(key, 0, sizeof key);
    return ok;
}

/* SELECT, then EF_INFO read free. */
static kerr_t read_info(cardsim_card_t *c, card_info_t *info, kmsg_t *msg)
{
    card_apdu_t a;
    card_resp_t r;
    card_apdu_select(&a);
    kerr_t rc = transmit(c, &a, "SELECT", &r, msg);
    if (rc == K_OK && card_apdu_read_binary(&a, CARD_SFI_INFO, 0, CARD_INFO_LEN))
        rc = transmit(c, &a, "READ BINARY of EF_INFO", &r, msg);
    return rc ? rc : card_info_decode(r.data, r.len, info, msg);
}

/* EF_PURSE with the card's MAC over a fresh nonce: only a card holding
 * its keys can answer it. */
static kerr_t read_purse(cardsim_card_t *c, const uint8_t master[16], const card_info_t *info, card_purse_t *purse,
                         kmsg_t *msg)
{
    uint8_t nonce[CARD_NONCE_LEN], text[CARD_NONCE_LEN + 1 + CARD_PURSE_LEN], mac[CARD_MAC_LEN];
    card_apdu_t a;
    card_resp_t r;
    if (krand_fill(NULL, nonce, sizeof nonce) != K_OK)
        return kmsg_set(msg, K_EIO, "no random bytes for a nonce");
    card_apdu_read_mac(&a, CARD_SFI_PURSE, nonce);
    kerr_t rc = transmit(c, &a, "READ WITH MAC of EF_PURSE", &r, msg);
    if (rc)
        return rc;
    if (r.len != CARD_PURSE_LEN + CARD_MAC_LEN)
        return kmsg_set(msg, K_EDEVICE, "READ WITH MAC of EF_PURSE: %zu bytes, not %d", r.len,
                        CARD_PURSE_LEN + CARD_MAC_LEN);
    size_t n = card_read_mac_msg(nonce, CARD_P1_SFI(CARD_SFI_PURSE), r.data, CARD_PURSE_LEN, text, sizeof text);
    if (!card_mac(master, CARD_LABEL_READ, info->serial, text, n, mac))
        return kmsg_set(msg, K_EIO, "the crypto library failed");
    if (!same_mac(mac, r.data + CARD_PURSE_LEN))
        return kmsg_set(msg, K_EDEVICE, "not a genuine card: its MAC on EF_PURSE does not match this meter's card key");
    return card_purse_decode(r.data, CARD_PURSE_LEN, purse, msg);
}

/* What the meter reads of a card, the purse proven genuine. */
kerr_t msim_card_read(cardsim_card_t *c, const uint8_t master[16], card_info_t *info, card_purse_t *purse,
                      kmsg_t *msg)
{
    kerr_t rc = read_info(c, info, msg);
    return rc ? rc : read_purse(c, master, info, purse, msg);
}

/* The write-back, under the meter's own key. */
kerr_t msim_card_wb_write(cardsim_card_t *c, const uint8_t master[16], const uint8_t serial[CARD_SERIAL_LEN],
                          const uint8_t wb[CARD_WRITEBACK_LEN], kmsg_t *msg)
{
    uint8_t text[CARD_CHALLENGE_LEN + 4 + CARD_WRITEBACK_LEN], mac[CARD_MAC_LEN];
    card_apdu_t a;
    card_resp_t r;
    card_apdu_get_challenge(&a);
    kerr_t rc = transmit(c, &a, "GET CHALLENGE", &r, msg);
    if (rc)
        return rc;
    if (r.len != CARD_CHALLENGE_LEN)
        return kmsg_set(msg, K_EDEVICE, "GET CHALLENGE: %zu bytes, not %d", r.len, CARD_CHALLENGE_LEN);
    size_t n = card_update_mac_msg(r.data, CARD_P1_SFI(CARD_SFI_WRITEBACK), 0, wb, CARD_WRITEBACK_LEN, text,
                                   sizeof text);
    if (!card_mac(master, CARD_LABEL_METER, serial, text, n, mac))
        return kmsg_set(msg, K_EIO, "the crypto library failed");
    card_apdu_update_mac(&a, CARD_SFI_WRITEBACK, 0, wb, CARD_WRITEBACK_LEN, mac);
    return transmit(c, &a, "UPDATE WITH MAC of EF_WRITEBACK", &r, msg);
}
