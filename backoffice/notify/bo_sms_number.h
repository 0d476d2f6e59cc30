/* A resident's mobile number in the form the SMS channel sends it: the
 * destination of a submit_sm with TON 1 (international), NPI 1 (E.164),
 * digits only (docs/notices.md, "The channels as wired"). Pure. */
#ifndef BACKOFFICE_NOTIFY_BO_SMS_NUMBER_H
#define BACKOFFICE_NOTIFY_BO_SMS_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

#define BO_SMS_NUMBER_MAX 21 /* destination_addr: 20 characters and the NUL */

/* Writes mobile as international digits into out: a leading "+" or the
 * international prefix "00" dropped, spaces and hyphens skipped; false
 * (out empty) unless 8 to 15 digits are left and they fit. */
bool bo_sms_number(const char *mobile, char *out, size_t len);

#endif
