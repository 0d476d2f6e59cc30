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
    ESCROW_UNKNOWN_NOTE /* the note's value is not known */
} escrow_reason_t;

/* A note of `value` is in escrow while the sale has `paid` so far. Stack it
 * only if the sale is still taking money and paid + value stays within
 * max_purchase; otherwise return it. Returns ESCROW_OK to stack. */
escrow_reason_t payment_escrow_rule(bool taking_money, int64_t paid, int64_t value, int64_t max_purchase);

/* Words for an escrow reason ("over the purchase limit"). */
const char *payment_escrow_text(escrow_reason_t r);

/* ---- authorised payments: a card terminal, a QR order ---- */

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
