/* Opening the site for the touchscreen (site.h), with what the screens
 * need besides: the devices' health, the card reader watched for cards
 * going in and out, the receipt printer. */
#include "kiosk/ui/ui_site.h"

#include <stdio.h>
#include <string.h>

#include "core/session.h"

static void report(void *ctx, const char *device, const char *why)
{
    (void)ctx;
    fprintf(stderr, "kiosk: %s unavailable, not offered: %s\n", device, why);
}

void ui_site_devices(ui_site_t *s, site_devices_t *out)
{
    site_devices_of(&s->base, out);
    out->printer = &s->printer;
}

unsigned ui_site_health_bits(const site_health_t *h)
{
    static const unsigned bit[SITE_DEV_N] = {[SITE_DEV_CASH] = HEALTH_CASH, [SITE_DEV_TERMINAL] = HEALTH_TERMINAL,
                                             [SITE_DEV_QR] = HEALTH_QR, [SITE_DEV_READER] = HEALTH_READER,
                                             [SITE_DEV_PRINTER] = HEALTH_PRINTER};
    unsigned bits = 0;
    for (int d = 0; d < SITE_DEV_N; d++)
        bits |= h->dev[d].state == SITE_OK ? bit[d] : 0u;
    return bits;
}

/* The printer opened (asked in health_of; the worker asks again before
 * each sale), and the card reader watched for cards going in and out. */
static void open_extras(ui_site_t *s)
{
    kmsg_t msg;
    if (s->base.plan.printer != SITE_NO_PRINTER && site_printer_open(s->base.cfg, &s->printer, &msg) != K_OK)
        fprintf(stderr, "kiosk: receipt printer unavailable, receipts are shown on the screen: %s\n", msg.text);
    if (s->base.opened & SITE_CARD && site_card_reader_open(s->base.cfg, &s->card_watch, &msg) != K_OK)
        fprintf(stderr, "kiosk: cards going in and out are not noticed: %s\n", msg.text);
}

/* The screens' health at start: what opened, QR while the back office
 * answers, receipts on paper while the printer can print. */
static void health_of(ui_site_t *s)
{
    site_devices_t d;
    site_health_t h = {0};
    ui_site_devices(s, &d);
    site_health_check(s->base.cfg, &d, SITE_ASK(SITE_DEV_QR) | SITE_ASK(SITE_DEV_PRINTER), &h);
    if (h.dev[SITE_DEV_QR].state == SITE_FAULT)
        fprintf(stderr, "kiosk: the back office does not answer, no QR payments until it does: %s\n",
                h.dev[SITE_DEV_QR].detail);
    if (h.dev[SITE_DEV_PRINTER].state == SITE_FAULT)
        fprintf(stderr, "kiosk: %s; receipts are shown on the screen until it can\n", h.dev[SITE_DEV_PRINTER].detail);
    s->health = ui_site_health_bits(&h);
}

kerr_t ui_site_open(const kiosk_config_t *cfg, ui_site_t *s, kmsg_t *msg)
{
    memset(s, 0, sizeof *s);
    kerr_t rc = site_open(cfg, &s->base, report, NULL, msg);
    if (rc == K_OK) {
        open_extras(s);
        health_of(s);
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
