/* The worker: one thread that carries out the session's commands against
 * the engine (whose calls block on devices: the card terminal, the meter
 * gateway) and posts what came of them back as session events. The main
 * thread posts commands and takes events; neither waits for the other. */
#ifndef KIOSK_UI_UI_WORKER_H
#define KIOSK_UI_UI_WORKER_H

#include "core/service.h"
#include "core/session.h"
#include "kiosk/ui/ui_site.h"
#include "provisioning/staff.h"
#include "sync/sync_client.h"

typedef struct ui_worker ui_worker_t;

/* Starts the thread; wake(ctx) is called (from the worker) after each event
 * it posts, so the main loop can wake up. NULL if the thread cannot start. */
ui_worker_t *ui_worker_start(ui_site_t *site, void (*wake)(void *ctx), void *ctx);

/* Queues a command. CMD_CANCEL_CARD, CMD_CANCEL_QR and CMD_FINISH_CASH
 * raise the cancel flag at once instead, as the worker is then inside the
 * payment (engine_sale_pay), which sees it. */
void ui_worker_post(ui_worker_t *w, const session_cmd_t *cmd);

/* Queues a retry of the pending deliveries that are due (the kiosk's own
 * retry worker, run when no resident is served). */
void ui_worker_retry(ui_worker_t *w);

/* Queues a look at the devices (bill acceptor, card terminal, printer):
 * a SEV_HEALTH comes back with what is healthy now. */
void ui_worker_health(ui_worker_t *w);

/* Queues a service-mode command (core/service.h). */
void ui_worker_post_svc(ui_worker_t *w, const svc_cmd_t *cmd);

/* Takes the oldest event posted; false if there is none. */
bool ui_worker_next(ui_worker_t *w, session_event_t *ev);

/* Takes the oldest service-mode answer posted; false if there is none. */
bool ui_worker_next_svc(ui_worker_t *w, svc_event_t *ev);

/* Whether the worker has nothing queued or running. */
bool ui_worker_idle(ui_worker_t *w);

/* Ends a payment under way (as if the resident were done), finishes the
 * command under way, stops the thread and frees the worker; NULL is fine. */
void ui_worker_stop(ui_worker_t *w);

/* ---- the commands (ui_work.c), run on the worker's thread ---- */

/* What a command needs besides the site: where to post, the card read
 * last, the cancel flag. */
typedef struct ui_work {
    ui_site_t *site;
    void (*post)(void *ctx, const session_event_t *ev);
    void *post_ctx;
    engine_mcard_t card; /* the meter card read last */
    bool have_card;
    bool (*cancelled)(void *ctx); /* the resident cancelled, or is done with the notes (called with post_ctx) */
    unsigned health;     /* HEALTH_* as last posted */
    site_health_t devices; /* the devices as the last look found them (an acceptor at fault is set up again) */
    bool card_in;        /* the watched reader holds a card */
    bool watch_broken;   /* the watched reader is not there now (said once) */
    void (*post_svc)(void *ctx, const svc_event_t *ev); /* a service-mode answer (called with post_ctx) */
    staff_session_t staff; /* the operator signed in at the service screens */
    bool signed_in;
    bool restart;        /* the operator asked for a restart: the app leaves once it is said */
    sync_client_t *link; /* the back office, for what an account owes (opened at first use; NULL: none) */
    session_bill_t due;  /* what the account asked last owed: the bill payment's check and receipt */
} ui_work_t;

/* Carries out one command and posts its answer. */
void ui_work_run(ui_work_t *w, const session_cmd_t *cmd);

/* Retries the pending deliveries that are due. */
void ui_work_retry(ui_work_t *w);

/* ---- the service mode (ui_work_service.c, ui_work_pages.c) ---- */

/* Carries out one service-mode command and posts its answer. Each action
 * is checked against the signed-in operator's permissions again here and
 * is in the audit log with the operator. */
void ui_work_service(ui_work_t *w, const svc_cmd_t *cmd);

/* Fills ev's rows (and items) for a page; item: the transaction picked. */
void ui_work_page(ui_work_t *w, svc_page_t page, const char *item, svc_event_t *ev);

/* Reads what SVA_METER_READ, SVA_SCAN or SVA_CARD_READ asks into ev's rows,
 * with an audit row of the operator's. */
kerr_t ui_work_read(ui_work_t *w, const svc_cmd_t *cmd, svc_event_t *ev, kmsg_t *msg);

/* Adds a row of kind to ev and returns it to fill (zeroed but for its
 * label and kind); with no room left, a spare row nobody sees. */
svc_row_t *ui_work_add(svc_event_t *ev, const char *label, svc_value_t kind);

/* Adds a row "label: value" (printf) of data to ev, if there is room. */
void ui_work_row(svc_event_t *ev, const char *label, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- the devices (ui_work_devices.c) ---- */

/* Looks at every payment device (the QR provider: whether the back office
 * answers) and the printer and posts SEV_HEALTH. */
void ui_work_health(ui_work_t *w);

/* Whether the printer can print now (asked before a sale takes money). */
bool ui_work_printer_ok(ui_work_t *w);

/* Prints the sale's receipt (CMD_PRINT_RECEIPT) and posts SEV_RECEIPT;
 * a printer that fails is noted as unhealthy. */
void ui_work_print(ui_work_t *w, const session_cmd_t *cmd);

/* ---- paying a bill (ui_work_bill.c) ---- */

/* Whether a bill can be offered: the back office answers now. */
bool ui_work_bills_offered(ui_work_t *w);

/* Asks the back office what cmd->account owes (CMD_ASK_DUE) and posts
 * SEV_DUE: ok with the bills when it owes something in the kiosk's
 * currency, else the reason (not known, not this kiosk's, nothing due, no
 * answer). Kept for the payment's check and its receipt. */
void ui_work_ask_due(ui_work_t *w, const session_cmd_t *cmd);

/* Opens the bill payment of cmd (engine_bill_open): refused unless the
 * account was asked first and the amount is at most what it owes. */
kerr_t ui_work_open_bill(ui_work_t *w, const session_cmd_t *cmd, char txn[37], session_reason_t *why, kmsg_t *msg);

/* Prints a bill payment's receipt with the bills it pays and what is
 * still owed; false (msg says why) if it was not printed. */
bool ui_work_print_bill(ui_work_t *w, const session_cmd_t *cmd, kmsg_t *msg);

/* Closes the link to the back office. */
void ui_work_bill_close(ui_work_t *w);

/* ---- the meter-card reader (ui_work_card.c) ---- */

/* Whether the reader is watched for cards going in and out. */
bool ui_work_watching(const ui_work_t *w);

/* Waits a little for the card to go in (or out) and posts SEV_CARD_IN or
 * SEV_CARD_OUT when it did. Returns how long the worker may rest before
 * the next look (0: it waited already). */
int ui_work_card_watch(ui_work_t *w);

#endif
