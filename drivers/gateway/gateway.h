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

/* The gateway layer's own error code; the engine translates it. */
typedef enum gw_err {
    GW_OK = 0,
    GW_UNREACHABLE, /* nothing was sent: connection refused, meter offline before sending */
    GW_TIMEOUT,     /* a request went out and no valid answer came back */
    GW_PROTOCOL,    /* the answer made no sense */
    GW_REFUSED,     /* the meter answered a read or relay command with an error */
    GW_NOT_FOUND,   /* the gateway does not know this meter */
    GW_INVALID,     /* the request itself is malformed */
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

typedef enum gw_relay { GW_RELAY_TRIP, GW_RELAY_CLOSE } gw_relay_t;

typedef struct gw_ops {
    const char *name;
    /* Reads the parts `what` (GW_READ_*) of a meter (or of the card
     * addressed). */
    gw_err_t (*read)(void *ctx, const gw_target_t *to, unsigned what, gw_reading_t *out, kmsg_t *msg);
    /* Sends one credit, once: never retried here, the engine decides.
     * GW_OK means *out holds the meter's answer. */
    gw_err_t (*credit)(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg);
    /* Trips or closes the relay (valve). */
    gw_err_t (*relay)(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg);
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

/* Starts a reading of meter with no parts in it yet. */
void gw_reading_init(gw_reading_t *out, const char *meter);

/* Returns a short name for an error ("timeout"). */
const char *gw_err_str(gw_err_t e);

/* Names of the set flags, for people and JSON ("cover_open"). */
size_t gw_flag_names(uint32_t flags, const char *names[8]);

/* Returns a short name for a credit result ("repeated"). */
const char *gw_credit_result_str(gw_credit_result_t r);

#endif
