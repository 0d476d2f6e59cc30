/* The meter gateway: a protocol-neutral way to read meters and send them
 * credit. A gw_t is a context plus a const ops table; the engine calls only
 * through the table, and each backend (fake, later DL/T 645 and Modbus)
 * fills one in. Drivers report what the device said; they decide nothing. */
#ifndef DRIVERS_GATEWAY_GATEWAY_H
#define DRIVERS_GATEWAY_GATEWAY_H

#include <stdbool.h>
#include <stdint.h>

#include "kiosk/app/config.h"
#include "kiosk/core/err.h"

/* The gateway layer's own error code; the engine translates it. */
typedef enum gw_err {
    GW_OK = 0,
    GW_UNREACHABLE, /* nothing was sent: connection refused, meter offline before sending */
    GW_TIMEOUT,     /* a request went out and no valid answer came back */
    GW_PROTOCOL,    /* the answer made no sense */
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

typedef struct gw_reading {
    char meter[GW_METER_LEN];
    int64_t balance;         /* remaining money, minor units (negative = overdraft) */
    uint32_t purchase_count; /* purchases the meter has applied */
    bool relay_open;         /* true = supply cut */
} gw_reading_t;

typedef struct gw_credit_req {
    const char *meter;
    const char *customer; /* "" = do not check */
    int64_t amount;       /* minor units, > 0 */
    uint32_t count;       /* the purchase count this credit carries */
} gw_credit_req_t;

typedef struct gw_credit_reply {
    gw_credit_result_t result;
    int64_t balance_after;
    uint32_t count_after;
    char reason[96];
} gw_credit_reply_t;

typedef struct gw_ops {
    const char *name;
    /* Reads a meter's balance, purchase count and relay. */
    gw_err_t (*read)(void *ctx, const char *meter, gw_reading_t *out, kmsg_t *msg);
    /* Sends one credit; GW_OK means *out holds the meter's answer. */
    gw_err_t (*credit)(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg);
    void (*close)(void *ctx);
} gw_ops_t;

typedef struct gw {
    const gw_ops_t *ops;
    void *ctx;
} gw_t;

/* Opens the backend named by gateway.protocol. */
kerr_t gw_open(const kiosk_config_t *cfg, gw_t *out, kmsg_t *msg);

/* Closes the backend (safe on a zeroed gw_t). */
void gw_close(gw_t *gw);

/* Returns a short name for an error ("timeout"). */
const char *gw_err_str(gw_err_t e);

/* Returns a short name for a credit result ("repeated"). */
const char *gw_credit_result_str(gw_credit_result_t r);

/* The fake backend: meters kept as files in a folder (docs/testing.md). */
kerr_t gw_fake_open(const char *dir, gw_t *out, kmsg_t *msg);

#endif
