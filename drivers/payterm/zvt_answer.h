/* The card terminal's messages during one of the kiosk's commands
 * (docs/protocols/zvt.md), read into a pt_result_t: intermediate status to
 * the screen, print lines, the status information, and the end, taken as
 * the command's only if it belongs to the command just sent. Internal to
 * the ZVT driver (pt_zvt.c). */
#ifndef DRIVERS_PAYTERM_ZVT_ANSWER_H
#define DRIVERS_PAYTERM_ZVT_ANSWER_H

#include <stdbool.h>

#include "drivers/payterm/payterm.h"
#include "drivers/payterm/zvt_apdu.h"

/* What the command just sent takes as its answer ("The kiosk's rules"). */
typedef struct zvt_expect {
    bool status;           /* a transaction: its completion comes after its status information */
    const char *reference; /* an authorisation: only a status information carrying it is its own,
                              and no end counts without one */
    bool repeat;           /* a repeated receipt: "function not possible" (83) means there is none */
} zvt_expect_t;

typedef enum zvt_took {
    ZVT_MORE,      /* the command goes on */
    ZVT_END,       /* its end: *out holds the answer */
    ZVT_STRAY_END, /* an end with no status information of the command's own before it: not its answer */
} zvt_took_t;

/* Takes one message of the terminal's (acknowledged already) during the
 * command x describes; *have_status says whether its own status
 * information came. At the end, out->code is the terminal's result code
 * and out->outcome what it means (the only place ZVT's codes are read),
 * out->reason the code in words. */
zvt_took_t zvt__take(const zvt_apdu_t *a, const zvt_expect_t *x, const pt_watch_t *w, bool *have_status,
                     pt_result_t *out);

#endif
