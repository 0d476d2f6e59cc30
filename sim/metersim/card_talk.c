/* The meter's side of the card's commands (docs/card.md, "Commands"):
 * each APDU built by card_codec.c, handed to the card library in-process
 * as bytes, its answer split into data and status word; the MACs computed
 * with the keys the meter derives from the card issuer's master key and
 * the card's serial. The keys live on the stack for one MAC and are
 * wiped. */
#include <string.h>

#include "base/log.h"
#include "base/rand.h"
#include "sim/common/simkey.h"
#include "sim/metersim/card_slot.h"

#define SW_OK 0x9000

/* The data of a card's answer (the status word taken off). */
typedef struct answer {
    uint8_t data[CARDSIM_RESP_MAX];
    size_t len;
} answer_t;

/* One APDU into the card, its answer out; K_OK for 90 00, else the
 * status word named in msg. No tears are armed: the card always answers. */
static kerr_t transmit(cardsim_card_t *c, const uint8_t *apdu, size_t n, const char *what, answer_t *a, kmsg_t *msg)
{
    if (!n)
        return kmsg_set(msg, K_EINVAL, "%s: the command does not fit in an APDU", what);
    cardsim_resp_t resp = {.n = 0};
    log_hex(LOG_DEBUG, MSIM_LOG, "card slot ->", apdu, n);
    cardsim_card_apdu(c, NULL, apdu, n, &resp);
    log_hex(LOG_DEBUG, MSIM_LOG, "card slot <-", resp.b, resp.n);
    if (resp.n < 2)
        return kmsg_set(msg, K_EDEVICE, "card response: %zu bytes, no status word", resp.n);
    uint16_t sw = (uint16_t)(resp.b[resp.n - 2] << 8 | resp.b[resp.n - 1]);
    a->len = resp.n - 2;
    memcpy(a->data, resp.b, a->len);
    if (sw == SW_OK)
        return K_OK;
    return kmsg_set(msg, K_EDEVICE, "%s: %02X %02X (%s)", what, sw >> 8, sw & 0xFF, msim_card_sw_text(sw));
}

/* CMAC(K, text)[0..7], K the card's key k diversified for serial. */
static bool card_mac(const uint8_t master[16], cardsim_key_t k, const uint8_t serial[MSIM_CARD_SERIAL_LEN],
                     const uint8_t *text, size_t n, uint8_t mac[MSIM_CARD_MAC_LEN])
{
    uint8_t key[16];
    bool ok = n > 0 && cardsim_key_derive(master, k, serial, key) && cardsim_mac(key, text, n, mac);
    memset(key, 0, sizeof key);
    return ok;
}

/* SELECT, then EF_INFO read free. */
static kerr_t read_info(cardsim_card_t *c, msim_card_info_t *info, kmsg_t *msg)
{
    uint8_t apdu[MSIM_CARD_APDU_MAX];
    answer_t a;
    size_t n = msim_card_apdu(0x00, 0xA4, 0x04, 0x0C, msim_card_aid, sizeof msim_card_aid, MSIM_CARD_NO_LE, apdu);
    kerr_t rc = transmit(c, apdu, n, "SELECT", &a, msg);
    if (rc == K_OK) {
        n = msim_card_apdu(0x00, 0xB0, MSIM_CARD_P1(MSIM_CARD_SFI_INFO), 0, NULL, 0, MSIM_CARD_INFO_LEN, apdu);
        rc = transmit(c, apdu, n, "READ BINARY of EF_INFO", &a, msg);
    }
    return rc ? rc : msim_card_info_decode(a.data, a.len, info, msg);
}

/* EF_PURSE with the card's MAC over a fresh nonce: only a card holding
 * its keys can answer it. */
