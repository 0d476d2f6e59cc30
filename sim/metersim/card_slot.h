/* The meter's card slot (docs/sim/metersim.md, "The card slot"): what the
 * files that read a meter card, judge it and write it back share. The
 * card is the card library of cardsim (sim/cardsim/cardsim_card.h), held
 * in-process and spoken to through APDUs only. Names start with
 * msim_card_. */
#ifndef SIM_METERSIM_CARD_SLOT_H
#define SIM_METERSIM_CARD_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "sim/cardsim/cardsim_card.h"
#include "sim/metersim/card_codec.h"
#include "sim/metersim/msim.h"

/* What the meter made of an insertion. */
typedef enum msim_card_result {
    MSIM_CARD_REFUSED, /* nothing written anywhere */
    MSIM_CARD_NOTHING, /* nothing to credit; the write-back is written */
    MSIM_CARD_CREDITED,
    MSIM_CARD_OPENED,  /* the account opened, bound to the card, credited */
    MSIM_CARD_REBOUND, /* a replacement card re-bound the meter (credited or not) */
} msim_card_result_t;

/* The verdict on a card, and what carrying it out changes. */
typedef struct msim_card_verdict {
    msim_card_result_t result;
    bool open;   /* the account opens with the card's customer */
    bool bind;   /* the meter binds to this card (serial, generation) */
    bool credit; /* the purse's amount is credited, count becomes its count */
    char why[256]; /* a refusal's reason, for people */
} msim_card_verdict_t;

/* ---- card_talk.c: the APDUs ---- */

/* SELECT, READ BINARY of EF_INFO, then READ WITH MAC of EF_PURSE under a
 * fresh nonce, its MAC checked with K_READ derived from master and the
 * card's serial. K_OK, or an error whose text says what was wrong with
 * the card ("not a genuine card: ..."). */
kerr_t msim_card_read(cardsim_card_t *c, const uint8_t master[16], msim_card_info_t *info, msim_card_purse_t *purse,
                      kmsg_t *msg);

/* GET CHALLENGE, then UPDATE WITH MAC of EF_WRITEBACK with wb under
 * K_METER derived from master and serial. K_OK once the card answered
 * 90 00 (it has saved its image). */
kerr_t msim_card_wb_write(cardsim_card_t *c, const uint8_t master[16], const uint8_t serial[MSIM_CARD_SERIAL_LEN],
                          const uint8_t wb[MSIM_CARD_WB_LEN], kmsg_t *msg);

/* ---- card_rules.c: the meter's rules ---- */

/* Judges the card (EF_INFO, EF_PURSE) against the meter's state; pure. */
void msim_card_judge(const msim_meter_t *m, const msim_card_info_t *info, const msim_card_purse_t *purse,
                     msim_card_verdict_t *v);

/* Carries out a verdict that is not a refusal: opens, binds, books the
 * credit (journal protocol "card"). Does not save. */
void msim_card_apply(msim_meter_t *m, const msim_card_info_t *info, const msim_card_purse_t *purse,
                     const msim_card_verdict_t *v);

/* The result's name in replies: "refused", "nothing", "credited",
 * "opened", "rebound". */
const char *msim_card_result_name(msim_card_result_t r);

/* The card serial as the state file keeps it (16 upper-case hex digits). */
void msim_card_serial_text(const uint8_t serial[MSIM_CARD_SERIAL_LEN], char out[MSIM_SERIAL_LEN]);

/* ---- card_wb.c: the write-back's content ---- */

/* EF_WRITEBACK as the meter writes it now: its number, money, energies,
 * count, status (bound: to the card inserted; taken: its credit was taken
 * at this insertion), tamper flags, simulated time. K_EINVAL if a value
 * does not fit (never for a state the meter can reach). */
kerr_t msim_card_wb_build(const msim_t *s, const msim_meter_t *m, bool bound, bool taken,
                          uint8_t out[MSIM_CARD_WB_LEN], kmsg_t *msg);

#endif
