/* The meters' daily freezes as the day's scan read them (docs/collector.md,
 * "The day's figures"): one row per meter and freeze time, stored with its
 * outbox row (topic `frozen`) in one transaction; the same freeze read
 * again is stored once and uploaded once. */
#ifndef LEDGER_LEDGER_FROZEN_H
#define LEDGER_LEDGER_FROZEN_H

#include "ledger/ledger.h"

/* One freeze. The meter keeps its freeze time as local time by its own
 * clock; the kiosk reads that time in its own zone: at is that instant,
 * utc_offset_minutes the kiosk's offset then, local the meter's text. */
typedef struct ledger_frozen {
    char meter[LEDGER_METER_LEN];
    int64_t at;             /* ms since the epoch */
    int utc_offset_minutes; /* the kiosk's offset from UTC at `at` */
    char local[17];         /* "YYYY-MM-DD hh:mm", as the meter said */
    int64_t energy;         /* milli-units: Wh, or litres for water */
    int64_t bands[4];       /* sharp, peak, flat, valley */
    bool bands_absent;      /* a single-rate meter froze its total alone */
    int64_t read_at;        /* when the kiosk read it */
} ledger_frozen_t;

/* Stores f with its outbox row unless the meter's freeze at f->at is
 * stored already: *fresh says which. */
kerr_t ledger_record_frozen(ledger_t *l, const ledger_frozen_t *f, bool *fresh, kmsg_t *msg);

/* The freeze's time as ISO 8601 with the offset,
 * "YYYY-MM-DDThh:mm:00+hh:mm": the meter's local time and the kiosk's
 * offset (the outbox's "at"). */
void ledger_frozen_iso(const ledger_frozen_t *f, char out[32]);

#endif
