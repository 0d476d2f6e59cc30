/* The card's commands (docs/card.md, "Commands"): the class and
 * instruction, the selection, SELECT, READ BINARY, GET CHALLENGE and READ
 * WITH MAC; UPDATE WITH MAC is in update.c. Checks run in this order:
 * class, instruction, APDU form, selection, P1 and P2, lengths, then the
 * command's own conditions. */
#include <string.h>

#include "base/log.h"
#include "base/rand.h"
#include "sim/cardsim/cardsim_card.h"

static const uint8_t aid[] = {0xF0, 0x4B, 0x50, 0x52, 0x45, 0x50, 0x41, 0x59};

/* A command on the inserted card c; tears may be NULL. */
typedef cardsim_act_t (*cmd_fn)(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                                const uint8_t *challenge, cardsim_resp_t *r);

static cardsim_act_t answer(cardsim_resp_t *r, uint16_t sw)
{
    cardsim_resp_sw(r, sw);
    return CARDSIM_ANSWER;
}

static cardsim_act_t cmd_select(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                                const uint8_t *challenge, cardsim_resp_t *r)
{
    (void)tears;
    (void)challenge;
    if (a->p1 != 0x04 || a->p2 != 0x0C)
        return answer(r, CARDSIM_SW_WRONG_P1P2);
    if (!a->has_lc || a->has_le)
        return answer(r, CARDSIM_SW_WRONG_LENGTH);
    if (a->lc != sizeof aid || memcmp(a->data, aid, sizeof aid) != 0)
        return answer(r, CARDSIM_SW_NO_FILE); /* the selection stays as it was */
    c->selected = true;
    return answer(r, CARDSIM_SW_OK);
}

/* The file P1 names (80 | SFI): 0 with the file, or the status word. */
static uint16_t file_of(cardsim_card_t *c, uint8_t p1, uint8_t **file, size_t *size)
{
    if ((p1 & 0xE0) != 0x80)
        return CARDSIM_SW_WRONG_P1P2;
    *file = cardsim_file(&c->img.files, p1 & 0x1F, size);
    return *file ? 0 : CARDSIM_SW_NO_FILE;
}

static cardsim_act_t cmd_read(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                              const uint8_t *challenge, cardsim_resp_t *r)
{
    (void)tears;
    (void)challenge;
    uint8_t *file = NULL;
    size_t size = 0;
    uint16_t sw = file_of(c, a->p1, &file, &size);
    if (sw)
        return answer(r, sw);
    if (a->has_lc || !a->has_le || a->p2 >= size)
        return answer(r, CARDSIM_SW_WRONG_LENGTH);
    size_t len = a->le ? a->le : size - a->p2;
    if (a->p2 + len > size)
        return answer(r, CARDSIM_SW_WRONG_LENGTH);
    cardsim_resp_data(r, file + a->p2, len);
    return CARDSIM_ANSWER;
}

static bool blocked(const cardsim_card_t *c)
{
    return c->img.files.info[CARDSIM_INFO_STATUS] == CARDSIM_STATUS_BLOCKED;
}

static cardsim_act_t cmd_challenge(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                                   const uint8_t *challenge, cardsim_resp_t *r)
{
    (void)tears;
    (void)challenge;
    if (a->p1 || a->p2)
        return answer(r, CARDSIM_SW_WRONG_P1P2);
    if (a->has_lc || !a->has_le || a->le != CARDSIM_CHALLENGE_LEN)
        return answer(r, CARDSIM_SW_WRONG_LENGTH);
    if (blocked(c))
        return answer(r, CARDSIM_SW_BLOCKED);
    if (krand_fill(NULL, c->challenge, sizeof c->challenge) != K_OK) {
        LOG_E(CARDSIM_LOG, "card: no random bytes for a challenge");
        return answer(r, CARDSIM_SW_UNKNOWN);
    }
    c->has_challenge = true;
    cardsim_resp_data(r, c->challenge, sizeof c->challenge);
    return CARDSIM_ANSWER;
}

/* MAC = CMAC(K_READ, NONCE || P1 || CONTENT)[0..7]. */
static bool read_mac(const cardsim_card_t *c, const uint8_t nonce[8], uint8_t p1, const uint8_t *file, size_t size,
                     uint8_t mac[CARDSIM_MAC_LEN])
{
    uint8_t msg[8 + 1 + CARDSIM_FILE_MAX];
    memcpy(msg, nonce, 8);
    msg[8] = p1;
    memcpy(msg + 9, file, size);
    return cardsim_mac(c->keys[CARDSIM_K_READ], msg, 9 + size, mac);
}

