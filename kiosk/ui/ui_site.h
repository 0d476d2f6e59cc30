/* The site the touchscreen sells for: configuration, ledger, registry,
 * gateway, payment devices and the engine over them, opened the way
 * kioskctl opens them. */
#ifndef KIOSK_UI_UI_SITE_H
#define KIOSK_UI_UI_SITE_H

#include "drivers/card/card_slot.h"
#include "engine/config.h"
#include "engine/engine.h"
#include "engine/registry.h"
#include "kiosk/site/site.h"
#include "kiosk/site/site_health.h"

typedef struct ui_site {
    site_t base;            /* as kioskctl opens it */
    card_slot_t card_watch; /* the card reader, watched for cards going in and out; ops NULL when none */
    printer_t printer;      /* the receipt printer; ops NULL when there is none */
    unsigned health;        /* HEALTH_* of what opened (the printer: whether it can print now) */
} ui_site_t;

/* Opens everything; devices that are configured but absent are reported
 * and left out (the screens then do not offer them). Fails, saying why, if
 * the registry, the gateway settings or the ledger cannot be opened. */
kerr_t ui_site_open(const kiosk_config_t *cfg, ui_site_t *s, kmsg_t *msg);

/* The devices a look at the touchscreen's site covers: the site's, its
 * printer and its engine. */
void ui_site_devices(ui_site_t *s, site_devices_t *out);

/* The screens' HEALTH_* bits of a look at the devices: those that are ok. */
unsigned ui_site_health_bits(const site_health_t *h);

/* Runs recovery (engine_recover) and says on stderr what it finished. */
kerr_t ui_site_recover(ui_site_t *s, kmsg_t *msg);

/* Closes what ui_site_open opened. */
void ui_site_close(ui_site_t *s);

#endif
