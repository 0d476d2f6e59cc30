/* What the verbs that touch meters share: the site and recovery. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ctl/ctl.h"
#include "sync/sync_qr.h"

int ctl_site_open(ctl_t *c, ctl_site_t *s)
{
    kmsg_t msg;
    memset(s, 0, sizeof *s);
    if (c->cfg.registry_path[0] && registry_load(c->cfg.registry_path, &s->registry, &msg) != K_OK)
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    if (gw_open(&c->cfg, &s->registry, &s->gw, &msg) != K_OK) {
        registry_free(&s->registry);
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    }
    if (!(s->ledger = ctl_open_ledger(c, LEDGER_CREATE))) {
        gw_close(&s->gw);
        registry_free(&s->registry);
        return CTL_FAIL;
    }
    s->engine = (engine_t){.ledger = s->ledger, .gw = &s->gw, .cfg = &c->cfg};
    /* Payment devices that are configured but absent are reported, not fatal:
     * verbs that need them say so. */
    if (strcmp(c->cfg.cash_protocol, "none") != 0) {
        if (cash_open(&c->cfg, &s->cash, &msg) == K_OK)
            s->engine.cash = &s->cash;
        else
            fprintf(stderr, "kioskctl: bill acceptor unavailable: %s\n", msg.text);
    }
    if (strcmp(c->cfg.card_protocol, "none") != 0) {
        if (gw_card_open_config(&c->cfg, &s->card, &msg) == K_OK)
            s->engine.card = &s->card;
        else
            fprintf(stderr, "kioskctl: meter-card reader unavailable: %s\n", msg.text);
    }
    if (strcmp(c->cfg.payterm_protocol, "none") != 0) {
        if (payterm_open(&c->cfg, &s->payterm, &msg) == K_OK)
            s->engine.pay[0] = &s->payterm;
        else
            fprintf(stderr, "kioskctl: card terminal unavailable: %s\n", msg.text);
    }
    if (c->cfg.sync_qr) {
        if (sync_qr_open(&c->cfg, &s->qr, &msg) == K_OK)
            s->engine.pay[1] = &s->qr;
        else
            fprintf(stderr, "kioskctl: QR payments unavailable: %s\n", msg.text);
    }
    return CTL_OK;
}

void ctl_site_close(ctl_site_t *s)
{
    gw_close(&s->card);
    cash_close(&s->cash);
    payterm_close(&s->payterm);
    payterm_close(&s->qr);
    ledger_close(s->ledger);
    gw_close(&s->gw);
    registry_free(&s->registry);
}

int ctl_recovery(ctl_site_t *s, bool report)
{
    engine_recovery_t rep;
    kmsg_t msg;
    if (engine_recover(&s->engine, &rep, &msg) != K_OK)
        return ctl_fail(CTL_FAIL, "recovery failed: %s", msg.text);
    if (report || rep.examined)
        fprintf(report ? stdout : stderr,
                "recovery: %d unfinished: %d delivered, %d cancelled, %d pending, %d need reconciliation\n",
                rep.examined, rep.delivered, rep.cancelled, rep.pending, rep.parked);
    return CTL_OK;
}
