/* The site's device factories: where the configuration meets the drivers.
 * The *.protocol settings are parsed once into enums (name tables), each
 * driver's options are filled from its section, and the backend is chosen
 * here; the drivers know nothing of the configuration. Each opener leaves
 * *out zeroed when it fails, and says why in msg. */
#ifndef KIOSK_SITE_SITE_DEVICES_H
#define KIOSK_SITE_SITE_DEVICES_H

#include "drivers/card/card_keys.h"
#include "drivers/card/card_slot.h"
#include "drivers/cash/cash.h"
#include "drivers/gateway/gateway.h"
#include "drivers/payterm/payterm.h"
#include "drivers/printer/printer.h"
#include "drivers/transport/link_hook.h"
#include "engine/config.h"
#include "engine/registry.h"

/* The backend of each device class, as its setting names it. */
typedef enum site_cash_kind { SITE_NO_CASH, SITE_CCTALK } site_cash_kind_t;           /* cash.protocol */
typedef enum site_terminal_kind { SITE_NO_TERMINAL, SITE_ZVT } site_terminal_kind_t;  /* payterm.protocol */
typedef enum site_reader_kind { SITE_NO_READER, SITE_PCSC } site_reader_kind_t;       /* card.protocol */
typedef enum site_keys_kind { SITE_KEYS_SAM, SITE_KEYS_FILE } site_keys_kind_t;       /* card.keys */
typedef enum site_printer_kind { SITE_NO_PRINTER, SITE_ESCPOS } site_printer_kind_t;  /* printer.protocol */

/* The configuration's choice of devices. */
typedef struct site_plan {
    registry_proto_t gateway; /* gateway.protocol */
    site_cash_kind_t cash;
    site_terminal_kind_t terminal;
    bool qr; /* sync.qr */
    site_reader_kind_t reader;
    site_keys_kind_t keys;
    site_printer_kind_t printer;
    printer_transport_t printer_transport; /* printer.transport */
} site_plan_t;

/* The site's devices, by class. */
typedef enum site_dev {
    SITE_DEV_GATEWAY,
    SITE_DEV_CASH,
    SITE_DEV_TERMINAL,
    SITE_DEV_QR,
    SITE_DEV_READER,
    SITE_DEV_SAM,
    SITE_DEV_PRINTER,
    SITE_DEV_N
} site_dev_t;

/* What a device of class d is, for people ("bill acceptor"). */
const char *site_dev_name(site_dev_t d);

/* Whether the plan has a device of class d (the gateway: always); if not,
 * why says which setting leaves it out ("cash.protocol = none"). */
bool site_plan_has(const site_plan_t *p, site_dev_t d, char *why, size_t len);

/* Parses the device settings of cfg into enums. config.c has checked them
 * against the same names, so K_EINVAL (naming the setting) only if the two
 * lists ever part. */
kerr_t site_plan_parse(const kiosk_config_t *cfg, site_plan_t *out, kmsg_t *msg);

/* Opens the gateway the engine talks to (site_gateway.c): a router that
 * sends each meter's requests to the backend its registry line names, or
 * that the gateway.* settings name for meters not listed. reg may be NULL
 * (no registry) and must outlive the gateway. Loads the master key if
 * gateway.master_key_file is set. */
kerr_t site_gateway_open(const kiosk_config_t *cfg, const registry_t *reg, gw_t *out, kmsg_t *msg);

/* Gives the backends the gateway opens from now on a hook around each
 * request and its answer (the bus lock, engine/engine_bus.h); call it
 * before the first request. */
void site_gateway_hook(gw_t *gw, link_hook_t hook);

/* Opens the bill acceptor cash.protocol names: K_ENOTFOUND for none. */
kerr_t site_cash_open(const kiosk_config_t *cfg, cash_t *out, kmsg_t *msg);

/* Opens the card terminal payterm.protocol names: K_ENOTFOUND for none. */
kerr_t site_terminal_open(const kiosk_config_t *cfg, payterm_t *out, kmsg_t *msg);

/* Opens the QR payment provider on the [sync] link: K_ENOTFOUND unless
 * sync.qr is true; K_EINVAL for a link that cannot be used
 * (sync_client_open). */
kerr_t site_qr_open(const kiosk_config_t *cfg, payterm_t *out, kmsg_t *msg);

/* Opens the meter-card reader (card.protocol, card.reader) as a delivery
 * target, with its keys (card.keys): K_ENOTFOUND for card.protocol none. */
kerr_t site_card_open(const kiosk_config_t *cfg, gw_t *out, kmsg_t *msg);

/* The meter-card reader alone (card.reader): K_ENOTFOUND for none. */
kerr_t site_card_reader_open(const kiosk_config_t *cfg, card_slot_t *out, kmsg_t *msg);

/* Where card MACs are computed (card.keys: the SAM in card.sam_reader, or
 * card.key_file): K_ENOTFOUND for card.protocol none. */
kerr_t site_card_keys_open(const kiosk_config_t *cfg, card_keys_t *out, kmsg_t *msg);

/* Opens the receipt printer the [printer] section names: K_ENOTFOUND for
 * protocol none. */
kerr_t site_printer_open(const kiosk_config_t *cfg, printer_t *out, kmsg_t *msg);

#endif
