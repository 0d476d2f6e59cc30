/* A QR payment order's states and what each event does to them: one table
 * (bo_qr_state.c), printable, pure. */
#ifndef BACKOFFICE_BO_QR_STATE_H
#define BACKOFFICE_BO_QR_STATE_H

#include <stdbool.h>

/* The state after `event` (pay, cancel, expire) from `state` into *to;
 * false if the event is refused there (cancel of a paid order). *notify is
 * set when the change must be told to the kiosk as a notice (a payment
 * after the kiosk gave up). */
bool bo_qr_next(const char *state, const char *event, const char **to, bool *notify);

/* True for a state in which money was received (paid, paid_late). */
bool bo_qr_is_paid(const char *state);

#endif
