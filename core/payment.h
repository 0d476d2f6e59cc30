/* Payment rules: what a note in escrow may do, what a card terminal's
 * answer means, and when a card payment is given back. Pure decisions; the
 * engine carries them out. */
#ifndef CORE_PAYMENT_H
#define CORE_PAYMENT_H

#include <stdbool.h>
#include <stdint.h>

/* ---- cash ---- */

typedef enum escrow_reason {
    ESCROW_OK,          /* stack it */
    ESCROW_NOT_TAKING,  /* the sale no longer takes money */
    ESCROW_OVER_LIMIT,  /* the total would pass limits.max_purchase */
    ESCROW_UNKNOWN_NOTE, /* the note's value is not known */
    ESCROW_OVER_AMOUNT  /* more than the sale still asks for: the kiosk gives no change */
} escrow_reason_t;

/* A note of `value` is in escrow while the sale has `paid` so far of the
 * `amount` the resident chose (0: no amount set, any up to the limit).
 * Stack it only if the sale is still taking money and paid + value stays
 * within the amount and within max_purchase; otherwise return it: the
 * kiosk stops taking notes at the amount, since it gives no change.
 * Returns ESCROW_OK to stack. */
escrow_reason_t payment_escrow_rule(bool taking_money, int64_t paid, int64_t value, int64_t amount,
                                    int64_t max_purchase);

/* What the bill acceptor's latest news was, for the resident's screen. */
typedef enum payment_note {
    PNOTE_NONE,     /* nothing new */
    PNOTE_TAKEN,    /* a note was stacked and booked to the sale */
    PNOTE_RETURNED, /* a note was given back by the escrow rule (its reason says why) */
    PNOTE_REJECTED, /* the acceptor refused a note (worn, foreign, not a note) */
    PNOTE_DEVICE    /* the acceptor reports a problem */
} payment_note_t;

/* Words for an escrow reason ("over the purchase limit"). */
const char *payment_escrow_text(escrow_reason_t r);

/* ---- authorised payments: a card terminal, a QR order ---- */

/* What a card terminal asks of the resident while it works, for the
 * screen to word in the resident's language. */
typedef enum payment_prompt {
    PPROMPT_NONE,        /* nothing said yet */
    PPROMPT_INSERT_CARD, /* insert or tap the card */
    PPROMPT_REMOVE_CARD,
    PPROMPT_WAIT,
    PPROMPT_PIN,         /* enter the PIN on the terminal */
    PPROMPT_APPROVED,
    PPROMPT_DECLINED,
    PPROMPT_FOLLOW,      /* anything else: follow the terminal's own instructions */
    PPROMPT_SCAN_QR      /* a QR order: scan the code with a phone */
} payment_prompt_t;

/* What the terminal's exchange came to, in the core's terms. */
typedef enum payment_answer {
    PAYMENT_APPROVED,     /* approved: the money is taken */
    PAYMENT_DECLINED,     /* a definite no: nothing taken */
    PAYMENT_NOT_RECEIVED, /* the command never reached the terminal */
    PAYMENT_NO_RESULT,    /* it reached the terminal; the result never came back */
} payment_answer_t;

typedef enum payment_step {
    PAYMENT_STEP_PAID,      /* book the payment */
    PAYMENT_STEP_NOT_PAID,  /* close the authorisation as not paid */
    PAYMENT_STEP_ASK_LAST,  /* ask the terminal for its last transaction */
    PAYMENT_STEP_PARK,      /* cannot know: a person must look; never authorise again */
} payment_step_t;

/* After an authorisation. */
payment_step_t payment_after_authorise(payment_answer_t a);

/* Whose the terminal's last transaction is, by its reference. */
typedef enum payment_owner {
    PAYMENT_OURS,    /* its reference is this authorisation's */
    PAYMENT_OTHERS,  /* another reference, or no transaction at all */
    PAYMENT_UNNAMED, /* a transaction that carries no reference: it may be ours */
} payment_owner_t;

/* After asking for the last transaction: `answered` false if the terminal
 * could not be asked. An approved transaction that names no reference may
 * be ours: a person must look (docs/protocols/zvt.md). */
payment_step_t payment_after_last(bool answered, payment_owner_t owner, bool approved);

/* A delivery parked for good is given back by a reversal only if the money
 * came through a provider that can reverse it (a card terminal) and no
 * attempt may have credited the meter. */
bool payment_reverse_after_park(bool reversible, bool may_have_credited);

#endif