static kerr_t read_purse(cardsim_card_t *c, const uint8_t master[16], const msim_card_info_t *info,
                         msim_card_purse_t *purse, kmsg_t *msg)
{
    uint8_t nonce[MSIM_CARD_NONCE_LEN], apdu[MSIM_CARD_APDU_MAX], mac[MSIM_CARD_MAC_LEN];
    uint8_t text[MSIM_CARD_NONCE_LEN + 1 + MSIM_CARD_PURSE_LEN];
    const uint8_t p1 = MSIM_CARD_P1(MSIM_CARD_SFI_PURSE);
    answer_t a;
    if (krand_fill(NULL, nonce, sizeof nonce) != K_OK)
        return kmsg_set(msg, K_EIO, "no random bytes for a nonce");
    size_t n = msim_card_apdu(0x80, 0xB6, p1, 0, nonce, sizeof nonce, 0x00, apdu);
    kerr_t rc = transmit(c, apdu, n, "READ WITH MAC of EF_PURSE", &a, msg);
    if (rc)
        return rc;
    if (a.len != MSIM_CARD_PURSE_LEN + MSIM_CARD_MAC_LEN)
        return kmsg_set(msg, K_EDEVICE, "READ WITH MAC of EF_PURSE: %zu bytes, not %d", a.len,
                        MSIM_CARD_PURSE_LEN + MSIM_CARD_MAC_LEN);
    n = msim_card_read_text(nonce, p1, a.data, MSIM_CARD_PURSE_LEN, text);
    if (!card_mac(master, CARDSIM_K_READ, info->serial, text, n, mac))
        return kmsg_set(msg, K_EIO, "the crypto library failed");
    if (!simkey_same(mac, a.data + MSIM_CARD_PURSE_LEN, MSIM_CARD_MAC_LEN))
        return kmsg_set(msg, K_EDEVICE, "not a genuine card: its MAC on EF_PURSE does not match this meter's card key");
    return msim_card_purse_decode(a.data, MSIM_CARD_PURSE_LEN, purse, msg);
}

/* What the meter reads of a card, the purse proven genuine. */
kerr_t msim_card_read(cardsim_card_t *c, const uint8_t master[16], msim_card_info_t *info, msim_card_purse_t *purse,
                      kmsg_t *msg)
{
    kerr_t rc = read_info(c, info, msg);
    return rc ? rc : read_purse(c, master, info, purse, msg);
}

/* The write-back, under the meter's own key. */
kerr_t msim_card_wb_write(cardsim_card_t *c, const uint8_t master[16], const uint8_t serial[MSIM_CARD_SERIAL_LEN],
                          const uint8_t wb[MSIM_CARD_WB_LEN], kmsg_t *msg)
{
    uint8_t apdu[MSIM_CARD_APDU_MAX], text[MSIM_CARD_CHALLENGE_LEN + 4 + MSIM_CARD_WB_LEN];
    uint8_t data[MSIM_CARD_WB_LEN + MSIM_CARD_MAC_LEN];
    const uint8_t p1 = MSIM_CARD_P1(MSIM_CARD_SFI_WB);
    answer_t a;
    size_t n = msim_card_apdu(0x00, 0x84, 0x00, 0x00, NULL, 0, MSIM_CARD_CHALLENGE_LEN, apdu);
    kerr_t rc = transmit(c, apdu, n, "GET CHALLENGE", &a, msg);
    if (rc)
        return rc;
    if (a.len != MSIM_CARD_CHALLENGE_LEN)
        return kmsg_set(msg, K_EDEVICE, "GET CHALLENGE: %zu bytes, not %d", a.len, MSIM_CARD_CHALLENGE_LEN);
    n = msim_card_update_text(a.data, p1, wb, MSIM_CARD_WB_LEN, text);
    memcpy(data, wb, MSIM_CARD_WB_LEN);
    if (!card_mac(master, CARDSIM_K_METER, serial, text, n, data + MSIM_CARD_WB_LEN))
        return kmsg_set(msg, K_EIO, "the crypto library failed");
    n = msim_card_apdu(0x04, 0xD6, p1, 0x00, data, sizeof data, MSIM_CARD_NO_LE, apdu);
    return transmit(c, apdu, n, "UPDATE WITH MAC of EF_WRITEBACK", &a, msg);
}
