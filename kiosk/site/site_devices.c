/* The device factories (site_devices.h); the gateway's router is in
 * site_gateway.c, the retry policies in site_policy.h. */
#include "kiosk/site/site_devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/card/gw_card.h"
#include "kiosk/site/site_policy.h"
#include "sync/sync_qr.h"

static const char *const cash_names[] = {[SITE_NO_CASH] = "none", [SITE_CCTALK] = "cctalk"};
static const char *const terminal_names[] = {[SITE_NO_TERMINAL] = "none", [SITE_ZVT] = "zvt"};
static const char *const reader_names[] = {[SITE_NO_READER] = "none", [SITE_PCSC] = "pcsc"};
static const char *const keys_names[] = {[SITE_KEYS_SAM] = "sam", [SITE_KEYS_FILE] = "file"};
static const char *const printer_names[] = {[SITE_NO_PRINTER] = "none", [SITE_ESCPOS] = "escpos"};
static const char *const transport_names[] = {
    [PRINTER_SERIAL] = "serial", [PRINTER_TCP] = "tcp", [PRINTER_FILE] = "file"};

/* One setting looked up in its name table. */
typedef struct choice {
    const char *key, *value;
    const char *const *names;
    size_t n;
    int *out;
} choice_t;

#define CHOICE(key, value, names, out) {key, value, names, sizeof names / sizeof names[0], out}

static bool pick(const choice_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->value, c->names[i]) == 0) {
            *c->out = (int)i;
            return true;
        }
    return false;
}

kerr_t site_plan_parse(const kiosk_config_t *cfg, site_plan_t *out, kmsg_t *msg)
{
    int cash, terminal, reader, keys, printer, transport;
    const choice_t choices[] = {
        CHOICE("cash.protocol", cfg->cash_protocol, cash_names, &cash),
        CHOICE("payterm.protocol", cfg->payterm_protocol, terminal_names, &terminal),
        CHOICE("card.protocol", cfg->card_protocol, reader_names, &reader),
        CHOICE("card.keys", cfg->card_keys, keys_names, &keys),
        CHOICE("printer.protocol", cfg->printer_protocol, printer_names, &printer),
        CHOICE("printer.transport", cfg->printer_transport, transport_names, &transport),
    };
    registry_proto_t gateway;
    if (!registry_proto_parse(cfg->gateway_protocol, &gateway))
        return kmsg_set(msg, K_EINVAL, "gateway.protocol = %s: the site knows no such protocol", cfg->gateway_protocol);
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++)
        if (!pick(&choices[i]))
            return kmsg_set(msg, K_EINVAL, "%s = %s: the site knows no such device", choices[i].key, choices[i].value);
    *out = (site_plan_t){.gateway = gateway, .cash = (site_cash_kind_t)cash,
                         .terminal = (site_terminal_kind_t)terminal, .qr = cfg->sync_qr,
                         .reader = (site_reader_kind_t)reader, .keys = (site_keys_kind_t)keys,
                         .printer = (site_printer_kind_t)printer, .printer_transport = (printer_transport_t)transport};
    return K_OK;
}

const char *site_dev_name(site_dev_t d)
{
    static const char *const names[] = {
        [SITE_DEV_GATEWAY] = "meter gateway",   [SITE_DEV_CASH] = "bill acceptor",
        [SITE_DEV_TERMINAL] = "card terminal",  [SITE_DEV_QR] = "QR payments",
        [SITE_DEV_READER] = "meter-card reader", [SITE_DEV_SAM] = "SAM",
        [SITE_DEV_PRINTER] = "receipt printer",
    };
    return d < SITE_DEV_N ? names[d] : "?";
}

bool site_plan_has(const site_plan_t *p, site_dev_t d, char *why, size_t len)
{
    switch (d) {
    case SITE_DEV_GATEWAY: return true;
    case SITE_DEV_CASH:
        snprintf(why, len, "cash.protocol = %s", cash_names[p->cash]);
        return p->cash != SITE_NO_CASH;
    case SITE_DEV_TERMINAL:
        snprintf(why, len, "payterm.protocol = %s", terminal_names[p->terminal]);
        return p->terminal != SITE_NO_TERMINAL;
    case SITE_DEV_QR:
        snprintf(why, len, "sync.qr = %s", p->qr ? "true" : "false");
        return p->qr;
    case SITE_DEV_READER:
        snprintf(why, len, "card.protocol = %s", reader_names[p->reader]);
        return p->reader != SITE_NO_READER;
    case SITE_DEV_SAM:
        snprintf(why, len, "card.keys = %s", keys_names[p->keys]);
        return p->reader != SITE_NO_READER && p->keys == SITE_KEYS_SAM;
    case SITE_DEV_PRINTER:
        snprintf(why, len, "printer.protocol = %s", printer_names[p->printer]);
        return p->printer != SITE_NO_PRINTER;
    case SITE_DEV_N: break;
    }
    return false;
}

/* The plan of cfg, which must have a device of class d: K_ENOTFOUND
 * ("no bill acceptor (cash.protocol = none)") if it has not. Zeroes the
 * handle to be opened, out (size bytes), first. */
