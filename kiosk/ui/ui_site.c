/* Opening the site for the touchscreen (site.h), with what the screens
 * need besides: the devices' health, the card reader watched for cards
 * going in and out, the receipt printer. */
#include "kiosk/ui/ui_site.h"

#include <stdio.h>
#include <string.h>

#include "kiosk/core/session.h"

static void report(void *ctx, const char *device, const char *why)
{
    (void)ctx;
    fprintf(stderr, "kiosk: %s unavailable, not offered: %s\n", device, why);
}

/* The printer is asked once now; the worker asks again before each sale. */
static void open_printer(ui_site_t *s)
{
    kmsg_t msg;
    printer_status_t st;
    if (s->base.plan.printer == SITE_NO_PRINTER)
        return;
    if (site_printer_open(s->base.cfg, &s->printer, &msg) != K_OK) {
        fprintf(stderr, "kiosk: receipt printer unavailable, receipts are shown on the screen: %s\n", msg.text);
        return;
    }
    if (engine_printer_ready(&s->printer, &st, &msg) == K_OK)
        s->health |= HEALTH_PRINTER;
    else
        fprintf(stderr, "kiosk: %s; receipts are shown on the screen until it can\n", msg.text);
}

/* What opened, as the screens' health; QR is offered while the back office
 * answers (the provider's `last` asks it). */
static void health_of(ui_site_t *s)
{
    kmsg_t msg;
    pt_result_t r;
    unsigned o = s->base.opened;
    s->health |= (o & SITE_CASH ? HEALTH_CASH : 0u) | (o & SITE_TERMINAL ? HEALTH_TERMINAL : 0u) |
                 (o & SITE_CARD ? HEALTH_READER : 0u);
    if (o & SITE_CARD && site_card_reader_open(s->base.cfg, &s->card_watch, &msg) != K_OK)
        fprintf(stderr, "kiosk: cards going in and out are not noticed: %s\n", msg.text);
    if (o & SITE_QR && s->base.qr.ops->last(s->base.qr.ctx, &r, &msg) == PT_OK)
        s->health |= HEALTH_QR;
    else if (o & SITE_QR)
        fprintf(stderr, "kiosk: the back office does not answer, no QR payments until it does: %s\n", msg.text);
}

kerr_t ui_site_open(const kiosk_config_t *cfg, ui_site_t *s, kmsg_t *msg)
{
    memset(s, 0, sizeof *s);
    kerr_t rc = site_open(cfg, &s->base, report, NULL, msg);
    if (rc == K_OK) {
        health_of(s);
        open_printer(s);
    }
    return rc;
}

kerr_t ui_site_recover(ui_site_t *s, kmsg_t *msg)
{
    engine_recovery_t rep;
    kerr_t rc = engine_recover(&s->base.engine, &rep, msg);
    if (rc == K_OK && rep.examined)
        fprintf(stderr, "kiosk: recovery: %d unfinished: %d delivered, %d cancelled, %d pending, %d need reconciliation\n",
                rep.examined, rep.delivered, rep.cancelled, rep.pending, rep.parked);
    return rc;
}

void ui_site_close(ui_site_t *s)
{
    printer_close(&s->printer);
    card_slot_close(&s->card_watch);
    site_close(&s->base);
}
