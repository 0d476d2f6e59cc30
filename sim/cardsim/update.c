/* UPDATE WITH MAC (docs/card.md, "Commands"): the file and its length, a
 * blocked card, the challenge, the MAC and its error count, the file's
 * rules, then an atomic write (the image file replaced whole). The armed
 * tears act here: in the write (nothing written) or after it (written,
 * not answered). */
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/cardsim/cardsim_card.h"
#include "sim/common/simkey.h"

static cardsim_act_t answer(cardsim_resp_t *r, uint16_t sw)
{
    cardsim_resp_sw(r, sw);
    return CARDSIM_ANSWER;
}

static cardsim_key_t write_key(uint8_t sfi)
{
    switch (sfi) {
    case CARDSIM_SFI_INFO: return CARDSIM_K_ISSUE;
    case CARDSIM_SFI_PURSE: return CARDSIM_K_PURSE;
    default: return CARDSIM_K_METER;
    }
}

/* MAC = CMAC(K, CHALLENGE || 04 D6 P1 P2 || DATA)[0..7], compared with the
 * last 8 bytes of the command's data. */
static bool mac_good(const cardsim_card_t *c, const cardsim_apdu_t *a, const uint8_t *challenge)
{
    uint8_t msg[CARDSIM_CHALLENGE_LEN + 4 + 255], mac[CARDSIM_MAC_LEN];
    size_t len = a->lc - CARDSIM_MAC_LEN;
    memcpy(msg, challenge, CARDSIM_CHALLENGE_LEN);
    msg[8] = a->cla;
    msg[9] = a->ins;
    msg[10] = a->p1;
    msg[11] = a->p2;
    memcpy(msg + 12, a->data, len);
    if (!cardsim_mac(c->keys[write_key(a->p1 & 0x1F)], msg, 12 + len, mac)) {
        LOG_E(CARDSIM_LOG, "card: the crypto library failed");
        return false;
    }
    return simkey_same(mac, a->data + len, CARDSIM_MAC_LEN);
}

/* A wrong MAC: one more in a row; the third blocks the card. */
static cardsim_act_t bad_mac(cardsim_card_t *c, cardsim_resp_t *r)
{
    cardsim_files_t next = c->img.files;
    next.mac_failures++;
    if (next.mac_failures >= CARDSIM_MAX_MAC_FAILURES) {
        next.mac_failures = CARDSIM_MAX_MAC_FAILURES;
        next.info[CARDSIM_INFO_STATUS] = CARDSIM_STATUS_BLOCKED;
        LOG_W(CARDSIM_LOG, "card: MAC error %d in a row: the card is blocked", next.mac_failures);
    } else {
        LOG_W(CARDSIM_LOG, "card: MAC error %d in a row", next.mac_failures);
    }
    cardsim_commit(c, &next, NULL);
    return answer(r, CARDSIM_SW_BAD_MAC);
}

static unsigned purse_count(const uint8_t *purse)
{
    return (unsigned)purse[CARDSIM_PURSE_COUNT] << 8 | purse[CARDSIM_PURSE_COUNT + 1];
}

/* The file's rules on its new content (old overlaid with the data): 0 to
 * write it, or the status word; *repeat for a byte-for-byte repeat. */
static uint16_t file_rules(const cardsim_card_t *c, uint8_t sfi, uint8_t *next, bool *repeat)
{
    const cardsim_files_t *f = &c->img.files;
    *repeat = false;
    if (sfi == CARDSIM_SFI_INFO) {
        if (f->info[CARDSIM_INFO_TYPE] != CARDSIM_TYPE_BLANK)
            return CARDSIM_SW_CONDITIONS;
        if (memcmp(next + CARDSIM_INFO_SERIAL, c->img.serial, CARDSIM_SERIAL_LEN) != 0)
            return CARDSIM_SW_CONDITIONS;
        next[CARDSIM_INFO_STATUS] = f->info[CARDSIM_INFO_STATUS]; /* kept by the card */
        return 0;
    }
    if (sfi == CARDSIM_SFI_PURSE) {
        *repeat = memcmp(next, f->purse, CARDSIM_PURSE_LEN) == 0;
        bool first = f->purse[CARDSIM_PURSE_PURPOSE] == 0 && purse_count(next) > 0; /* any first count */
        if (*repeat || first || purse_count(next) == purse_count(f->purse) + 1)
            return 0;
        return CARDSIM_SW_CONDITIONS;
    }
    return 0;
}

