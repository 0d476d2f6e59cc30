/* The kiosk's commands to the card terminal as APDUs (docs/protocols/zvt.md,
 * "Commands used"): what the ZVT driver sends, held to the profile's
 * examples by tests/payterm/. A builder that returns false found a value
 * its field cannot hold: such a command must not be sent at all. */
#ifndef DRIVERS_PAYTERM_ZVT_CMD_H
#define DRIVERS_PAYTERM_ZVT_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/payterm/zvt_apdu.h"

#define ZVT_MAX_RECEIPT 9999u /* BMP 87: two bytes of BCD */

/* Registration (06 00): the password, config byte 0E (the kiosk prints the
 * receipts, intermediate status on) and the currency, ISO 4217 numeric. */
void zvt_cmd_registration(const uint8_t password[3], uint16_t currency, zvt_apdu_t *out);

/* Authorisation (06 01): 04 amount, 49 currency, 3C reference. False if the
 * amount is not 1..999999999999 or the reference does not fit. */
bool zvt_cmd_authorisation(int64_t amount, uint16_t currency, const char *reference, zvt_apdu_t *out);

/* Reversal (06 30): the password and 87 receipt. False if the receipt is
 * over ZVT_MAX_RECEIPT: without 87 a terminal may reverse another payment. */
bool zvt_cmd_reversal(const uint8_t password[3], uint32_t receipt, zvt_apdu_t *out);

/* Repeat receipt (06 20), the last transaction again: the password. */
void zvt_cmd_repeat_receipt(const uint8_t password[3], zvt_apdu_t *out);

/* End of day (06 50): the password. */
void zvt_cmd_end_of_day(const uint8_t password[3], zvt_apdu_t *out);

/* Abort (06 B0): stop the command that runs, if it still can. */
void zvt_cmd_abort(zvt_apdu_t *out);

/* The positive acknowledgement (80 00 00) of a message of the terminal's. */
void zvt_cmd_ack(zvt_apdu_t *out);

#endif