static kerr_t wanted(const kiosk_config_t *cfg, site_dev_t d, site_plan_t *plan, void *out, size_t size, kmsg_t *msg)
{
    char why[96];
    memset(out, 0, size);
    kerr_t rc = site_plan_parse(cfg, plan, msg);
    if (rc == K_OK && !site_plan_has(plan, d, why, sizeof why))
        rc = kmsg_set(msg, K_ENOTFOUND, "no %s (%s)", site_dev_name(d), why);
    return rc;
}

kerr_t site_cash_open(const kiosk_config_t *cfg, cash_t *out, kmsg_t *msg)
{
    site_plan_t plan;
    kerr_t rc = wanted(cfg, SITE_DEV_CASH, &plan, out, sizeof *out, msg);
    if (rc != K_OK)
        return rc;
    const cash_cctalk_opts_t o = {.device = cfg->cash_device, .setting = "cash.device", .echo = cfg->cash_echo,
                                  .currency = cfg->currency_code, .retry = site_cctalk_retry()};
    return cash_cctalk_open(&o, out, msg);
}

kerr_t site_terminal_open(const kiosk_config_t *cfg, payterm_t *out, kmsg_t *msg)
{
    site_plan_t plan;
    kerr_t rc = wanted(cfg, SITE_DEV_TERMINAL, &plan, out, sizeof *out, msg);
    if (rc != K_OK)
        return rc;
    const pt_zvt_opts_t o = {.address = cfg->payterm_address, .password = cfg->payterm_password,
                             .currency = cfg->currency->numeric, .timeout_ms = (int)cfg->payterm_timeout_ms,
                             .ack_timeout_ms = (int)cfg->payterm_ack_timeout_ms};
    return pt_zvt_open(&o, out, msg);
}

kerr_t site_qr_open(const kiosk_config_t *cfg, payterm_t *out, kmsg_t *msg)
{
    site_plan_t plan;
    sync_client_t *link;
    kerr_t rc = wanted(cfg, SITE_DEV_QR, &plan, out, sizeof *out, msg);
    if (rc == K_OK)
        rc = sync_client_open(cfg, &link, msg);
    if (rc != K_OK)
        return rc;
    const sync_qr_opts_t o = {.kiosk_id = cfg->kiosk_id, .ttl_s = cfg->sync_qr_ttl_s,
                              .wait_retry = site_qr_wait_retry()};
    return sync_qr_open(link, &o, out, msg);
}

kerr_t site_card_reader_open(const kiosk_config_t *cfg, card_slot_t *out, kmsg_t *msg)
{
    site_plan_t plan;
    kerr_t rc = wanted(cfg, SITE_DEV_READER, &plan, out, sizeof *out, msg);
    return rc == K_OK ? card_pcsc_open(cfg->card_reader, out, msg) : rc;
}

kerr_t site_card_keys_open(const kiosk_config_t *cfg, card_keys_t *out, kmsg_t *msg)
{
    site_plan_t plan;
    card_slot_t sam;
    kerr_t rc = wanted(cfg, SITE_DEV_READER, &plan, out, sizeof *out, msg);
    if (rc != K_OK)
        return rc;
    if (plan.keys == SITE_KEYS_FILE)
        return cfg->card_key_file[0] ? card_keys_file_open(cfg->card_key_file, out, msg)
                                     : kmsg_set(msg, K_EINVAL, "card.keys is file but card.key_file is not set");
    if ((rc = card_pcsc_open(cfg->card_sam_reader, &sam, msg)) != K_OK)
        return rc;
    return card_keys_sam_open(sam, out, msg);
}

kerr_t site_card_open(const kiosk_config_t *cfg, gw_t *out, kmsg_t *msg)
{
    card_keys_t keys;
    card_slot_t slot;
    *out = (gw_t){0};
    kerr_t rc = site_card_keys_open(cfg, &keys, msg);
    if (rc != K_OK)
        return rc;
    if ((rc = site_card_reader_open(cfg, &slot, msg)) != K_OK) {
        card_keys_close(&keys);
        return rc;
    }
    const gw_card_opts_t o = {.clk = NULL};
    return gw_card_open(slot, keys, &o, out, msg);
}

/* The printer's end of the wire as printer.transport says. */
static void printer_target(const kiosk_config_t *cfg, printer_link_t *l)
{
    switch (l->transport) {
    case PRINTER_SERIAL:
        l->target = cfg->printer_device;
        l->setting = "printer.device";
        return;
    case PRINTER_TCP:
        l->target = cfg->printer_address;
        l->setting = "printer.address";
        return;
    case PRINTER_FILE:
        l->target = cfg->printer_path;
        l->setting = "printer.path";
        return;
    }
}

kerr_t site_printer_open(const kiosk_config_t *cfg, printer_t *out, kmsg_t *msg)
{
    site_plan_t plan;
    kerr_t rc = wanted(cfg, SITE_DEV_PRINTER, &plan, out, sizeof *out, msg);
    if (rc != K_OK)
        return rc;
    printer_link_t link = {.transport = plan.printer_transport,
                           .baud = (unsigned)strtoul(cfg->printer_baud, NULL, 10),
                           .timeout_ms = (int)cfg->printer_timeout_ms,
                           .status_timeout_ms = (int)cfg->printer_status_timeout_ms};
    printer_target(cfg, &link);
    return printer_escpos_open(&link, out, msg);
}
