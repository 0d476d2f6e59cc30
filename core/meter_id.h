/* A meter's identity, and the rule every command to a meter passes first:
 * the meter that answers at the registry's address must be the registry's
 * meter (and customer, where both are known). Pure: the engine reads the
 * meter and asks; it sends nothing unless the answer is METER_ID_SAME. */
#ifndef CORE_METER_ID_H
#define CORE_METER_ID_H

#include <stdbool.h>

#define METER_ID_LEN 13 /* 12 digits and the terminator */

/* What the registry says a meter is, or what the meter at its address says. */
typedef struct meter_id {
    char meter[METER_ID_LEN];    /* 12 digits */
    char customer[METER_ID_LEN]; /* 12 digits; "" = none bound (an account not opened) */
    bool customer_known;         /* false: not said (no registry line, or a meter or protocol that does not tell) */
} meter_id_t;

typedef enum meter_id_verdict {
    METER_ID_SAME,           /* the expected meter answered */
    METER_ID_OTHER_METER,    /* another meter answers at that address */
    METER_ID_OTHER_CUSTOMER, /* the meter is bound to another customer */
    METER_ID_VERDICT_COUNT
} meter_id_verdict_t;

/* Compares what answered with what was expected. The meter numbers must be
 * equal; the customers are compared only when both sides name one (a meter
 * whose account is not opened yet contradicts no registry line). */
meter_id_verdict_t meter_id_compare(const meter_id_t *expected, const meter_id_t *answered);

/* The verdict's snake_case name ("other_meter"). */
const char *meter_id_verdict_name(meter_id_verdict_t v);

#endif
