/* The site (site.h). */
#include <string.h>

#include "kiosk/site/site.h"
#include "kiosk/site/site_ledger.h"
#include "sync/sync_counts.h"

static void say(site_report_fn report, void *ctx, const char *device, const char *why)
{
    if (report)
        report(ctx, device, why);
}

/* Whether the configuration names a device of class d. */
static bool wants(const site_t *s, site_dev_t d)
{
    return site_plan_has(&s->plan, d, NULL, 0);
}

/* Whether device d opened, rc being what its factory said; one that did
 * not is reported and left out. */
static bool took(site_t *s, site_dev_t d, kerr_t rc, const kmsg_t *msg, site_report_fn report, void *ctx)
{
    if (rc != K_OK) {
        say(report, ctx, site_dev_name(d), msg->text);
        return false;
    }
    s->opened |= 1u << d;
    return true;
}

static void open_devices(site_t *s, site_report_fn report, void *ctx)
{
    kmsg_t msg;
    const kiosk_config_t *cfg = s->cfg;
    if (wants(s, SITE_DEV_CASH) && took(s, SITE_DEV_CASH, site_cash_open(cfg, &s->cash, &msg), &msg, report, ctx))
        s->engine.cash = &s->cash;
    if (wants(s, SITE_DEV_READER) && took(s, SITE_DEV_READER, site_card_open(cfg, &s->card, &msg), &msg, report, ctx))
        s->engine.card = &s->card;
    if (wants(s, SITE_DEV_TERMINAL) &&
        took(s, SITE_DEV_TERMINAL, site_terminal_open(cfg, &s->payterm, &msg), &msg, report, ctx))
        s->engine.pay[s->payterm.ops->method] = &s->payterm;
    if (wants(s, SITE_DEV_QR) && took(s, SITE_DEV_QR, site_qr_open(cfg, &s->qr, &msg), &msg, report, ctx))
        s->engine.pay[s->qr.ops->method] = &s->qr;
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
    kerr_t rc = site_plan_parse(cfg, &s->plan, msg);
    if (rc != K_OK)
        return rc;
    if (cfg->registry_path[0] && (rc = registry_load(cfg->registry_path, &s->registry, msg)) != K_OK)
        return rc;
    s->bus.fd = -1;
    if ((rc = site_gateway_open(cfg, &s->registry, &s->gw, msg)) != K_OK) {
        registry_free(&s->registry);
        return rc;
    }
    if ((rc = site_ledger_open(cfg, LEDGER_CREATE, &s->ledger, msg)) != K_OK ||
        (rc = engine_bus_open(&s->bus, cfg->ledger_path, msg)) != K_OK) {
        ledger_close(s->ledger);
        gw_close(&s->gw);
        registry_free(&s->registry);
        return rc;
    }
    site_gateway_hook(&s->gw, engine_bus_frame_hook(&s->bus));
    s->engine = (engine_t){.ledger = s->ledger, .gw = &s->gw, .bus = &s->bus, .cfg = cfg, .registry = &s->registry,
                           .gateway_lists_meters = s->plan.gateway == REGISTRY_FAKE};
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
    engine_bus_close(&s->bus);
    registry_free(&s->registry);
}
