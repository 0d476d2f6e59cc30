/* Usage inspection: the seed systems' anti-theft checks, run on every full
 * meter reading against the one before it. Pure: the caller supplies both
 * readings and what this kiosk credited in between. */
#ifndef CORE_INSPECT_H
#define CORE_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Meter status flags, as the inspection sees them. */
enum {
    METER_COVER = 1 << 0,       /* meter cover opened */
    METER_TERMINAL = 1 << 1,    /* terminal cover opened */
    METER_MAGNETIC = 1 << 2,    /* magnetic interference */
    METER_REVERSE = 1 << 3,     /* reverse energy */
};

typedef struct meter_snapshot {
    int64_t at;           /* ms since the epoch */
    int64_t energy;       /* total, milli-units (Wh) */
    int64_t balance;      /* minor units */
    uint32_t count;       /* purchase count */
    bool relay_open;
    uint32_t flags;       /* METER_* */
} meter_snapshot_t;

/* What this kiosk did to the meter between the two readings. */
typedef struct inspect_between {
    int64_t credited;  /* money credited */
    uint32_t credits;  /* credits applied (purchase counts used) */
    bool relay_closed; /* a close command was sent */
} inspect_between_t;

typedef enum alert_kind {
    ALERT_ENERGY_BACKWARDS,  /* the energy register went down */
    ALERT_ENERGY_WHILE_OPEN, /* energy rose while the relay stayed open */
    ALERT_TAMPER,            /* cover or terminal cover opened */
    ALERT_MAGNETIC,          /* magnetic interference */
    ALERT_REVERSE,           /* reverse energy */
    ALERT_BALANCE_ROSE,      /* balance rose more than this kiosk credited */
    ALERT_COUNT_JUMP,        /* purchase count rose more than this kiosk's credits */
    ALERT_CUT_WITH_CREDIT,   /* relay open although the balance is above zero */
    ALERT_KIND_COUNT
} alert_kind_t;

typedef enum alert_severity { SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_CRITICAL } alert_severity_t;

typedef struct inspect_alert {
    alert_kind_t kind;
    alert_severity_t severity;
    char evidence[200]; /* the numbers that raised it, for a person */
} inspect_alert_t;

#define INSPECT_MAX_ALERTS ALERT_KIND_COUNT

/* Energy may read up to this much higher with the relay open (register
 * resolution and the moment of tripping), in milli-units. */
#define INSPECT_OPEN_TOLERANCE 10

/* Returns the snake_case name of an alert kind ("energy_backwards"). */
const char *inspect_alert_name(alert_kind_t k);

/* Returns "info", "warning" or "critical". */
const char *inspect_severity_name(alert_severity_t s);

/* Compares now with prev (NULL for a meter's first reading) and writes the
 * alerts raised into out; returns how many. A flag raises an alert only
 * when it appears, not on every reading while it stays set. */
size_t inspect_readings(const meter_snapshot_t *prev, const meter_snapshot_t *now, const inspect_between_t *between,
                        inspect_alert_t out[INSPECT_MAX_ALERTS]);

#endif
