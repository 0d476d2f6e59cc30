/* The meter gateway: a protocol-neutral way to read meters and send them
 * credit. A gw_t is a context plus a const ops table; the engine calls only
 * through the table, and each backend (DL/T 645, Modbus, the fake meters,
 * the meter card) fills one in. Drivers report what the device said; they
 * decide nothing. Which backend reaches a meter is the site's business
 * (kiosk/site/site_gateway.c). */
#ifndef DRIVERS_GATEWAY_GATEWAY_H
#define DRIVERS_GATEWAY_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/err.h"
#include "core/tariff.h"

/* The gateway layer's own error code; the engine translates it. */
typedef enum gw_err {
    GW_OK = 0,
    GW_UNREACHABLE, /* nothing was sent: connection refused, meter offline before sending */
    GW_TIMEOUT,     /* a request went out and no valid answer came back */
    GW_PROTOCOL,    /* the answer made no sense */
    GW_REFUSED,     /* the meter answered a read or relay command with an error */
    GW_NOT_FOUND,   /* the gateway does not know this meter */
    GW_INVALID,     /* the request itself is malformed */
    GW_UNSUPPORTED, /* the profile (or the backend) defines no such command: nothing was sent */
} gw_err_t;

typedef enum gw_credit_result {
    GW_CREDIT_APPLIED,        /* the meter took the credit */
    GW_CREDIT_REPEATED,       /* the meter already has this purchase count */
    GW_CREDIT_COUNT_MISMATCH, /* the count is not the meter's count + 1 */
    GW_CREDIT_REFUSED,        /* refused for another reason (see reason) */
} gw_credit_result_t;

#define GW_METER_LEN 13

/* What a read asks for; a reading says which parts it holds. */
enum {
    GW_READ_COUNT = 1,   /* purchase count */
    GW_READ_BALANCE = 2, /* remaining money (negative = overdraft) */
    GW_READ_ENERGY = 4,  /* total and the four TOU registers */
    GW_READ_STATUS = 8,  /* relay and flags */
    GW_READ_ALL = 15,    /* every measured part (not the identity) */
    GW_READ_IDENTITY = 16, /* the meter number and customer the meter answering reports */
};

/* Status flags of a reading. */
enum {
    GW_FLAG_COVER = 1 << 0,       /* meter cover opened */
    GW_FLAG_TERMINAL = 1 << 1,    /* terminal cover opened */
    GW_FLAG_MAGNETIC = 1 << 2,    /* magnetic interference */
    GW_FLAG_REVERSE = 1 << 3,     /* reverse energy */
    GW_FLAG_LOW_BALANCE = 1 << 4, /* low-balance alarm */
    GW_FLAG_PRETRIP = 1 << 5,     /* pre-trip alarm */
};

typedef struct gw_reading {
    char meter[GW_METER_LEN];
    unsigned have;           /* GW_READ_* parts present */
    uint32_t purchase_count;
    bool count_open;         /* the target takes any first count and holds none yet (a card with
                              * nothing written): purchase_count means nothing */
    int64_t balance;         /* minor units */
    int64_t energy_total;    /* milli-units: Wh, or litres for water */
    int64_t energy_band[4];  /* sharp, peak, flat, valley */
    bool bands_absent;       /* the meter has no TOU registers (a single-rate meter): energy_band holds
                              * nothing, and the total came from the total register alone */
    bool relay_open;         /* true = supply cut (valve closed) */
    uint32_t flags;          /* GW_FLAG_* */
    /* GW_READ_IDENTITY: who answered at the address, as it says; drivers
     * report it and decide nothing (the engine compares it with the registry) */
    char id_meter[GW_METER_LEN];    /* its meter number */
    char id_customer[GW_METER_LEN]; /* its customer number; "" = none bound */
    bool id_customer_told;          /* false: the meter did not say (it lacks the data) */
} gw_reading_t;

/* Where a read or a credit goes: a meter, and for a meter-card target (the
 * card reader, drivers/card/gw_card.h) the card that must be in the
 * reader. */
typedef struct gw_target {
    const char *meter; /* the meter number */
    const char *card;  /* a meter card's serial, 16 hex digits; NULL: none (a meter; for a read of the card
                        * reader, any card of the meter) */
} gw_target_t;

typedef struct gw_credit_req {
    gw_target_t to;
    const char *customer; /* 12 digits; "" = none known */
    int64_t amount;       /* minor units, >= 0 */
    uint32_t count;       /* the purchase count this credit carries */
    bool open_account;    /* open the account (count 1) instead of a recharge: the engine decides */
} gw_credit_req_t;

typedef struct gw_credit_reply {
    gw_credit_result_t result;
    int64_t balance_after;
    uint32_t count_after;
    bool balance_known; /* the answer carried balance_after (a DL/T 645 error reply carries nothing) */
    bool count_known;   /* the answer carried count_after */
    char reason[96];
} gw_credit_reply_t;

/* Relay (valve) commands. Keep power on: the meter refuses to trip, by
 * command or when its money runs out, until keep power off releases it. */
