/* The state file, written: every meter as JSON with exact integers
 * (kjson), saved atomically. The format is in docs/sim/metersim.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/kjson.h"
#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/common/simjson.h"
#include "sim/metersim/msim.h"

static bool add_bool(cJSON *o, const char *name, bool v)
{
    return cJSON_AddBoolToObject(o, name, v) != NULL;
}

/* Journal entry i of the msim_meter_t ctx. */
static cJSON *credit_json(const void *ctx, size_t i)
{
    const msim_credit_t *c = &((const msim_meter_t *)ctx)->journal[i];
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_int(o, "count", c->count) && kjson_add_int(o, "amount", c->amount) &&
              kjson_add_int(o, "balance_after", c->balance_after) &&
              kjson_add_str(o, "kind", c->kind) && (!c->detail[0] || kjson_add_str(o, "detail", c->detail)) &&
              kjson_add_str(o, "protocol", c->protocol) && kjson_add_int(o, "time_ms", c->time_ms) &&
              kjson_add_time(o, "time", c->time_ms);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

static bool add_energy(cJSON *o, const msim_meter_t *m)
{
    cJSON *e = cJSON_AddObjectToObject(o, "energy");
    bool ok = e && kjson_add_int(e, "total", m->energy_total);
    for (int b = 0; ok && b < BAND_COUNT; b++)
        ok = kjson_add_int(e, tariff_band_name((tou_band_t)b), m->energy_band[b]);
    return ok;
}

static bool add_flags(cJSON *o, const msim_meter_t *m)
{
    cJSON *f = cJSON_AddObjectToObject(o, "flags");
    return f && add_bool(f, "cover", m->tamper & MSIM_T_COVER) &&
           add_bool(f, "terminal", m->tamper & MSIM_T_TERMINAL) &&
           add_bool(f, "magnetic", m->tamper & MSIM_T_MAGNETIC) &&
           add_bool(f, "reverse", m->tamper & MSIM_T_REVERSE) && add_bool(f, "low_balance", msim_low_balance(m)) &&
           add_bool(f, "pretrip", msim_pretrip(m));
}

static bool add_profile(cJSON *o, const msim_meter_t *m)
{
    cJSON *a = kjson_add_int(o, "power_w", m->power_w) ? cJSON_AddArrayToObject(o, "hourly_factors") : NULL;
    bool ok = a != NULL;
    for (int h = 0; ok && h < 24; h++) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)m->factor[h]);
        cJSON *v = cJSON_CreateRaw(buf);
        ok = v && cJSON_AddItemToArray(a, v);
        if (!ok)
            cJSON_Delete(v);
    }
    return ok;
}

static bool add_money(cJSON *o, const msim_meter_t *m)
{
    return kjson_add_int(o, "balance", m->balance) && kjson_add_int(o, "overdraft_limit", m->overdraft_limit) &&
           kjson_add_int(o, "hoarding_limit", m->hoarding_limit) &&
           kjson_add_int(o, "low_balance_threshold", m->alarm_threshold) &&
           kjson_add_int(o, "purchase_count", m->count) && kjson_add_int(o, "purchased_total", m->purchased);
}

static bool add_remainders(cJSON *o, const msim_meter_t *m)
{
    char month[16] = "";
    if (m->month > 0)
        snprintf(month, sizeof month, "%04d-%02d", m->month / 12, m->month % 12 + 1);
    return kjson_add_int(o, "energy_remainder", m->energy_rem) && kjson_add_int(o, "cost_remainder", m->cost_rem) &&
           kjson_add_str(o, "month", month) && kjson_add_int(o, "month_used", m->month_used);
}

/* The meter card it is bound to ("" and 0 while none). */
static bool add_card(cJSON *o, const msim_meter_t *m)
{
    return kjson_add_str(o, "card_serial", m->card_serial) && kjson_add_int(o, "card_generation", m->card_generation);
}

static bool add_ints(cJSON *o, const char *name, const int64_t *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, name);
    bool ok = a != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)v[i]);
        cJSON *x = cJSON_CreateRaw(buf);
        ok = x && cJSON_AddItemToArray(a, x);
        if (!ok)
            cJSON_Delete(x);
    }
    return ok;
}

