/* The devices' health and the receipt, on the worker's thread: the bill
 * acceptor, the card terminal, the QR provider and the printer are asked
 * how they are while nobody is served (site_health_check), and the printer
 * before each sale takes money. The delivery of credit never waits for the
 * printer. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ui/ui_worker.h"

static void post_health(ui_work_t *w, unsigned health)
{
    if (health != w->health)
        fprintf(stderr, "kiosk: devices: cash %s, bank cards %s, QR %s, receipts %s, bills %s\n",
                health & HEALTH_CASH ? "yes" : "no", health & HEALTH_TERMINAL ? "yes" : "no",
                health & HEALTH_QR ? "yes" : "no", health & HEALTH_PRINTER ? "on paper" : "on the screen",
                health & HEALTH_BILLS ? "yes" : "no");
    w->health = health;
    session_event_t ev = {.kind = SEV_HEALTH, .health = health};
    w->post(w->post_ctx, &ev);
}

bool ui_work_printer_ok(ui_work_t *w)
{
    site_devices_t d = {.printer = &w->site->printer};
    site_health_t h = {0};
    site_health_check(w->site->base.cfg, &d, SITE_ASK(SITE_DEV_PRINTER), &h);
    return h.dev[SITE_DEV_PRINTER].state == SITE_OK;
}

void ui_work_health(ui_work_t *w)
{
    site_devices_t d;
    site_state_t cash_was = w->devices.dev[SITE_DEV_CASH].state;
    const unsigned ask = SITE_ASK(SITE_DEV_CASH) | SITE_ASK(SITE_DEV_TERMINAL) | SITE_ASK(SITE_DEV_QR) |
                         SITE_ASK(SITE_DEV_PRINTER);
    ui_site_devices(w->site, &d);
    site_health_check(w->site->base.cfg, &d, ask, &w->devices);
    const site_dev_health_t *cash = &w->devices.dev[SITE_DEV_CASH];
    if (cash->state == SITE_FAULT && cash_was != SITE_FAULT)
        fprintf(stderr, "kiosk: the bill acceptor does not answer, no cash is taken: %s\n", cash->detail);
    unsigned bits = ui_site_health_bits(&w->devices);
    if (engine_selling_offline(&w->site->base.engine))
        bits |= HEALTH_OFFLINE;
    if (ui_work_bills_offered(w))
        bits |= HEALTH_BILLS;
    post_health(w, bits);
}

void ui_work_print(ui_work_t *w, const session_cmd_t *cmd)
{
    kmsg_t msg;
    session_event_t ev = {.kind = SEV_RECEIPT, .gen = cmd->gen};
    ev.ok = cmd->bill ? ui_work_print_bill(w, cmd, &msg)
                      : engine_print_receipt(&w->site->base.engine, &w->site->printer, cmd->txn, "kiosk", &msg) == K_OK;
    if (!ev.ok) {
        fprintf(stderr, "kiosk: the receipt of %s is shown on the screen: %s\n", cmd->txn, msg.text);
    }
    w->post(w->post_ctx, &ev);
    if (!ev.ok && (w->health & HEALTH_PRINTER))
        post_health(w, w->health & ~(unsigned)HEALTH_PRINTER);
}