/* Writes next (the MAC count reset with it) and journals the UPDATE. */
static bool write_file(cardsim_card_t *c, const cardsim_apdu_t *a, cardsim_files_t *next, bool repeat)
{
    cardsim_entry_t e = {.time_ms = kclock_wall(NULL), .sfi = a->p1 & 0x1F, .offset = a->p2, .repeat = repeat};
    e.len = a->lc - CARDSIM_MAC_LEN;
    memcpy(e.data, a->data, e.len);
    return cardsim_commit(c, next, &e);
}

/* A good MAC ends a row of MAC errors, whatever comes next. */
static void reset_count(cardsim_card_t *c)
{
    if (!c->img.files.mac_failures)
        return;
    cardsim_files_t next = c->img.files;
    next.mac_failures = 0;
    cardsim_commit(c, &next, NULL);
}

/* After a good MAC: the file's rules, the tears, the write. */
static cardsim_act_t checked(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a, cardsim_resp_t *r)
{
    uint8_t sfi = a->p1 & 0x1F;
    size_t size = 0;
    bool repeat = false;
    cardsim_files_t next = c->img.files;
    next.mac_failures = 0;
    uint8_t *file = cardsim_file(&next, sfi, &size);
    memcpy(file, a->data, a->lc - CARDSIM_MAC_LEN);
    uint16_t sw = file_rules(c, sfi, file, &repeat);
    if (sw) {
        reset_count(c);
        return answer(r, sw);
    }
    if (tears && tears->in_update) {
        tears->in_update = false;
        reset_count(c);
        LOG_I(CARDSIM_LOG, "card: tear-in-update: pulled out in the write of %s", cardsim_file_name(sfi));
        return CARDSIM_TEAR;
    }
    if (!write_file(c, a, &next, repeat))
        return answer(r, CARDSIM_SW_MEMORY);
    LOG_I(CARDSIM_LOG, "card: %s %s", cardsim_file_name(sfi), repeat ? "repeated: nothing changes" : "written");
    if (tears && tears->after_update) {
        tears->after_update = false;
        LOG_I(CARDSIM_LOG, "card: tear-after-update: pulled out before answering");
        return CARDSIM_TEAR;
    }
    return answer(r, CARDSIM_SW_OK);
}

/* UPDATE WITH MAC: format, blocked, challenge, MAC, rules, write. */
cardsim_act_t cardsim_update(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                             const uint8_t *challenge, cardsim_resp_t *r)
{
    size_t size = 0;
    if ((a->p1 & 0xE0) != 0x80)
        return answer(r, CARDSIM_SW_WRONG_P1P2);
    if (!cardsim_file(&c->img.files, a->p1 & 0x1F, &size))
        return answer(r, CARDSIM_SW_NO_FILE);
    if (a->p2 != 0) /* an UPDATE writes a whole file */
        return answer(r, CARDSIM_SW_WRONG_P1P2);
    if (!a->has_lc || a->has_le || a->lc != size + CARDSIM_MAC_LEN)
        return answer(r, CARDSIM_SW_WRONG_LENGTH);
    if (c->img.files.info[CARDSIM_INFO_STATUS] == CARDSIM_STATUS_BLOCKED)
        return answer(r, CARDSIM_SW_BLOCKED);
    if (!challenge)
        return answer(r, CARDSIM_SW_NO_CHALLENGE);
    if (!mac_good(c, a, challenge))
        return bad_mac(c, r);
    return checked(c, tears, a, r);
}