/* READ WITH MAC: EF_PURSE and EF_WRITEBACK only (EF_INFO is read free). */
static cardsim_act_t cmd_read_mac(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                                  const uint8_t *challenge, cardsim_resp_t *r)
{
    (void)tears;
    (void)challenge;
    uint8_t *file = NULL, mac[CARDSIM_MAC_LEN];
    size_t size = 0;
    uint16_t sw = file_of(c, a->p1, &file, &size);
    if (sw)
        return answer(r, sw);
    if ((a->p1 & 0x1F) == CARDSIM_SFI_INFO || a->p2 != 0)
        return answer(r, CARDSIM_SW_WRONG_P1P2);
    if (!a->has_lc || a->lc != 8 || !a->has_le || a->le != 0)
        return answer(r, CARDSIM_SW_WRONG_LENGTH);
    if (!read_mac(c, a->data, a->p1, file, size, mac)) {
        LOG_E(CARDSIM_LOG, "card: the crypto library failed");
        return answer(r, CARDSIM_SW_UNKNOWN);
    }
    uint8_t out[CARDSIM_FILE_MAX + CARDSIM_MAC_LEN];
    memcpy(out, file, size);
    memcpy(out + size, mac, sizeof mac);
    cardsim_resp_data(r, out, size + sizeof mac);
    return CARDSIM_ANSWER;
}

static cardsim_act_t cmd_update(cardsim_card_t *c, cardsim_tears_t *tears, const cardsim_apdu_t *a,
                                const uint8_t *challenge, cardsim_resp_t *r)
{
    return cardsim_update(c, tears, a, challenge, r);
}

static const struct command {
    uint8_t cla, ins;
    const char *name;
    cmd_fn fn;
} commands[] = {
    {0x00, 0xA4, "SELECT", cmd_select},
    {0x00, 0xB0, "READ BINARY", cmd_read},
    {0x00, 0x84, "GET CHALLENGE", cmd_challenge},
    {0x04, 0xD6, "UPDATE WITH MAC", cmd_update},
    {0x80, 0xB6, "READ WITH MAC", cmd_read_mac},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* The command for cla and ins, or NULL with the status word in *sw. */
static const struct command *find(uint8_t cla, uint8_t ins, uint16_t *sw)
{
    const struct command *by_ins = NULL;
    bool cla_known = false;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        cla_known = cla_known || commands[i].cla == cla;
        if (commands[i].ins == ins)
            by_ins = &commands[i];
    }
    *sw = !cla_known ? CARDSIM_SW_NO_CLASS : !by_ins ? CARDSIM_SW_NO_INS : CARDSIM_SW_NO_CLASS;
    return cla_known && by_ins && by_ins->cla == cla ? by_ins : NULL;
}

/* Runs a command on the card; the challenge is taken out first: only an
 * UPDATE may use it, and GET CHALLENGE makes a new one. */
static cardsim_act_t run(cardsim_card_t *c, cardsim_tears_t *tears, const uint8_t *b, size_t n, cardsim_resp_t *r,
                         const char **name)
{
    uint8_t challenge[CARDSIM_CHALLENGE_LEN];
    bool had = c->has_challenge;
    memcpy(challenge, c->challenge, sizeof challenge);
    c->has_challenge = false;
    uint16_t sw = CARDSIM_SW_WRONG_LENGTH;
    cardsim_apdu_t a;
    if (n < 4)
        return answer(r, sw);
    const struct command *cmd = find(b[0], b[1], &sw);
    if (!cmd)
        return answer(r, sw);
    *name = cmd->name;
    if (!cardsim_apdu_parse(b, n, &a))
        return answer(r, CARDSIM_SW_WRONG_LENGTH);
    if (!c->selected && cmd->fn != cmd_select)
        return answer(r, CARDSIM_SW_CONDITIONS);
    return cmd->fn(c, tears, &a, had ? challenge : NULL, r);
}

/* One APDU on the card: a tear-after first, then the command. */
cardsim_act_t cardsim_card_apdu(cardsim_card_t *c, cardsim_tears_t *tears, const uint8_t *b, size_t n,
                                cardsim_resp_t *r)
{
    if (tears && tears->after > 0 && --tears->after == 0) {
        LOG_I(CARDSIM_LOG, "card: tear-after: pulled out on this APDU, before acting on it");
        return CARDSIM_TEAR;
    }
    const char *name = "?";
    cardsim_act_t act = run(c, tears, b, n, r, &name);
    if (act == CARDSIM_ANSWER)
        LOG_I(CARDSIM_LOG, "card: %s: %02X %02X", name, r->b[r->n - 2], r->b[r->n - 1]);
    return act;
}

/* Power off, power on and reset all deselect and forget the challenge. */
void cardsim_card_reset(cardsim_card_t *c)
{
    c->selected = false;
    c->has_challenge = false;
    memset(c->challenge, 0, sizeof c->challenge);
}
