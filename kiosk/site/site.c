/* The site (site.h). */
#include <string.h>

#include "kiosk/site/site.h"
#include "kiosk/site/site_ledger.h"
#include "sync/sync_counts.h"
#include "sync/sync_qr.h"

static void say(site_report_fn report, void *ctx, const char *device, const char *why)
{
    if (report)
        report(ctx, device, why);
}

static void open_devices(site_t *s, site_report_fn report, void *ctx)
{
    kmsg_t msg;
    const kiosk_config_t *cfg = s->cfg;
    if (strcmp(cfg->cash_protocol, "none") != 0) {
        if (cash_open(cfg, &s->cash, &msg) == K_OK) {
            s->engine.cash = &s->cash;
            s->opened |= SITE_CASH;
        } else {
            say(report, ctx, "bill acceptor", msg.text);
        }
    }
    if (strcmp(cfg->card_protocol, "none") != 0) {
        if (gw_card_open_config(cfg, &s->card, &msg) == K_OK) {
            s->engine.card = &s->card;
            s->opened |= SITE_CARD;
        } else {
            say(report, ctx, "meter-card reader", msg.text);
        }
    }
    if (strcmp(cfg->payterm_protocol, "none") != 0) {
        if (payterm_open(cfg, &s->payterm, &msg) == K_OK) {
            s->engine.pay[s->payterm.ops->method] = &s->payterm;
            s->opened |= SITE_TERMINAL;
        } else {
            say(report, ctx, "card terminal", msg.text);
        }
    }
    if (cfg->sync_qr) {
        if (sync_qr_open(cfg, &s->qr, &msg) == K_OK) {
            s->engine.pay[s->qr.ops->method] = &s->qr;
            s->opened |= SITE_QR;
        } else {
            say(report, ctx, "QR payments", msg.text);
        }
    }
}

/* The back office's count service, which deliveries ask. */
static void open_counts(site_t *s, site_report_fn report, void *ctx)
{
    kmsg_t msg;
    if (!s->cfg->sync_url[0])
        return;
    if (sync_counts_open(s->cfg, &s->counts, &msg) == K_OK)
        s->engine.counts = &s->counts;
    else
        say(report, ctx, "the back office's count service", msg.text);
}

/* The registry, the gateway, the ledger and the engine over them. */
static kerr_t open_base(const kiosk_config_t *cfg, site_t *s, kmsg_t *msg)
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
    if ((rc = site_ledger_open(cfg, LEDGER_CREATE, &s->ledger, msg)) != K_OK) {
        gw_close(&s->gw);
        registry_free(&s->registry);
        return rc;
    }
    s->engine = (engine_t){.ledger = s->ledger, .gw = &s->gw, .cfg = cfg, .registry = &s->registry};
    return K_OK;
}

kerr_t site_open(const kiosk_config_t *cfg, site_t *s, site_report_fn report, void *ctx, kmsg_t *msg)
{
    kerr_t rc = open_base(cfg, s, msg);
    if (rc == K_OK) {
        open_counts(s, report, ctx);
        open_devices(s, report, ctx);
    }
    return rc;
}

kerr_t site_open_link(const kiosk_config_t *cfg, site_t *s, site_report_fn report, void *ctx, kmsg_t *msg)
{
    kerr_t rc = open_base(cfg, s, msg);
    if (rc == K_OK)
        open_counts(s, report, ctx);
    return rc;
}

void site_close(site_t *s)
{
    if (s->counts.reserve)
        sync_counts_close(&s->counts);
    gw_close(&s->card);
    cash_close(&s->cash);
    payterm_close(&s->payterm);
    payterm_close(&s->qr);
    ledger_close(s->ledger);
    gw_close(&s->gw);
    registry_free(&s->registry);
}
