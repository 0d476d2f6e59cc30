/* The meter-card reader watched between commands, on the worker's thread:
 * a card going in or out becomes SEV_CARD_IN or SEV_CARD_OUT for the
 * session. The watch is a second handle on the reader that only waits for
 * changes; reading and writing the card go through the engine. */
#include <stdio.h>

#include "kiosk/ui/ui_worker.h"

#define WATCH_MS 100          /* one look; commands wait at most this long */
#define NO_READER_REST_MS 1000 /* the reader (or pcscd) is not there: look again later */

bool ui_work_watching(const ui_work_t *w)
{
    return w->site->card_watch.ops != NULL;
}

int ui_work_card_watch(ui_work_t *w)
{
    card_slot_t *slot = &w->site->card_watch;
    kmsg_t msg;
    if (!slot->ops)
        return NO_READER_REST_MS;
    card_err_t e = slot->ops->wait(slot->ctx, !w->card_in, WATCH_MS, &msg);
    if (e == CARD_TIMEOUT)
        return 0;
    if (e != CARD_OK) {
        if (!w->watch_broken)
            fprintf(stderr, "kiosk: watching the card reader: %s\n", msg.text);
        w->watch_broken = true;
        return NO_READER_REST_MS;
    }
    w->watch_broken = false;
    w->card_in = !w->card_in;
    session_event_t ev = {.kind = w->card_in ? SEV_CARD_IN : SEV_CARD_OUT};
    w->post(w->post_ctx, &ev);
    return 0;
}
