/* A meter's tariff over time: the tariffs document (docs/sync.md) may give
 * one tariff id several versions, each in force from its effective time
 * on; the one that applies at a time t is the latest whose effective time
 * is at or before t, and the older one applies until then. Pure. */
#ifndef CORE_TARIFF_PLAN_H
#define CORE_TARIFF_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/meter_kind.h"
#include "core/tariff.h"

/* A version with no effective time has always been in force. */
#define TARIFF_ALWAYS INT64_MIN

/* Which of n versions, with the given effective times (ms since the
 * epoch, or TARIFF_ALWAYS), applies at at_ms: the one with the latest
 * effective time not after at_ms (of equal times, the later in the list).
 * -1 when every version is still to come. */
int tariff_version_at(const int64_t *from_ms, size_t n, int64_t at_ms);

/* The tariff a meter is sold under, and what an estimate needs with it. */
typedef struct meter_tariff {
    char id[33];       /* the document's id ("home"); "" for the configuration's fallback */
    tariff_t tariff;
    int64_t from_ms;   /* in force since (TARIFF_ALWAYS: always) */
    tariff_ctx_t ctx;  /* month_used for tiered tariffs */
} meter_tariff_t;

/* What `minor` buys under a meter's tariff, rounded down (docs/money.md);
 * false if it cannot be said (no tariff, overflow). */
bool meter_tariff_estimate(const meter_tariff_t *t, int64_t minor, int64_t *milli);

/* A price (1/10000 minor unit per unit) in major units with the
 * currency's `exponent` decimals and as many more as it needs, at most
 * four: 528300 at exponent 2 is "0.5283", 4100000 is "4.10". */
void tariff_price_text(int64_t price, unsigned exponent, char out[32]);

/* The lowest and highest price of a tariff (equal for a single rate). */
void tariff_price_range(const tariff_t *t, int64_t *lo, int64_t *hi);

#endif
