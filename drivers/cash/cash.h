/* The bill acceptor: a protocol-neutral interface (a context plus a const
 * ops table). The driver reports what the device did as events, oldest
 * first; the engine decides what a note means for the sale. */
#ifndef DRIVERS_CASH_CASH_H
#define DRIVERS_CASH_CASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/retry.h"

typedef enum cash_err {
    CASH_OK = 0,
    CASH_NO_ANSWER, /* the device did not answer (a route command may or may not have acted) */
    CASH_REFUSED,   /* the device answered no (escrow empty, route failed) */
    CASH_PROTOCOL,  /* the answer made no sense */
    CASH_IO,        /* the serial device failed */
} cash_err_t;

typedef enum cash_event_kind {
    CASH_ESCROW,       /* a note is held: decide stack or return */
    CASH_STACKED,      /* a note went into the cash box: it counts */
    CASH_RETURNED,     /* the note in escrow went back to the resident */
    CASH_REJECTED,     /* a note was refused (validation failed, inhibited) */
    CASH_JAM,          /* a note is stuck */
    CASH_JAM_CLEARED,
    CASH_BOX_REMOVED,
    CASH_BOX_INSERTED,
    CASH_BOX_FULL,
    CASH_FRAUD,        /* tamper, string or opto fraud, pulled back */
    CASH_FAULT,        /* the stacker or transport reports a fault */
    CASH_RESET,        /* the device was reset or power-cycled: set up again */
    CASH_LOST_EVENTS,  /* events were lost: the device's state is unknown */
    CASH_OTHER,        /* a status the kiosk does not act on */
} cash_event_kind_t;

typedef struct cash_event {
    cash_event_kind_t kind;
    uint32_t counter; /* the device's event counter for this event */
    int bill_type;    /* ESCROW, STACKED: the device's bill type */
    int64_t value;    /* ESCROW, STACKED: minor units (0 if unknown) */
    char text[64];    /* what happened, for logs and alerts */
} cash_event_t;

typedef struct cash_info {
    char manufacturer[32], product[32], serial[16];
} cash_info_t;

#define CASH_MAX_EVENTS 8
#define CASH_COUNTER_UNKNOWN UINT32_MAX

typedef struct cash_ops {
    const char *name;
    /* The device's identity (read when it was opened or last reset). */
    void (*info)(void *ctx, cash_info_t *out);
    /* The last event counter the kiosk has handled (from the ledger), or
     * CASH_COUNTER_UNKNOWN: the next poll reports what happened after it. */
    void (*set_counter)(void *ctx, uint32_t counter);
    /* Accept notes of these values (minor units); others are inhibited. */
    cash_err_t (*enable)(void *ctx, const int64_t *values, size_t n, kmsg_t *msg);
    /* Accept nothing. */
    cash_err_t (*disable)(void *ctx, kmsg_t *msg);
    /* New events since the last poll, oldest first, at most CASH_MAX_EVENTS. */
    cash_err_t (*poll)(void *ctx, cash_event_t *out, size_t *n, kmsg_t *msg);
    /* Stacks (true) or returns (false) the note in escrow. */
    cash_err_t (*route)(void *ctx, bool stack, kmsg_t *msg);
    void (*close)(void *ctx);
    /* Asks the device something harmless that changes nothing (its events
     * stay for poll): CASH_OK with who answered in msg, or the error and
     * why. cash_probe_none for a backend with nothing to ask. */
    cash_err_t (*probe)(void *ctx, kmsg_t *msg);
} cash_ops_t;

typedef struct cash {
    const cash_ops_t *ops;
    void *ctx;
} cash_t;

/* Closes it (a zeroed cash_t is fine). */
void cash_close(cash_t *c);

/* The probe of a backend with nothing to ask: CASH_OK. */
cash_err_t cash_probe_none(void *ctx, kmsg_t *msg);

/* What the ccTalk backend is opened with. */
typedef struct cash_cctalk_opts {
    const char *device;   /* the serial device (or pty), 9600 8N1 */
    const char *setting;  /* the setting that names it, for messages ("cash.device") */
    bool echo;            /* the line echoes what the kiosk sends (a single-wire bus) */
    const char *currency; /* ISO 4217: the notes whose value the kiosk learns */
    kretry_t retry;       /* commands that may be repeated (never route-bill) */
    const kclock_t *clk;  /* retry pauses; NULL: the system clock */
} cash_cctalk_opts_t;

/* The ccTalk backend on a serial device (docs/protocols/cctalk.md): asks
 * the validator who it is and sets it up before it returns. */
kerr_t cash_cctalk_open(const cash_cctalk_opts_t *o, cash_t *out, kmsg_t *msg);

/* A short name of an event kind ("stacked"). */
const char *cash_event_name(cash_event_kind_t k);

/* Parses cash.denominations into values; returns how many (0 on error). */
size_t cash_parse_denominations(const char *text, int64_t *out, size_t cap);

#endif
