/* A script's report (kiosk-demo --report): what the resident did and how
 * long the kiosk kept them waiting, sampled at each turn of the main loop
 * (every 20 ms while a script drives it). docs/ui.md, "Touches and
 * seconds", says what each figure counts. */
#include <stdio.h>

#include "kiosk/ui/demo/ui_demo.h"

typedef enum phase { PH_RESIDENT, PH_KIOSK, PH_PAYING } phase_t;

/* What the screen asks of the resident now: to act (read, touch), to wait
 * for the kiosk (an answer, the delivery, the QR order not made yet), or
 * to pay (notes, the card at the terminal, the phone). */
static phase_t phase(const session_view_t *v)
{
    if (v->busy || v->screen == SCR_DELIVERING)
        return PH_KIOSK;
    if (v->screen != SCR_PAYMENT)
        return PH_RESIDENT;
    return v->method == METHOD_QR && !v->qr_url[0] ? PH_KIOSK : PH_PAYING;
}

void ui_report_turn(ui_report_t *r, const session_view_t *v, int64_t now_ms)
{
    if (r->started) {
        int64_t dt = now_ms - r->last_ms;
        if (r->phase == PH_KIOSK)
            r->kiosk_ms += dt;
        else if (r->phase == PH_PAYING)
            r->paying_ms += dt;
    }
    if (v->screen != r->screen && v->screen != SCR_ATTRACT && v->screen != SCR_OUT_OF_SERVICE) {
        r->started = true;
        r->screens += v->screen != SCR_DELIVERING; /* a screen to read, not only to wait on */
    }
    r->screen = v->screen;
    r->phase = (int)phase(v);
    r->last_ms = now_ms;
}

void ui_report_print(const ui_report_t *r, const ui_script_tally_t *t)
{
    printf("report touches=%d meter_digits=%d screens=%d kiosk_ms=%lld paying_ms=%lld device_ms=%lld\n", t->touches,
           t->meter_digits, r->screens, (long long)(r->kiosk_ms + t->device_ms),
           (long long)(r->paying_ms - t->device_ms), (long long)t->device_ms);
    fflush(stdout);
}
