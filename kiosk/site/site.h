/* The site a program sells for: the configuration, the meter registry, the
 * gateway, the ledger, the payment devices and the meter-card reader, and
 * the engine over them, opened the same way for kioskctl and the
 * touchscreen. */
#ifndef KIOSK_SITE_SITE_H
#define KIOSK_SITE_SITE_H

#include "engine/config.h"
#include "engine/engine.h"
#include "engine/registry.h"
#include "kiosk/site/site_devices.h"

/* Devices that opened (a bit per site_dev_t). */
enum {
    SITE_CASH = 1u << SITE_DEV_CASH,
    SITE_TERMINAL = 1u << SITE_DEV_TERMINAL,
    SITE_QR = 1u << SITE_DEV_QR,
    SITE_CARD = 1u << SITE_DEV_READER,
};

typedef struct site {
    const kiosk_config_t *cfg;
    site_plan_t plan;  /* the devices cfg names */
    ledger_t *ledger;
    registry_t registry;
    gw_t gw;
    cash_t cash;       /* ops NULL when there is none */
    payterm_t payterm; /* ops NULL when there is none */
    payterm_t qr;      /* QR orders through the back office (sync.qr); ops NULL when there are none */
    gw_t card;         /* the meter-card reader; ops NULL when there is none */
    engine_counts_t counts; /* the back office's count service; reserve NULL when there is none */
    engine_bus_t bus;  /* the bus lock next to the ledger (sales first on the wire) */
    engine_t engine;
    unsigned opened;   /* SITE_* */
} site_t;

/* Told about a device that is configured but could not be opened
 * ("bill acceptor", why). */
typedef void (*site_report_fn)(void *ctx, const char *device, const char *why);

/* Opens the registry, the gateway and the ledger (a failure there is an
 * error, saying why), then each configured device; one that cannot be
 * opened is reported and left out, and the engine runs without it. */
kerr_t site_open(const kiosk_config_t *cfg, site_t *s, site_report_fn report, void *ctx, kmsg_t *msg);

/* As site_open, without the payment devices and the meter-card reader:
 * for the back-office link alone (kioskctl worker --sync-only), which must
 * never touch the devices the touchscreen drives. */
kerr_t site_open_link(const kiosk_config_t *cfg, site_t *s, site_report_fn report, void *ctx, kmsg_t *msg);

/* Closes what site_open opened. */
void site_close(site_t *s);

#endif
