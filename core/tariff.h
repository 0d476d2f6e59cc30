/* Tariffs: single rate, time-of-use, and tiered (monthly steps).
 *
 * Units. Quantities are integer milli-units of what is sold: Wh for
 * electricity sold per kWh, litres for water sold per m3. Prices are integer
 * 1/10000ths of a minor unit per whole unit (0.5283 CNY/kWh = 52.83 fen/kWh
 * = 528300). So cost in minor units = milli * price / 10^7.
 *
 * Rounding rule (docs/money.md): energy for an amount rounds DOWN to the
 * whole milli-unit, so the kiosk never promises more than the money buys;
 * amount for an energy rounds UP to the whole minor unit, so the amount
 * quoted always buys at least that energy. Costs of metered usage are summed
 * exactly and rounded once, half up. */
#ifndef CORE_TARIFF_H
#define CORE_TARIFF_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/kmath.h"

#define TARIFF_PRICE_SCALE 10000 /* price units per minor unit */
#define TARIFF_MILLI 1000        /* quantity units per priced unit */
#define TARIFF_MAX_SWITCHES 24
#define TARIFF_MAX_TIERS 8

typedef enum tariff_kind { TARIFF_SINGLE, TARIFF_TOU, TARIFF_TIERED } tariff_kind_t;

/* Time-of-use bands, in the order meters number their tariff registers. */
typedef enum tou_band { BAND_SHARP, BAND_PEAK, BAND_FLAT, BAND_VALLEY, BAND_COUNT } tou_band_t;

/* From `minute` of the day (0..1439) on, the given band applies until the
 * next switch; the last switch of the day runs on past midnight. */
typedef struct tou_switch {
    uint16_t minute;
    tou_band_t band;
} tou_switch_t;

/* A monthly step: from the previous step's end up to `upto` (milli-units
 * consumed this month, exclusive), `price` applies. The last step has
 * upto = TARIFF_UNBOUNDED. */
#define TARIFF_UNBOUNDED INT64_MAX
typedef struct tariff_tier {
    int64_t upto;
    int64_t price;
} tariff_tier_t;

typedef struct tariff {
    tariff_kind_t kind;
    int64_t price;                    /* SINGLE */
    int64_t band_price[BAND_COUNT];   /* TOU */
    tou_switch_t sw[TARIFF_MAX_SWITCHES];
    size_t n_sw;
    tariff_tier_t tier[TARIFF_MAX_TIERS]; /* TIERED */
    size_t n_tiers;
} tariff_t;

/* What an estimate needs beyond the tariff itself. */
typedef struct tariff_ctx {
    int64_t month_used;          /* TIERED: milli-units already used this month */
    uint32_t weight[BAND_COUNT]; /* TOU: share of consumption per band; all 0 =
                                    spread evenly over the day's minutes */
} tariff_ctx_t;

/* Returns the name of a band ("sharp", "peak", "flat", "valley"). */
const char *tariff_band_name(tou_band_t band);

/* Checks a tariff for sense: prices >= 0 (and > 0 where money could buy
 * unlimited energy), switches sorted and within the day, tiers ascending,
 * last tier unbounded. */
kerr_t tariff_validate(const tariff_t *t, kmsg_t *msg);

/* Returns the band in force at minute_of_day (taken modulo 1440). */
tou_band_t tariff_band_at(const tariff_t *t, unsigned minute_of_day);

/* Returns the price per unit at that minute of the day, for a month in
 * which month_used milli-units were already consumed. */
int64_t tariff_price_at(const tariff_t *t, unsigned minute_of_day, int64_t month_used);

/* Energy (milli-units) that `minor` buys under t and ctx, rounded down. */
kerr_t tariff_energy_for_amount(const tariff_t *t, const tariff_ctx_t *ctx, int64_t minor,
                                int64_t *milli);

/* Amount (minor units) that buys at least `milli` under t and ctx. */
kerr_t tariff_amount_for_energy(const tariff_t *t, const tariff_ctx_t *ctx, int64_t milli,
                                int64_t *minor);

/* Cost of metered usage split by band (TOU), or of a month's usage starting
 * at ctx->month_used (SINGLE and TIERED use the sum of the bands), rounded
 * once with mode. */
kerr_t tariff_cost_bands(const tariff_t *t, const tariff_ctx_t *ctx, const int64_t milli[BAND_COUNT],
                         kround_t mode, int64_t *minor);

/* Parses a tariff written as text, prices in major units per unit of the
 * currency with `exponent` decimals (docs/money.md):
 *   "single 0.5283"
 *   "tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 at=00:00/valley,08:00/flat,..."
 *   "tiered 200:0.5283 400:0.5783 -:0.8283"   (kWh thresholds per month) */
kerr_t tariff_parse(const char *text, unsigned exponent, tariff_t *out, kmsg_t *msg);

#endif
