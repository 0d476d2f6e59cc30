/* The one look at the devices (site_health.h): each device class asked
 * through its probe op, the acceptor the engine holds through the engine. */
#include "kiosk/site/site_health.h"

#include <stdio.h>

const char *site_state_name(site_state_t s)
{
    static const char *const names[] = {
        [SITE_OFF] = "off", [SITE_MISSING] = "missing", [SITE_OK] = "ok", [SITE_FAULT] = "fault"};
    return s <= SITE_FAULT ? names[s] : "?";
}

void site_devices_of(site_t *s, site_devices_t *out)
{
    *out = (site_devices_t){.gateway = &s->gw, .cash = &s->cash, .engine = &s->engine, .terminal = &s->payterm,
                            .qr = &s->qr, .card = &s->card};
}

static void set(site_dev_health_t *h, site_state_t state, const char *text)
{
    h->state = state;
    snprintf(h->detail, sizeof h->detail, "%s", text);
}

static void answered(site_dev_health_t *h, bool ok, const char *text)
{
    set(h, ok ? SITE_OK : SITE_FAULT, text);
}

/* Whether device dev of d is open. */
static bool is_open(const site_devices_t *d, site_dev_t dev)
{
    switch (dev) {
    case SITE_DEV_GATEWAY: return d->gateway && d->gateway->ops;
    case SITE_DEV_CASH: return d->engine ? d->engine->cash != NULL : d->cash && d->cash->ops;
    case SITE_DEV_TERMINAL: return d->terminal && d->terminal->ops;
    case SITE_DEV_QR: return d->qr && d->qr->ops;
    case SITE_DEV_READER: return (d->reader && d->reader->ops) || (d->card && d->card->ops);
    case SITE_DEV_SAM: return d->keys && d->keys->ops;
    case SITE_DEV_PRINTER: return d->printer && d->printer->ops;
    case SITE_DEV_N: break;
    }
    return false;
}

/* The acceptor: through the engine that holds it (set up again after a
 * fault, else polled, its events booked), or its own probe. */
static void ask_cash(const site_devices_t *d, site_dev_health_t *h)
{
    kmsg_t m = {""};
    engine_cash_news_t news;
    if (!d->engine) {
        answered(h, d->cash->ops->probe(d->cash->ctx, &m) == CASH_OK, m.text);
        return;
    }
    kerr_t rc = h->state == SITE_FAULT ? engine_cash_attach(d->engine, &m) : engine_cash_step(d->engine, &news, &m);
    answered(h, rc == K_OK, rc == K_OK ? "answers" : m.text);
}

/* A card reader, named as card.reader (or the SAM's, card.sam_reader) names it. */
static void ask_reader(const kiosk_config_t *cfg, const site_devices_t *d, site_dev_health_t *h)
{
    kmsg_t m = {""};
    bool ok = d->reader && d->reader->ops ? d->reader->ops->probe(d->reader->ctx, &m) == CARD_OK
                                          : d->card->ops->probe(d->card->ctx, &m) == GW_OK;
    snprintf(h->detail, sizeof h->detail, "%s: %s", cfg->card_reader, m.text);
    h->state = ok ? SITE_OK : SITE_FAULT;
}

static void ask_sam(const kiosk_config_t *cfg, const site_devices_t *d, site_dev_health_t *h)
{
    kmsg_t m = {""};
    bool ok = d->keys->ops->probe(d->keys->ctx, &m) == K_OK;
    snprintf(h->detail, sizeof h->detail, "%s: %s", cfg->card_sam_reader, m.text);
    h->state = ok ? SITE_OK : SITE_FAULT;
}

/* The printer: whether it could print a receipt now. */
static void ask_printer(const site_devices_t *d, site_dev_health_t *h)
{
    kmsg_t m = {""};
    printer_err_t e = d->printer->ops->probe(d->printer->ctx, &m);
    h->state = e == PRINTER_OK ? SITE_OK : SITE_FAULT;
    snprintf(h->detail, sizeof h->detail, "%s%s", e == PRINTER_OK ? "" : e == PRINTER_NOT_READY ? "the printer " : "the printer: ",
             m.text);
}

static void ask(const kiosk_config_t *cfg, const site_devices_t *d, site_dev_t dev, site_dev_health_t *h)
{
    kmsg_t m = {""};
    switch (dev) {
    case SITE_DEV_GATEWAY: answered(h, d->gateway->ops->probe(d->gateway->ctx, &m) == GW_OK, m.text); return;
    case SITE_DEV_CASH: ask_cash(d, h); return;
    case SITE_DEV_TERMINAL: answered(h, d->terminal->ops->probe(d->terminal->ctx, &m) == PT_OK, m.text); return;
    case SITE_DEV_QR: answered(h, d->qr->ops->probe(d->qr->ctx, &m) == PT_OK, m.text); return;
    case SITE_DEV_READER: ask_reader(cfg, d, h); return;
    case SITE_DEV_SAM: ask_sam(cfg, d, h); return;
    case SITE_DEV_PRINTER: ask_printer(d, h); return;
    case SITE_DEV_N: return;
    }
}

/* Off, with why: what the plan leaves out; the gateway without a registry
 * has no meter to ask. */
static bool off(const kiosk_config_t *cfg, const site_plan_t *plan, site_dev_t dev, site_dev_health_t *h)
{
    char why[96] = "";
    if (dev == SITE_DEV_GATEWAY && !cfg->registry_path[0])
        snprintf(why, sizeof why, "no registry (registry.path): no meter to ask");
    else if (site_plan_has(plan, dev, why, sizeof why))
        return false;
    set(h, SITE_OFF, why);
    return true;
}

void site_health_check(const kiosk_config_t *cfg, const site_devices_t *d, unsigned ask_mask, site_health_t *h)
{
    site_plan_t plan;
    kmsg_t m = {""};
    bool planned = site_plan_parse(cfg, &plan, &m) == K_OK;
    for (int dev = 0; dev < SITE_DEV_N; dev++) {
        site_dev_health_t *one = &h->dev[dev];
        if (!planned)
            set(one, SITE_FAULT, m.text);
        else if (off(cfg, &plan, (site_dev_t)dev, one))
            continue;
        else if (!is_open(d, (site_dev_t)dev))
            set(one, SITE_MISSING, "not open");
        else if (ask_mask & SITE_ASK(dev))
            ask(cfg, d, (site_dev_t)dev, one);
        else
            set(one, SITE_OK, "open");
    }
}
