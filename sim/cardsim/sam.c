/* The SAM (docs/card.md, "The SAM"): SELECT and COMPUTE MAC with the keys
 * diversified from the master key for the serial it is given. The label
 * METER is refused: the kiosk cannot write a write-back. Checks run in
 * this order: class, instruction, APDU form, selection, P1 and P2,
 * lengths. */
#include <string.h>

#include "base/log.h"
#include "sim/cardsim/cardsim.h"

static const uint8_t sam_aid[] = {0xF0, 0x4B, 0x50, 0x53, 0x41, 0x4D, 0x30, 0x31};

static void sam_select(cardsim_t *s, const cardsim_apdu_t *a, cardsim_resp_t *r)
{
    if (a->p1 != 0x04 || a->p2 != 0x0C)
        cardsim_resp_sw(r, CARDSIM_SW_WRONG_P1P2);
    else if (!a->has_lc || a->has_le)
        cardsim_resp_sw(r, CARDSIM_SW_WRONG_LENGTH);
    else if (a->lc != sizeof sam_aid || memcmp(a->data, sam_aid, sizeof sam_aid) != 0)
        cardsim_resp_sw(r, CARDSIM_SW_NO_FILE);
    else {
        s->sam_selected = true;
        cardsim_resp_sw(r, CARDSIM_SW_OK);
    }
}

/* The key P1 names (01 ISSUE, 02 PURSE, 04 READ); false for 03 METER and
 * for a label that is none. */
static bool key_of(uint8_t p1, cardsim_key_t *k)
{
    switch (p1) {
    case 0x01: *k = CARDSIM_K_ISSUE; return true;
    case 0x02: *k = CARDSIM_K_PURSE; return true;
    case 0x04: *k = CARDSIM_K_READ; return true;
    default: return false;
    }
}

static void compute_mac(cardsim_t *s, const cardsim_apdu_t *a, cardsim_resp_t *r)
{
    cardsim_key_t k;
    uint8_t key[16], mac[CARDSIM_MAC_LEN];
    if (!key_of(a->p1, &k) || a->p2 != 0) {
        cardsim_resp_sw(r, CARDSIM_SW_WRONG_P1P2);
        return;
    }
    if (!a->has_lc || a->lc < CARDSIM_SERIAL_LEN || !a->has_le || a->le != CARDSIM_MAC_LEN) {
        cardsim_resp_sw(r, CARDSIM_SW_WRONG_LENGTH);
        return;
    }
    bool ok = cardsim_key_derive(s->master, k, a->data, key) &&
              cardsim_mac(key, a->data + CARDSIM_SERIAL_LEN, a->lc - CARDSIM_SERIAL_LEN, mac);
    memset(key, 0, sizeof key);
    if (ok) {
        cardsim_resp_data(r, mac, sizeof mac);
        return;
    }
    LOG_E(CARDSIM_LOG, "SAM: the crypto library failed");
    cardsim_resp_sw(r, CARDSIM_SW_UNKNOWN);
}

/* One APDU on the SAM: class, instruction, form, selection, then the command. */
void cardsim_sam_apdu(cardsim_t *s, const uint8_t *b, size_t n, cardsim_resp_t *r)
{
    cardsim_apdu_t a;
    bool select = n >= 4 && b[1] == 0xA4, mac = n >= 4 && b[1] == 0x2A;
    if (n < 4)
        cardsim_resp_sw(r, CARDSIM_SW_WRONG_LENGTH);
    else if (b[0] != 0x00 && b[0] != 0x80)
        cardsim_resp_sw(r, CARDSIM_SW_NO_CLASS);
    else if (!select && !mac)
        cardsim_resp_sw(r, CARDSIM_SW_NO_INS);
    else if (b[0] != (select ? 0x00 : 0x80))
        cardsim_resp_sw(r, CARDSIM_SW_NO_CLASS);
    else if (!cardsim_apdu_parse(b, n, &a))
        cardsim_resp_sw(r, CARDSIM_SW_WRONG_LENGTH);
    else if (select)
        sam_select(s, &a, r);
    else if (!s->sam_selected)
        cardsim_resp_sw(r, CARDSIM_SW_CONDITIONS);
    else
        compute_mac(s, &a, r);
    LOG_I(CARDSIM_LOG, "SAM: %s: %02X %02X", select ? "SELECT" : mac ? "COMPUTE MAC" : "?", r->b[r->n - 2],
          r->b[r->n - 1]);
}
