/* How the site's devices are, seen one way by every program: the
 * touchscreen's look at its devices while nobody is served, kioskctl
 * selftest and the heartbeat to the back office. A device the
 * configuration leaves out is off; one configured but not open is
 * missing; one that is open is asked its probe when the caller wants it
 * asked (ok or fault), else counted ok for being open. */
#ifndef KIOSK_SITE_SITE_HEALTH_H
#define KIOSK_SITE_SITE_HEALTH_H

#include "kiosk/site/site.h"

typedef enum site_state { SITE_OFF, SITE_MISSING, SITE_OK, SITE_FAULT } site_state_t;

typedef struct site_dev_health {
    site_state_t state;
    char detail[300]; /* what it said, or why it is off or missing */
} site_dev_health_t;

typedef struct site_health {
    site_dev_health_t dev[SITE_DEV_N]; /* by site_dev_t */
} site_health_t;

/* The devices a look covers, as the caller opened them; NULL (or ops
 * NULL) is not open. */
typedef struct site_devices {
    gw_t *gateway;
    cash_t *cash;
    engine_t *engine;    /* given: it holds the acceptor, and asks it by its own poll, which books what it reports */
    payterm_t *terminal;
    payterm_t *qr;
    gw_t *card;          /* the meter-card target: its probe asks its reader */
    card_slot_t *reader; /* or the reader alone */
    card_keys_t *keys;   /* where card MACs are computed (the SAM) */
    printer_t *printer;
} site_devices_t;

/* The devices s opened, and its engine (a printer is the caller's own). */
void site_devices_of(site_t *s, site_devices_t *out);

/* Looks at every device of d, asking the probe of those in `ask` (a bit
 * per site_dev_t, SITE_ASK(...)). h holds what the last look found: an
 * acceptor the engine holds that was at fault is set up again
 * (engine_cash_attach) rather than polled. Zero h before the first look. */
void site_health_check(const kiosk_config_t *cfg, const site_devices_t *d, unsigned ask, site_health_t *h);

#define SITE_ASK(dev) (1u << (dev))

/* "off", "missing", "ok" or "fault". */
const char *site_state_name(site_state_t s);

#endif
