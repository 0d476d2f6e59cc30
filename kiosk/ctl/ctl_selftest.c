/* kioskctl selftest: every device and link the configuration names, each
 * asked something harmless, one line each: what it is, ok / FAIL / off,
 * and what it said. Exit 1 if anything configured failed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kiosk/ctl/ctl.h"

typedef enum verdict { V_OK, V_FAIL, V_OFF } verdict_t;

/* Writes the detail and returns the verdict. */
static verdict_t said(verdict_t v, char *detail, size_t len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static verdict_t said(verdict_t v, char *detail, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, len, fmt, ap);
    va_end(ap);
    return v;
}

typedef struct check {
    const char *what;
    verdict_t (*run)(ctl_t *c, char *detail, size_t len);
} check_t;

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

/* The first meter of the registry answers its purchase count. */
static verdict_t check_gateway(ctl_t *c, char *detail, size_t len)
{
    registry_t reg = {0};
    gw_t gw = {0};
    kmsg_t msg = {""};
    if (!c->cfg.registry_path[0]) {
        snprintf(detail, len, "no registry (registry.path): no meter to ask");
        return V_OFF;
    }
    if (registry_load(c->cfg.registry_path, &reg, &msg) != K_OK || site_gateway_open(&c->cfg, &reg, &gw, &msg) != K_OK) {
        snprintf(detail, len, "%s", msg.text);
        registry_free(&reg);
        return V_FAIL;
    }
    const char *meter = reg.n ? reg.entries[0].meter : "";
    gw_reading_t r;
    gw_err_t e = reg.n ? gw.ops->read(gw.ctx, meter, GW_READ_COUNT, &r, &msg) : GW_NOT_FOUND;
    if (e == GW_OK)
        snprintf(detail, len, "meter %s answered (purchase count %u)", meter, r.purchase_count);
    else
        snprintf(detail, len, "meter %s: %s", meter[0] ? meter : "(registry empty)", msg.text[0] ? msg.text : gw_err_str(e));
    gw_close(&gw);
    registry_free(&reg);
    return e == GW_OK ? V_OK : V_FAIL;
}

static verdict_t check_cash(ctl_t *c, char *detail, size_t len)
{
    if (strcmp(c->cfg.cash_protocol, "none") == 0)
        return said(V_OFF, detail, len, "cash.protocol = none");
    cash_t cash;
    kmsg_t msg = {""};
    if (site_cash_open(&c->cfg, &cash, &msg) != K_OK)
        return said(V_FAIL, detail, len, "%s", msg.text);
    cash_info_t info;
    cash.ops->info(cash.ctx, &info);
    snprintf(detail, len, "%s %s, serial %s", info.manufacturer, info.product, info.serial);
    cash_close(&cash);
    return V_OK;
}

static verdict_t check_terminal(ctl_t *c, char *detail, size_t len)
{
    if (strcmp(c->cfg.payterm_protocol, "none") == 0)
        return said(V_OFF, detail, len, "payterm.protocol = none");
    payterm_t pt;
    pt_result_t r;
    kmsg_t msg = {""};
    if (site_terminal_open(&c->cfg, &pt, &msg) != K_OK)
        return said(V_FAIL, detail, len, "%s", msg.text);
    pt_err_t e = pt.ops->last(pt.ctx, &r, &msg);
    snprintf(detail, len, "%s", e == PT_OK ? "answered (its last transaction)" : msg.text);
    payterm_close(&pt);
    return e == PT_OK ? V_OK : V_FAIL;
}

/* A PC/SC reader: there (with a card in it or not), or not. */
static verdict_t check_reader(const char *name, char *detail, size_t len)
{
    card_slot_t slot;
    kmsg_t msg = {""};
    if (card_pcsc_open(name, &slot, &msg) != K_OK)
        return said(V_FAIL, detail, len, "%s", msg.text);
    card_err_t e = slot.ops->wait(slot.ctx, true, 1, &msg);
    snprintf(detail, len, "%s: %s", name, e == CARD_OK ? "a card is in it" : e == CARD_TIMEOUT ? "ready, empty" : msg.text);
    card_slot_close(&slot);
    return e == CARD_OK || e == CARD_TIMEOUT ? V_OK : V_FAIL;
}

static verdict_t check_card_reader(ctl_t *c, char *detail, size_t len)
{
    if (strcmp(c->cfg.card_protocol, "none") == 0)
        return said(V_OFF, detail, len, "card.protocol = none");
    return check_reader(c->cfg.card_reader, detail, len);
}

static verdict_t check_sam(ctl_t *c, char *detail, size_t len)
{
    if (strcmp(c->cfg.card_protocol, "none") == 0 || strcmp(c->cfg.card_keys, "sam") != 0)
        return said(V_OFF, detail, len, "no SAM (card.keys = %s)", c->cfg.card_keys);
    card_slot_t sam;
    card_keys_t keys;
    kmsg_t msg = {""};
    if (card_pcsc_open(c->cfg.card_sam_reader, &sam, &msg) != K_OK || card_keys_sam_open(sam, &keys, &msg) != K_OK)
        return said(V_FAIL, detail, len, "%s", msg.text);
    snprintf(detail, len, "%s: the SAM application answers", c->cfg.card_sam_reader);
    card_keys_close(&keys);
    return V_OK;
}

static verdict_t check_printer(ctl_t *c, char *detail, size_t len)
{
    if (strcmp(c->cfg.printer_protocol, "none") == 0)
        return said(V_OFF, detail, len, "printer.protocol = none: receipts on the screen");
    printer_t p;
    printer_status_t st;
    kmsg_t msg = {""};
    if (site_printer_open(&c->cfg, &p, &msg) != K_OK)
        return said(V_FAIL, detail, len, "%s", msg.text);
    kerr_t rc = engine_printer_ready(&p, &st, &msg);
    if (rc == K_OK)
        printer_status_text(&st, detail, len);
    else
        snprintf(detail, len, "%s", msg.text);
    printer_close(&p);
    return rc == K_OK ? V_OK : V_FAIL;
}

static const check_t checks[] = {
    {"ledger", check_ledger},         {"meter gateway", check_gateway}, {"bill acceptor", check_cash},
    {"card terminal", check_terminal}, {"card reader", check_card_reader}, {"SAM", check_sam},
    {"printer", check_printer},
};

int ctl_selftest(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl selftest");
    static const char *const names[] = {"ok", "FAIL", "off"};
    int failed = 0;
    printf("%-14s %-5s %s\n", "check", "", "detail");
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        char detail[300] = "";
        verdict_t v = checks[i].run(c, detail, sizeof detail);
        failed += v == V_FAIL;
        printf("%-14s %-5s %s\n", checks[i].what, names[v], detail);
        fflush(stdout);
    }
    if (failed)
        fprintf(stderr, "kioskctl: %d check(s) failed\n", failed);
    return failed ? CTL_FAIL : CTL_OK;
}
