/* Delivery rules: how a purchase count is chosen and what a device's answer
 * means for the transaction. Pure decisions; the engine carries them out.
 *
 * The exactly-once mechanism is the meter's purchase count: a credit
 * carries count n and the meter applies it only if its own count is n - 1.
 * The kiosk commits n before sending and reuses n for every retry of the
 * same payment, so a retry can never credit twice. */
#ifndef CORE_DELIVERY_H
#define CORE_DELIVERY_H

#include <stdbool.h>
#include <stdint.h>

/* What a device said to a credit request carrying count n. */
typedef enum credit_outcome {
    CREDIT_APPLIED,        /* accepted; the meter's count is now n */
    CREDIT_REPEATED,       /* the meter says it already has count n */
    CREDIT_COUNT_MISMATCH, /* n is not the meter's count + 1 */
    CREDIT_REFUSED,        /* refused for another reason (MAC, customer, limit) */
    CREDIT_NO_ANSWER,      /* sent, but no reply: applied or not is unknown */
    CREDIT_UNREACHABLE,    /* could not be sent at all: surely not applied */
} credit_outcome_t;

/* Why a delivery is pending or parked; stored with the transaction. */
typedef enum delivery_reason {
    REASON_NONE,
    REASON_METER_UNREACHABLE,  /* the meter or gateway did not answer */
    REASON_NOT_APPLIED,        /* read-back shows the credit did not arrive; will resend */
    REASON_QUEUED,             /* an earlier purchase for this meter is still open */
    REASON_COUNT_MISMATCH,     /* the meter's count moved: another purchase reached it */
    REASON_COUNT_BEHIND,       /* the meter's count is below one this kiosk delivered */
    REASON_REFUSED,            /* the meter refused the credit */
    REASON_REPEATED_UNCONFIRMED, /* "repeated" but the read-back disagrees */
    REASON_INTERRUPTED,        /* the kiosk stopped before payment finished */
    REASON_PAYMENT_UNKNOWN,    /* whether money was taken is not known */
    REASON_COUNT
} delivery_reason_t;

/* What the engine does next. */
typedef enum delivery_step {
    STEP_DONE,      /* credit confirmed: EV_APPLIED */
    STEP_READ_BACK, /* read the meter's count to decide */
    STEP_RESEND,    /* send again with the same count */
    STEP_DEFER,     /* EV_DEFER with a reason; the retry worker comes back */
    STEP_PARK,      /* EV_PARK with a reason; a person must look */
    STEP_SEND,      /* send the credit with the count in `count` */
} delivery_step_t;

typedef struct delivery_decision {
    delivery_step_t step;
    delivery_reason_t reason;
    uint32_t count; /* STEP_SEND: the purchase count to commit and send */
} delivery_decision_t;

/* What the engine knows before it commits an intent. */
typedef struct count_facts {
    uint32_t meter_count;      /* the meter's purchase count, just read */
    bool any_count;            /* the target takes any first count (a card with nothing written yet):
                                * meter_count means nothing, the ledger's knowledge decides */
    uint32_t known_count;      /* with any_count: the highest count known for the meter elsewhere
                                * (its last reading), 0 if none */
    bool other_open;           /* another transaction holds an unconfirmed count for this meter */
    bool have_delivered;       /* this kiosk delivered to this meter before */
    uint32_t highest_delivered; /* the highest count it delivered (if have_delivered) */
} count_facts_t;

/* Returns the snake_case name of a reason ("count_mismatch"). */
const char *delivery_reason_name(delivery_reason_t r);

/* Chooses the purchase count for a new delivery: meter_count + 1, unless an
 * earlier purchase for the meter is still open (DEFER, queued) or the meter
 * is behind what was already delivered (PARK). A target that takes any
 * first count (a new or replacement card) gets one more than the highest
 * count delivered or known for the meter. */
delivery_decision_t delivery_pick_count(const count_facts_t *f);

/* Interprets the answer to a credit request. */
delivery_decision_t delivery_after_credit(credit_outcome_t outcome);

/* Interprets a read-back after a credit with count n: `readable` false if
 * the read failed; `after` is the outcome that led to the read-back;
 * attempts counts the sends made so far in this run, max_attempts the
 * limit before deferring to the retry worker. */
delivery_decision_t delivery_after_read_back(uint32_t n, bool readable, uint32_t meter_count,
                                             credit_outcome_t after, unsigned attempts,
                                             unsigned max_attempts);

#endif