/* What commands wrote: keep power, alarm amounts, prices, the day table
 * ([minute, tariff] pairs), and the last daily freeze. */
static bool add_settings(cJSON *o, const msim_meter_t *m)
{
    int64_t table[2 * MSIM_MAX_PERIODS];
    for (size_t i = 0; i < m->n_periods; i++) {
        table[2 * i] = m->period[i].minute;
        table[2 * i + 1] = m->period[i].tariff;
    }
    cJSON *f = NULL;
    bool ok = add_bool(o, "keep_power", m->keep_power) && add_ints(o, "alarm_amounts", m->alarm_amount, 2) &&
              add_ints(o, "prices", m->price, BAND_COUNT) && add_ints(o, "day_table", table, 2 * m->n_periods) &&
              add_bool(o, "freezes", m->freezes) && (f = cJSON_AddObjectToObject(o, "frozen")) != NULL &&
              kjson_add_int(f, "time_ms", m->frozen_ms) && kjson_add_int(f, "total", m->frozen_total);
    for (int b = 0; ok && b < BAND_COUNT; b++)
        ok = kjson_add_int(f, tariff_band_name((tou_band_t)b), m->frozen_band[b]);
    return ok;
}

static cJSON *meter_json(const msim_meter_t *m)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "address", m->addr) && kjson_add_int(o, "unit", m->unit) &&
              kjson_add_str(o, "customer", m->customer) && add_card(o, m) &&
              kjson_add_str(o, "kind", m->kind == MSIM_WATER ? "water" : "electricity") &&
              kjson_add_str(o, "rates", msim_rates_name(m->rates)) &&
              kjson_add_str(o, "tariff", m->tariff_text) && add_money(o, m) && add_energy(o, m) &&
              kjson_add_str(o, "relay", m->relay_open ? "open" : "closed") &&
              add_bool(o, "trip_commanded", m->trip_commanded) && add_bool(o, "close_armed", m->close_armed) &&
              add_flags(o, m) && add_bool(o, "suspended", m->suspended) && add_bool(o, "online", !m->offline) &&
              add_profile(o, m) && add_remainders(o, m) && add_settings(o, m) && simjson_add_list(o, "journal", m->n_journal, credit_json, m);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

static cJSON *state_json(const msim_t *s, const msim_meter_t *one)
{
    if (one)
        return meter_json(one);
    cJSON *o = cJSON_CreateObject();
    cJSON *a = o ? cJSON_CreateArray() : NULL;
    bool ok = a && kjson_add_str(o, "format", "metersim-state") && kjson_add_int(o, "version", 1) &&
              kjson_add_str(o, "currency", s->currency) && kjson_add_int(o, "sim_time_ms", s->sim_ms) &&
              kjson_add_time(o, "sim_time", s->sim_ms) && cJSON_AddItemToObject(o, "meters", a);
    if (!ok)
        cJSON_Delete(a);
    for (size_t i = 0; ok && i < s->n; i++) {
        cJSON *m = meter_json(&s->meters[i]);
        ok = m && cJSON_AddItemToArray(a, m);
        if (!ok)
            cJSON_Delete(m);
    }
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

char *msim_state_json(const msim_t *s, const msim_meter_t *one)
{
    cJSON *o = state_json(s, one);
    char *text = o ? kjson_print(o, false) : NULL;
    cJSON_Delete(o);
    return text;
}

bool msim_state_save(msim_t *s)
{
    cJSON *o = state_json(s, NULL);
    char *text = o ? kjson_print(o, true) : NULL;
    cJSON_Delete(o);
    if (!text) {
        LOG_E(MSIM_LOG, "out of memory writing the state");
        return false;
    }
    bool ok = simio_write_file(s->state_path, text);
    if (!ok)
        LOG_E(MSIM_LOG, "cannot write the state file %s: %s", s->state_path, strerror(errno));
    free(text);
    if (ok) {
        s->dirty = false;
        s->saved_mono_ms = kclock_mono(NULL);
    }
    return ok;
}

void msim_changed(msim_t *s)
{
    s->dirty = true;
    msim_state_save(s);
}

void msim_state_free(msim_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->meters[i].journal);
    free(s->meters);
    s->meters = NULL;
    s->n = 0;
}
