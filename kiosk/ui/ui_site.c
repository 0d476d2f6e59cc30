/* Opening the site for the touchscreen: as kioskctl's ctl_site_open, with
 * the devices' health for the screens. */
#include "kiosk/ui/ui_site.h"

#include <stdio.h>
#include <string.h>

#include "kiosk/core/session.h"
#include "sync/sync_qr.h"

/* The printer is asked once now; the worker asks again before each sale. */
static void open_printer(ui_site_t *s)
{
    kmsg_t msg;
    printer_status_t st;
    if (strcmp(s->cfg->printer_protocol, "none") == 0)
        return;
    if (printer_open(s->cfg, &s->printer, &msg) != K_OK) {
        fprintf(stderr, "kiosk: receipt printer unavailable, receipts are shown on the screen: %s\n", msg.text);
        return;
    }
    if (engine_printer_ready(&s->printer, &st, &msg) == K_OK)
        s->health |= HEALTH_PRINTER;
    else
        fprintf(stderr, "kiosk: %s; receipts are shown on the screen until it can\n", msg.text);
}

/* QR payments through the back office, as kioskctl opens them; offered
 * while the back office answers (the provider's `last` asks its health). */
static void open_qr(ui_site_t *s)
{
    kmsg_t msg;
    pt_result_t r;
    if (!s->cfg->sync_qr)
        return;
    if (sync_qr_open(s->cfg, &s->qr, &msg) != K_OK) {
        fprintf(stderr, "kiosk: QR payments unavailable: %s\n", msg.text);
        return;
    }
    s->engine.pay[1] = &s->qr;
    if (s->qr.ops->last(s->qr.ctx, &r, &msg) == PT_OK)
        s->health |= HEALTH_QR;
    else
        fprintf(stderr, "kiosk: the back office does not answer, no QR payments until it does: %s\n", msg.text);
}

static void open_devices(ui_site_t *s)
{
    kmsg_t msg;
    const kiosk_config_t *cfg = s->cfg;
    if (strcmp(cfg->cash_protocol, "none") != 0) {
        if (cash_open(cfg, &s->cash, &msg) == K_OK) {
            s->engine.cash = &s->cash;
            s->health |= HEALTH_CASH;
        } else {
            fprintf(stderr, "kiosk: bill acceptor unavailable, no cash is taken: %s\n", msg.text);
        }
    }
    if (strcmp(cfg->card_protocol, "none") != 0) {
        if (gw_card_open_config(cfg, &s->card, &msg) == K_OK) {
            s->engine.card = &s->card;
            s->health |= HEALTH_READER;
            if (card_pcsc_open(cfg->card_reader, &s->card_watch, &msg) != K_OK)
                fprintf(stderr, "kiosk: cards going in and out are not noticed: %s\n", msg.text);
        } else {
            fprintf(stderr, "kiosk: meter-card reader unavailable: %s\n", msg.text);
        }
    }
    if (strcmp(cfg->payterm_protocol, "none") != 0) {
        if (payterm_open(cfg, &s->payterm, &msg) == K_OK) {
            s->engine.pay[0] = &s->payterm;
            s->health |= HEALTH_TERMINAL;
        } else {
            fprintf(stderr, "kiosk: card terminal unavailable, no bank cards are taken: %s\n", msg.text);
        }
    }
    open_qr(s);
    open_printer(s);
}

kerr_t ui_site_open(const kiosk_config_t *cfg, ui_site_t *s, kmsg_t *msg)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    kerr_t rc = K_OK;
    if (cfg->registry_path[0] && (rc = registry_load(cfg->registry_path, &s->registry, msg)) != K_OK)
        return rc;
    if ((rc = gw_open(cfg, &s->registry, &s->gw, msg)) != K_OK) {
        registry_free(&s->registry);
        return rc;
    }
    if ((rc = ledger_open(cfg->ledger_path, LEDGER_CREATE, NULL, &s->ledger, msg)) != K_OK) {
        gw_close(&s->gw);
        registry_free(&s->registry);
        return rc;
    }
    s->engine = (engine_t){.ledger = s->ledger, .gw = &s->gw, .cfg = cfg};
    open_devices(s);
    return K_OK;
}

kerr_t ui_site_recover(ui_site_t *s, kmsg_t *msg)
{
    engine_recovery_t rep;
    kerr_t rc = engine_recover(&s->engine, &rep, msg);
    if (rc == K_OK && rep.examined)
        fprintf(stderr, "kiosk: recovery: %d unfinished: %d delivered, %d cancelled, %d pending, %d need reconciliation\n",
                rep.examined, rep.delivered, rep.cancelled, rep.pending, rep.parked);
    return rc;
}

void ui_site_close(ui_site_t *s)
{
    printer_close(&s->printer);
    card_slot_close(&s->card_watch);
    gw_close(&s->card);
    cash_close(&s->cash);
    payterm_close(&s->payterm);
    payterm_close(&s->qr);
    ledger_close(s->ledger);
    gw_close(&s->gw);
    registry_free(&s->registry);
}
