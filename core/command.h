/* A central command to a meter (docs/collector.md, "Central commands"):
 * what it asks, the states it goes through at the back office and at the
 * kiosk, and what a kiosk does with one it finds unfinished at start.
 * Pure: the back office and the kiosk's engine carry the decisions out. */
#ifndef CORE_COMMAND_H
#define CORE_COMMAND_H

#include <stdbool.h>

/* What a command asks of its meter. */
typedef enum mcmd {
    MCMD_RELAY_TRIP,     /* cut the supply */
    MCMD_RELAY_CLOSE,    /* restore it */
    MCMD_KEEP_POWER_ON,  /* keep the supply on whatever the balance */
    MCMD_KEEP_POWER_OFF, /* end keep-power-on */
    MCMD_SET_ALARMS,     /* alarm amounts 1 and 2 (minor units) */
    MCMD_SET_PRICES,     /* the meter's prices from a tariff */
    MCMD_CREDIT,         /* money taken centrally, credited through a sale (method central) */
    MCMD_REFUND,         /* take credit back */
    MCMD_OPEN_ACCOUNT,   /* open the meter's account with a first credit */
    MCMD_COUNT
} mcmd_t;

/* A command's state. The back office has queued, sent and cancelled; the
 * kiosk received and acting; both the final ones. */
typedef enum mcmd_state {
    MCMD_QUEUED,    /* back office: waiting for its kiosk to pick it up */
    MCMD_SENT,      /* back office: handed to the kiosk, outcome not known yet */
    MCMD_RECEIVED,  /* kiosk: recorded durably, not acted on */
    MCMD_ACTING,    /* kiosk: acting on the meter (it may have been told) */
    MCMD_DONE,      /* final: the meter did it */
    MCMD_FAILED,    /* final: the meter did not (nothing reached it, or it refused) */
    MCMD_REFUSED,   /* final: the kiosk would not run it (signature, kiosk, meter, kind) */
    MCMD_EXPIRED,   /* final: not run before its expiry */
    MCMD_UNKNOWN,   /* final: it may have reached the meter; the outcome says what a read showed */
    MCMD_CANCELLED, /* final: staff cancelled it while queued */
    MCMD_STATE_COUNT
} mcmd_state_t;

/* What happens to a command. */
typedef enum mcmd_event {
    MCMD_EV_SEND,    /* handed to the kiosk */
    MCMD_EV_RECEIVE, /* recorded by the kiosk */
    MCMD_EV_START,   /* the kiosk begins to act */
    MCMD_EV_DONE,
    MCMD_EV_FAIL,
    MCMD_EV_REFUSE,
    MCMD_EV_EXPIRE,
    MCMD_EV_LOST,    /* interrupted after it may have reached the meter */
    MCMD_EV_CANCEL,
    MCMD_EV_COUNT
} mcmd_event_t;

/* What a kiosk does at start with a command it recorded. */
typedef enum mcmd_restart {
    MCMD_RESTART_NOTHING,     /* final */
    MCMD_RESTART_RUN,         /* recorded, not acted on, not expired: run it */
    MCMD_RESTART_EXPIRE,      /* recorded, not acted on, expired: end it expired */
    MCMD_RESTART_FINISH_SALE, /* a credit whose sale exists: its outcome is the sale's (sale recovery) */
    MCMD_RESTART_READ,        /* possibly sent: never again; read the meter and end it unknown */
    MCMD_RESTART_SETTLE_REFUND, /* a refund possibly sent: never again; the meter's purchase count settles it */
} mcmd_restart_t;

/* The stored name of a command ("relay_trip"); "?" out of range. */
const char *mcmd_name(mcmd_t c);

/* Looks a command up by name; false if unknown. */
bool mcmd_from_name(const char *name, mcmd_t *out);

/* Whether the command moves money (through a sale). */
bool mcmd_is_money(mcmd_t c);

/* The stored name of a state ("queued"); "?" out of range. */
const char *mcmd_state_name(mcmd_state_t s);

/* Looks a state up by name; false if unknown. */
bool mcmd_state_from_name(const char *name, mcmd_state_t *out);

/* Whether a state is final: nothing more happens to the command. */
bool mcmd_state_final(mcmd_state_t s);

/* The state an event leads to from s, or MCMD_STATE_COUNT when the table
 * has no such transition (the event is refused). */
mcmd_state_t mcmd_next(mcmd_state_t s, mcmd_event_t ev);

/* Whether the back office takes a kiosk's reported outcome `to` for a
 * command it holds in state `from`: the kiosk's word is final for a
 * command not final at the back office (an expiry the back office noted
 * gives way to what the kiosk did). */
bool mcmd_outcome_takes(mcmd_state_t from, mcmd_state_t to);

/* What to do at start with command c found in state s; expired: its
 * expiry has passed by the kiosk's clock; has_sale: a credit's sale is
 * recorded with it. */
mcmd_restart_t mcmd_restart(mcmd_state_t s, mcmd_t c, bool expired, bool has_sale);

#endif