typedef enum gw_relay {
    GW_RELAY_TRIP,     /* cut the supply (DL/T 645 N1 = 1A) */
    GW_RELAY_CLOSE,    /* restore the supply now (1C) */
    GW_RELAY_KEEP_ON,  /* keep power on (3A) */
    GW_RELAY_KEEP_OFF, /* release keep power (3B) */
} gw_relay_t;

/* What a write holds: `have` names the parts, each written on its own
 * (a failure names the part; parts before it stay written). */
enum {
    GW_SET_ALARMS = 1, /* alarm amounts 1 and 2 */
    GW_SET_PRICES = 2, /* the four band prices */
    GW_SET_TOU = 4,    /* the day's periods (one day table) */
};

#define GW_MAX_PERIODS 14 /* day periods a meter holds (DL/T 645 allows 14) */

typedef struct gw_settings {
    unsigned have;                    /* GW_SET_* */
    int64_t alarm[2];                 /* GW_SET_ALARMS: alarm amounts 1 and 2, minor units, >= 0 */
    int64_t price[BAND_COUNT];        /* GW_SET_PRICES: sharp, peak, flat, valley, in the core's tariff price
                                       * units (TARIFF_PRICE_SCALE per minor unit) per kWh (m3) */
    tou_switch_t period[GW_MAX_PERIODS]; /* GW_SET_TOU: from minute on, band applies (sorted, first at any minute;
                                          * the last runs on past midnight), as tariff_t's switches */
    size_t n_periods;                 /* 1..GW_MAX_PERIODS */
} gw_settings_t;

/* The meter's last daily freeze: when it froze, by the meter's own clock
 * (local time), and its forward active energy then. */
typedef struct gw_frozen {
    char meter[GW_METER_LEN];
    bool none;              /* the meter has not frozen yet: nothing below holds */
    int year, month, day;   /* 2000.., 1..12, 1..31 */
    int hour, minute;       /* 0..23, 0..59 */
    char at[17];            /* the same as text, "YYYY-MM-DD hh:mm" (meter's local time) */
    int64_t energy_total;   /* milli-units: Wh, or litres for water */
    int64_t energy_band[4]; /* sharp, peak, flat, valley */
    bool bands_absent;      /* a single-rate meter froze its total alone */
} gw_frozen_t;

typedef struct gw_ops {
    const char *name;
    /* Reads the parts `what` (GW_READ_*) of a meter (or of the card
     * addressed). */
    gw_err_t (*read)(void *ctx, const gw_target_t *to, unsigned what, gw_reading_t *out, kmsg_t *msg);
    /* Sends one credit, once: never retried here, the engine decides.
     * GW_OK means *out holds the meter's answer. */
    gw_err_t (*credit)(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg);
    /* Trips or closes the relay (valve), or sets or releases keep power.
     * A meter that keeps power on refuses a trip: GW_REFUSED, msg says so. */
    gw_err_t (*relay)(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg);
    /* Writes the parts of s that s->have names, in the order alarms,
     * prices, day periods. A part the meter refused or that did not get
     * through fails the write, and msg names it and what was written
     * before it. GW_INVALID for a value the profile cannot carry exactly
     * (nothing of that part sent). */
    gw_err_t (*write)(void *ctx, const char *meter, const gw_settings_t *s, kmsg_t *msg);
    /* Takes req->amount of credit back, once, under the purchase-count rule
     * of a credit (req->count = the meter's count + 1; equal: repeated).
     * Never retried here. GW_UNSUPPORTED where the profile has no refund,
     * msg saying what a person can do instead. */
    gw_err_t (*refund)(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg);
    /* Reads the meter's last daily freeze. GW_UNSUPPORTED for a meter
     * (or a backend) without one. */
    gw_err_t (*read_frozen)(void *ctx, const char *meter, gw_frozen_t *out, kmsg_t *msg);
    void (*close)(void *ctx);
    /* Asks something harmless to see that the way to the meters works:
     * GW_OK with what answered in msg, or the error and why. A backend
     * with nothing of its own to ask puts gw_probe_none here, so callers
     * never check for NULL. */
    gw_err_t (*probe)(void *ctx, kmsg_t *msg);
} gw_ops_t;

typedef struct gw {
    const gw_ops_t *ops;
    void *ctx;
} gw_t;

/* Closes the backend (safe on a zeroed gw_t). */
void gw_close(gw_t *gw);

/* The probe of a backend with nothing of its own to ask: GW_OK. */
gw_err_t gw_probe_none(void *ctx, kmsg_t *msg);

/* Sets the freeze time of out from the meter's fields, and its text;
 * false if they are not a date and time (year 2000..2099). */
bool gw_frozen_set_time(gw_frozen_t *out, int year, int month, int day, int hour, int minute);

/* A relay command's name ("trip", "close", "keep_on", "keep_off"). */
const char *gw_relay_str(gw_relay_t cmd);

/* Starts a reading of meter with no parts in it yet. */
void gw_reading_init(gw_reading_t *out, const char *meter);

/* Returns a short name for an error ("timeout"). */
const char *gw_err_str(gw_err_t e);

/* Names of the set flags, for people and JSON ("cover_open"). */
size_t gw_flag_names(uint32_t flags, const char *names[8]);

/* Returns a short name for a credit result ("repeated"). */
const char *gw_credit_result_str(gw_credit_result_t r);

#endif
