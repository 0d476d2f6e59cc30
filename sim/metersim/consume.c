/* Simulated time and consumption. Energy and money are integers all the
 * way: power x hourly factor x time accumulates in W x percent x ms until
 * it makes a whole Wh, and the cost of each Wh accumulates in 1/10^7 minor
 * units (tariff.h) until it makes a whole minor unit. */
#include <time.h>

#include "base/log.h"
#include "sim/metersim/msim.h"

__extension__ typedef __int128 i128;

#define WH_UNITS ((int64_t)3600 * 1000 * 100) /* W x ms x percent in one Wh */
#define COST_DIVISOR ((int64_t)TARIFF_MILLI * TARIFF_PRICE_SCALE)
#define MINUTE_MS 60000

/* Local time of day and month at simulated time t. */
typedef struct when {
    unsigned minute; /* of the day */
    int hour;
    int month;       /* year * 12 + month - 1 */
} when_t;

static when_t when_at(int64_t t_ms)
{
    time_t t = (time_t)(t_ms / 1000);
    struct tm tm;
    when_t w = {0, 0, 0};
    if (localtime_r(&t, &tm)) {
        w.minute = (unsigned)(tm.tm_hour * 60 + tm.tm_min);
        w.hour = tm.tm_hour;
        w.month = (tm.tm_year + 1900) * 12 + tm.tm_mon;
    }
    return w;
}

/* Wh until the price changes: the rest of the monthly step (tiered), or
 * no limit. */
static int64_t step_room(const tariff_t *t, int64_t used)
{
    if (t->kind != TARIFF_TIERED)
        return INT64_MAX;
    for (size_t i = 0; i < t->n_tiers; i++)
        if (t->tier[i].upto == TARIFF_UNBOUNDED || used < t->tier[i].upto)
            return t->tier[i].upto == TARIFF_UNBOUNDED ? INT64_MAX : t->tier[i].upto - used;
    return INT64_MAX;
}

/* Takes the exact cost of wh from the balance, step by step. */
static void charge(msim_meter_t *m, int64_t wh, unsigned minute)
{
    i128 cost = m->cost_rem;
    while (wh > 0) {
        int64_t take = step_room(&m->tariff, m->month_used);
        if (take > wh)
            take = wh;
        cost += (i128)take * tariff_price_at(&m->tariff, minute, m->month_used);
        m->month_used += take;
        wh -= take;
    }
    m->balance -= (int64_t)(cost / COST_DIVISOR);
    m->cost_rem = (int64_t)(cost % COST_DIVISOR);
}

static void trip_if_empty(msim_t *s, msim_meter_t *m)
{
    if (m->relay_open || m->keep_power || m->balance > -m->overdraft_limit)
        return;
    m->relay_open = true;
    m->close_armed = false;
    LOG_I(MSIM_LOG, "meter %s: balance %lld, relay tripped", m->addr, (long long)m->balance);
    msim_changed(s);
}

static void book_at(msim_t *s, msim_meter_t *m, int64_t wh, const when_t *w)
{
    if (m->month != w->month) {
        m->month = w->month;
        m->month_used = 0;
    }
    m->energy_total += wh;
    if (m->kind == MSIM_ELECTRICITY && m->rates == MSIM_RATES_TOU) {
        tou_band_t band = m->tariff.kind == TARIFF_TOU ? tariff_band_at(&m->tariff, w->minute) : BAND_FLAT;
        m->energy_band[band] += wh;
    }
    charge(m, wh, w->minute);
    s->dirty = true;
    trip_if_empty(s, m);
}

void msim_book(msim_t *s, msim_meter_t *m, int64_t wh)
{
    when_t w = when_at(s->sim_ms);
    book_at(s, m, wh, &w);
}

/* Consumption of m over span_ms of simulated time within one minute. */
static void flow(msim_t *s, msim_meter_t *m, int64_t span_ms, const when_t *w)
{
    if (m->relay_open || m->power_w <= 0)
        return;
    m->energy_rem += m->power_w * m->factor[w->hour] * span_ms;
    s->dirty = true;
    int64_t wh = m->energy_rem / WH_UNITS;
    m->energy_rem %= WH_UNITS;
    if (wh > 0)
        book_at(s, m, wh, w);
}

void msim_advance(msim_t *s, int64_t mono_ms)
{
    int64_t dt = mono_ms - s->tick_mono_ms;
    if (dt <= 0)
        return;
    s->tick_mono_ms = mono_ms;
    int64_t end = s->sim_ms + dt * s->speed;
    while (s->sim_ms < end) {
        int64_t next = (s->sim_ms / MINUTE_MS + 1) * MINUTE_MS;
        if (next > end)
            next = end;
        when_t w = when_at(s->sim_ms);
        for (size_t i = 0; i < s->n; i++)
            flow(s, &s->meters[i], next - s->sim_ms, &w);
        s->sim_ms = next;
        if (next % MINUTE_MS == 0 && when_at(next).minute == 0)
            for (size_t i = 0; i < s->n; i++)
                msim_freeze(&s->meters[i], next); /* the daily freeze at local midnight */
    }
}

int64_t msim_power_now(const msim_t *s, const msim_meter_t *m)
{
    if (m->relay_open)
        return 0;
    return m->power_w * m->factor[when_at(s->sim_ms).hour] / 100;
}
