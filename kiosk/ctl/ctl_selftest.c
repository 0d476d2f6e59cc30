/* kioskctl selftest: every device and link the configuration names, each
 * opened as the programs open it and asked its probe through the site's
 * one look at the devices (site_health_check), one line each: what it is,
 * ok / FAIL / off, and what it said. Exit 1 if anything configured failed. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ctl/ctl.h"
#include "kiosk/site/site_health.h"

typedef enum verdict { V_OK, V_FAIL, V_OFF } verdict_t;

static verdict_t check_ledger(ctl_t *c, char *detail, size_t len)
{
    ledger_t *l;
    kmsg_t msg = {""};
    if (ledger_open(c->cfg.ledger_path, LEDGER_CREATE, NULL, &l, &msg) != K_OK) {
        snprintf(detail, len, "%s", msg.text);
        return V_FAIL;
    }
    int64_t problems = 0, depth = 0;
    kerr_t rc = ledger_verify(l, NULL, NULL, &problems, &msg);
    if (rc == K_OK)
        rc = ledger_outbox_depth(l, &depth, &msg);
    snprintf(detail, len, "%s: schema %d, %lld problem(s), %lld outbox row(s) to send",
             rc == K_OK ? c->cfg.ledger_path : msg.text, ledger_schema_version(l), (long long)problems,
             (long long)depth);
    ledger_close(l);
    return rc == K_OK && problems == 0 ? V_OK : V_FAIL;
}

/* The devices selftest opened, and why those that did not open did not. */
typedef struct opened {
    registry_t reg;
    gw_t gw;
    cash_t cash;
    payterm_t terminal;
    card_slot_t reader;
    card_keys_t keys;
    printer_t printer;
    kmsg_t why[SITE_DEV_N];
} opened_t;

/* The gateway (with the registry, whose first meter it asks), if there
 * is a registry. */
static void open_gateway(ctl_t *c, opened_t *o, site_devices_t *d)
{
    kmsg_t *why = &o->why[SITE_DEV_GATEWAY];
    if (c->cfg.registry_path[0] && registry_load(c->cfg.registry_path, &o->reg, why) == K_OK &&
        site_gateway_open(&c->cfg, &o->reg, &o->gw, why) == K_OK)
        d->gateway = &o->gw;
}

/* Opens each device the configuration names. */
static void open_devices(ctl_t *c, const site_plan_t *plan, opened_t *o, site_devices_t *d)
{
    open_gateway(c, o, d);
    if (site_plan_has(plan, SITE_DEV_CASH, NULL, 0) && site_cash_open(&c->cfg, &o->cash, &o->why[SITE_DEV_CASH]) == K_OK)
        d->cash = &o->cash;
    if (site_plan_has(plan, SITE_DEV_TERMINAL, NULL, 0) &&
        site_terminal_open(&c->cfg, &o->terminal, &o->why[SITE_DEV_TERMINAL]) == K_OK)
        d->terminal = &o->terminal;
    if (site_plan_has(plan, SITE_DEV_READER, NULL, 0) &&
        site_card_reader_open(&c->cfg, &o->reader, &o->why[SITE_DEV_READER]) == K_OK)
        d->reader = &o->reader;
    if (site_plan_has(plan, SITE_DEV_SAM, NULL, 0) &&
        site_card_keys_open(&c->cfg, &o->keys, &o->why[SITE_DEV_SAM]) == K_OK)
        d->keys = &o->keys;
    if (site_plan_has(plan, SITE_DEV_PRINTER, NULL, 0) &&
        site_printer_open(&c->cfg, &o->printer, &o->why[SITE_DEV_PRINTER]) == K_OK)
        d->printer = &o->printer;
}

static void close_devices(opened_t *o)
{
    printer_close(&o->printer);
    card_keys_close(&o->keys);
    card_slot_close(&o->reader);
    payterm_close(&o->terminal);
    cash_close(&o->cash);
    gw_close(&o->gw);
    registry_free(&o->reg);
}

/* A line of the report: the device, and how an "off" reads. */
typedef struct row {
    const char *what;
    site_dev_t dev;
    const char *off_before, *off_after;
} row_t;

static const row_t rows[] = {
    {"meter gateway", SITE_DEV_GATEWAY, "", ""},
    {"bill acceptor", SITE_DEV_CASH, "", ""},
    {"card terminal", SITE_DEV_TERMINAL, "", ""},
    {"card reader", SITE_DEV_READER, "", ""},
    {"SAM", SITE_DEV_SAM, "no SAM (", ")"},
    {"printer", SITE_DEV_PRINTER, "", ": receipts on the screen"},
};

/* The verdict on one device, its detail written. */
static verdict_t verdict_of(const row_t *r, const site_health_t *h, const opened_t *o, char *detail, size_t len)
{
    const site_dev_health_t *one = &h->dev[r->dev];
    switch (one->state) {
    case SITE_OFF: snprintf(detail, len, "%s%s%s", r->off_before, one->detail, r->off_after); return V_OFF;
    case SITE_OK: snprintf(detail, len, "%s", one->detail); return V_OK;
    case SITE_MISSING: snprintf(detail, len, "%s", o->why[r->dev].text); return V_FAIL;
    case SITE_FAULT: snprintf(detail, len, "%s", one->detail); return V_FAIL;
    }
    return V_FAIL;
}

static int line(const char *what, verdict_t v, const char *detail)
{
    static const char *const names[] = {"ok", "FAIL", "off"};
    printf("%-14s %-5s %s\n", what, names[v], detail);
    fflush(stdout);
    return v == V_FAIL;
}

int ctl_selftest(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl selftest");
    char detail[300] = "";
    site_plan_t plan;
    kmsg_t msg;
    if (site_plan_parse(&c->cfg, &plan, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
    printf("%-14s %-5s %s\n", "check", "", "detail");
    int failed = line("ledger", check_ledger(c, detail, sizeof detail), detail);
    opened_t o = {0};
    site_devices_t d = {0};
    site_health_t h = {0};
    open_devices(c, &plan, &o, &d);
    site_health_check(&c->cfg, &d, ~0u, &h);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        failed += line(rows[i].what, verdict_of(&rows[i], &h, &o, detail, sizeof detail), detail);
    close_devices(&o);
    if (failed)
        fprintf(stderr, "kioskctl: %d check(s) failed\n", failed);
    return failed ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
