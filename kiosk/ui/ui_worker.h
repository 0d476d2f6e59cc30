/* The worker: one thread that carries out the session's commands against
 * the engine (whose calls block on devices: the card terminal, the meter
 * gateway) and posts what came of them back as session events. The main
 * thread posts commands and takes events; neither waits for the other. */
#ifndef KIOSK_UI_UI_WORKER_H
#define KIOSK_UI_UI_WORKER_H

#include "kiosk/core/session.h"
#include "kiosk/ui/ui_site.h"

typedef struct ui_worker ui_worker_t;

/* Starts the thread; wake(ctx) is called (from the worker) after each event
 * it posts, so the main loop can wake up. NULL if the thread cannot start. */
ui_worker_t *ui_worker_start(ui_site_t *site, void (*wake)(void *ctx), void *ctx);

/* Queues a command. CMD_CANCEL_CARD also raises the cancel flag at once, as
 * the worker is then inside the card payment. */
void ui_worker_post(ui_worker_t *w, const session_cmd_t *cmd);

/* Queues a retry of the pending deliveries that are due (the kiosk's own
 * retry worker, run when no resident is served). */
void ui_worker_retry(ui_worker_t *w);

/* Takes the oldest event posted; false if there is none. */
bool ui_worker_next(ui_worker_t *w, session_event_t *ev);

/* Whether the worker has nothing queued or running. */
bool ui_worker_idle(ui_worker_t *w);

/* Stops taking cash if it was, finishes the command under way, stops the
 * thread and frees the worker; NULL is fine. */
void ui_worker_stop(ui_worker_t *w);

/* ---- the commands (ui_work.c), run on the worker's thread ---- */

/* What a command needs besides the site: where to post, the card read
 * last, whether cash is being taken, the cancel flag. */
typedef struct ui_work {
    ui_site_t *site;
    void (*post)(void *ctx, const session_event_t *ev);
    void *post_ctx;
    engine_mcard_t card; /* the meter card read last */
    bool have_card;
    bool cash_on;        /* the acceptor takes notes for cash_txn */
    uint32_t cash_gen;
    int64_t cash_paid;
    bool (*cancelled)(void *ctx); /* the resident cancelled (called with post_ctx) */
} ui_work_t;

/* Carries out one command and posts its answer. */
void ui_work_run(ui_work_t *w, const session_cmd_t *cmd);

/* Polls the acceptor once while cash_on, posting a SEV_NOTE for news. */
void ui_work_cash_step(ui_work_t *w);

/* Retries the pending deliveries that are due. */
void ui_work_retry(ui_work_t *w);

#endif
