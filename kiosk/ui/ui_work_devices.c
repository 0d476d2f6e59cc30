/* The devices' health and the receipt, on the worker's thread: the bill
 * acceptor, the card terminal and the printer are asked how they are while
 * nobody is served, and the printer before each sale takes money. The
 * delivery of credit never waits for the printer. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ui/ui_worker.h"

static void post_health(ui_work_t *w, unsigned health)
{
    if (health != w->health)
        fprintf(stderr, "kiosk: devices: cash %s, bank cards %s, QR %s, receipts %s\n",
                health & HEALTH_CASH ? "yes" : "no", health & HEALTH_TERMINAL ? "yes" : "no",
                health & HEALTH_QR ? "yes" : "no", health & HEALTH_PRINTER ? "on paper" : "on the screen");
    w->health = health;
    session_event_t ev = {.kind = SEV_HEALTH, .health = health};
    w->post(w->post_ctx, &ev);
}

/* The acceptor answers a poll (what it reports is booked by the engine);
 * after it stopped answering it is set up again first. */
static bool cash_ok(ui_work_t *w)
{
    engine_t *e = &w->site->base.engine;
    kmsg_t msg;
    engine_cash_news_t news;
    if (!e->cash)
        return false;
    kerr_t rc = w->cash_down ? engine_cash_attach(e, &msg) : engine_cash_step(e, &news, &msg);
    if (rc != K_OK && !w->cash_down)
        fprintf(stderr, "kiosk: the bill acceptor does not answer, no cash is taken: %s\n", msg.text);
    w->cash_down = rc != K_OK;
    return rc == K_OK;
}

/* The provider answers the question for its last transaction (the card
 * terminal; the QR provider asks the back office's health). */
static bool provider_ok(payterm_t *pt)
{
    pt_result_t r;
    kmsg_t msg;
    return pt && pt->ops && pt->ops->last(pt->ctx, &r, &msg) == PT_OK;
}

bool ui_work_printer_ok(ui_work_t *w)
{
    printer_status_t st;
    kmsg_t msg;
    return w->site->printer.ops && engine_printer_ready(&w->site->printer, &st, &msg) == K_OK;
}

void ui_work_health(ui_work_t *w)
{
    unsigned h = w->health & HEALTH_READER;
    if (cash_ok(w))
        h |= HEALTH_CASH;
    if (provider_ok(&w->site->base.payterm))
        h |= HEALTH_TERMINAL;
    if (provider_ok(&w->site->base.qr))
        h |= HEALTH_QR;
    if (ui_work_printer_ok(w))
        h |= HEALTH_PRINTER;
    post_health(w, h);
}

void ui_work_print(ui_work_t *w, const session_cmd_t *cmd)
{
    kmsg_t msg;
    session_event_t ev = {.kind = SEV_RECEIPT, .gen = cmd->gen};
    ev.ok = engine_print_receipt(&w->site->base.engine, &w->site->printer, cmd->txn, "kiosk", &msg) == K_OK;
    if (!ev.ok) {
        fprintf(stderr, "kiosk: the receipt of %s is shown on the screen: %s\n", cmd->txn, msg.text);
        snprintf(ev.text, sizeof ev.text, "%s", msg.text);
    }
    w->post(w->post_ctx, &ev);
    if (!ev.ok && (w->health & HEALTH_PRINTER))
        post_health(w, w->health & ~(unsigned)HEALTH_PRINTER);
}
