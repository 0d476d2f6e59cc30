/* The state file, read: every field is checked and a wrong one is named
 * with its meter. Fields left out take the defaults of a new meter, so a
 * test can write a short file by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "sim/common/simhex.h"
#include "sim/common/simjson.h"
#include "sim/metersim/msim.h"

#define MAX_STATE_BYTES ((size_t)256 << 20)
#define STATE_FILE "the state file"

static kerr_t get_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, int64_t *out, const simjson_at_t *w)
{
    return simjson_int(o, name, lo, hi, 0, out, w);
}

static kerr_t get_int32(const cJSON *o, const char *name, int64_t lo, int64_t hi, int *out, const simjson_at_t *w)
{
    int64_t v = *out;
    kerr_t rc = get_int(o, name, lo, hi, &v, w);
    *out = (int)v;
    return rc;
}

static kerr_t get_u32(const cJSON *o, const char *name, uint32_t *out, const simjson_at_t *w)
{
    int64_t v = *out;
    kerr_t rc = get_int(o, name, 0, UINT32_MAX, &v, w);
    *out = (uint32_t)v;
    return rc;
}

static kerr_t load_energy(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    static const char *const names[] = {"total", "sharp", "peak", "flat", "valley", NULL};
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "energy");
    if (!e)
        return K_OK;
    if (!cJSON_IsObject(e))
        return simjson_bad(w, "energy", "must be an object");
    kerr_t rc = simjson_only_known(e, names, w);
    rc = rc ? rc : get_int(e, "total", 0, INT64_MAX / 2, &m->energy_total, w);
    for (int b = 0; !rc && b < BAND_COUNT; b++)
        rc = get_int(e, names[b + 1], 0, INT64_MAX / 2, &m->energy_band[b], w);
    return rc;
}

static kerr_t load_flags(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    static const char *const names[] = {"cover", "terminal", "magnetic", "reverse", "low_balance", "pretrip", NULL};
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "flags");
    if (!f)
        return K_OK;
    if (!cJSON_IsObject(f))
        return simjson_bad(w, "flags", "must be an object");
    kerr_t rc = simjson_only_known(f, names, w);
    for (unsigned bit = 0; !rc && bit < 4; bit++) {
        bool on = m->tamper & (1u << bit);
        rc = simjson_bool(f, names[bit], &on, w);
        m->tamper = on ? m->tamper | (1u << bit) : m->tamper & ~(1u << bit);
    }
    return rc; /* low_balance and pretrip follow from the balance */
}

static kerr_t load_factors(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "hourly_factors");
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 24)
        return simjson_bad(w, "hourly_factors", "must be a list of 24 percentages");
    int h = 0;
    for (const cJSON *it = a->child; it; it = it->next, h++) {
        int64_t v;
        if (!simjson_exact_int(it, &v) || v < 0 || v > MSIM_MAX_FACTOR)
            return simjson_bad(w, "hourly_factors", "must hold whole percentages 0..1000");
        m->factor[h] = v;
    }
    return K_OK;
}

/* Journal entry n into the msim_meter_t ctx. */
static kerr_t load_credit(const cJSON *o, size_t n, const simjson_at_t *w, void *ctx)
{
    msim_meter_t *m = ctx;
    (void)n;
    static const char *const names[] = {"count",   "amount", "balance_after", "kind", "detail",
                                        "protocol", "time_ms", "time",         NULL};
    msim_credit_t c = {.protocol = "dlt645", .kind = "recharge"};
    kerr_t rc = cJSON_IsObject(o) ? simjson_only_known(o, names, w) : simjson_bad(w, "journal", "must hold objects");
    rc = rc ? rc : get_u32(o, "count", &c.count, w);
    rc = rc ? rc : get_int(o, "amount", 0, UINT32_MAX, &c.amount, w);
    rc = rc ? rc : get_int(o, "balance_after", INT64_MIN / 2, INT64_MAX / 2, &c.balance_after, w);
    rc = rc ? rc : get_int(o, "time_ms", 0, INT64_MAX / 2, &c.time_ms, w);
    rc = rc ? rc : simjson_text(o, "kind", c.kind, sizeof c.kind, w);
    rc = rc ? rc : simjson_text(o, "detail", c.detail, sizeof c.detail, w);
    rc = rc ? rc : simjson_text(o, "protocol", c.protocol, sizeof c.protocol, w);
    if (!rc && !msim_journal_add(m, &c))
        rc = kmsg_set(w->msg, K_EIO, "out of memory");
    return rc;
}

static kerr_t load_kind_and_relay(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    char kind[16] = "", relay[16] = "", rates[16] = "";
    kerr_t rc = simjson_text(o, "kind", kind, sizeof kind, w);
    rc = rc ? rc : simjson_text(o, "relay", relay, sizeof relay, w);
    rc = rc ? rc : simjson_text(o, "rates", rates, sizeof rates, w);
    if (!rc && kind[0] && strcmp(kind, "electricity") != 0 && strcmp(kind, "water") != 0)
        return simjson_bad(w, "kind", "must be electricity or water");
    if (!rc && rates[0] && !msim_rates_parse(rates, &m->rates))
        return simjson_bad(w, "rates", "must be tou or single");
    if (!rc && relay[0] && strcmp(relay, "open") != 0 && strcmp(relay, "closed") != 0)
        return simjson_bad(w, "relay", "must be open or closed");
    if (kind[0])
        m->kind = strcmp(kind, "water") == 0 ? MSIM_WATER : MSIM_ELECTRICITY;
    if (relay[0])
        m->relay_open = strcmp(relay, "open") == 0;
    return rc;
}

static kerr_t load_month(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    char month[16] = "";
    int y, mo;
    kerr_t rc = simjson_text(o, "month", month, sizeof month, w);
    if (rc || !month[0])
        return rc;
    if (sscanf(month, "%4d-%2d", &y, &mo) != 2 || mo < 1 || mo > 12)
        return simjson_bad(w, "month", "must be YYYY-MM");
    m->month = y * 12 + mo - 1;
    return K_OK;
}

static kerr_t load_numbers(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    kerr_t rc = get_int32(o, "unit", 0, MSIM_MAX_UNIT, &m->unit, w);
    rc = rc ? rc : get_int(o, "balance", INT32_MIN, INT32_MAX, &m->balance, w);
    rc = rc ? rc : get_int(o, "overdraft_limit", 0, INT32_MAX, &m->overdraft_limit, w);
    rc = rc ? rc : get_int(o, "hoarding_limit", 0, INT32_MAX, &m->hoarding_limit, w);
    rc = rc ? rc : get_int(o, "low_balance_threshold", 0, INT32_MAX, &m->alarm_threshold, w);
    rc = rc ? rc : get_u32(o, "purchase_count", &m->count, w);
    rc = rc ? rc : get_int(o, "purchased_total", 0, INT64_MAX / 2, &m->purchased, w);
    rc = rc ? rc : get_int(o, "power_w", 0, MSIM_MAX_POWER, &m->power_w, w);
    rc = rc ? rc : get_int(o, "energy_remainder", 0, (int64_t)3600 * 1000 * 100 - 1, &m->energy_rem, w);
    rc = rc ? rc : get_int(o, "cost_remainder", 0, (int64_t)TARIFF_MILLI * TARIFF_PRICE_SCALE - 1, &m->cost_rem, w);
    rc = rc ? rc : get_int(o, "month_used", 0, INT64_MAX / 2, &m->month_used, w);
    return rc;
}

static kerr_t load_flags_and_bools(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    bool online = !m->offline;
    kerr_t rc = simjson_bool(o, "trip_commanded", &m->trip_commanded, w);
    rc = rc ? rc : simjson_bool(o, "close_armed", &m->close_armed, w);
    rc = rc ? rc : simjson_bool(o, "suspended", &m->suspended, w);
    rc = rc ? rc : simjson_bool(o, "online", &online, w);
    m->offline = !online;
    return rc ? rc : load_flags(o, m, w);
}

/* The bound card: "" (none) or 16 hex digits, kept upper-case; its
 * generation 0..255. Older files have neither: no card. */
static kerr_t load_card(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    int64_t gen = m->card_generation;
    kerr_t rc = simjson_text(o, "card_serial", m->card_serial, sizeof m->card_serial, w);
    rc = rc ? rc : get_int(o, "card_generation", 0, 255, &gen, w);
    if (rc)
        return rc;
    uint8_t serial[(MSIM_SERIAL_LEN - 1) / 2];
    if (m->card_serial[0] && !simhex_decode(m->card_serial, serial, sizeof serial))
        return simjson_bad(w, "card_serial", "must be 16 hex digits, or \"\" when no card is bound");
    if (m->card_serial[0])
        simhex_encode(serial, sizeof serial, m->card_serial); /* kept upper-case */
    m->card_generation = (uint8_t)gen;
    return K_OK;
}

static kerr_t check_numbers(msim_meter_t *m, const msim_t *s, const simjson_at_t *w)
{
    if (!msim_bcd12_from_text(m->addr, m->wire_addr))
        return simjson_bad(w, "address", "must be 12 digits");
    if (m->customer[0] && (strlen(m->customer) != 12 || strspn(m->customer, "0123456789") != 12))
        return simjson_bad(w, "customer", "must be 12 digits, or \"\" before the account is opened");
    kmsg_t why;
    if (tariff_parse(m->tariff_text, s->exponent, &m->tariff, &why) != K_OK ||
        tariff_validate(&m->tariff, &why) != K_OK)
        return kmsg_set(w->msg, K_EINVAL, "meter %s: tariff '%s': %s", m->addr, m->tariff_text, why.text);
    return K_OK;
}

/* A list of at most max whole numbers lo..hi; *n its length. */
static kerr_t load_ints(const cJSON *o, const char *name, size_t max, int64_t lo, int64_t hi, int64_t *out, size_t *n,
                        const simjson_at_t *w)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, name);
    *n = 0;
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) > max)
        return simjson_bad(w, name, "must be a list of whole numbers");
    for (const cJSON *it = a->child; it; it = it->next) {
        int64_t v;
        if (!simjson_exact_int(it, &v) || v < lo || v > hi)
            return simjson_bad(w, name, "holds a number out of range");
        out[(*n)++] = v;
    }
    return K_OK;
}

/* keep_power, alarm_amounts, prices, day_table, freezes, frozen. */
static kerr_t load_settings(const cJSON *o, msim_meter_t *m, const simjson_at_t *w)
{
    int64_t v[2 * MSIM_MAX_PERIODS];
    size_t n;
    kerr_t rc = simjson_bool(o, "keep_power", &m->keep_power, w);
    rc = rc ? rc : simjson_bool(o, "freezes", &m->freezes, w);
    rc = rc ? rc : load_ints(o, "alarm_amounts", 2, 0, UINT32_MAX, m->alarm_amount, &n, w);
    rc = rc ? rc : load_ints(o, "prices", BAND_COUNT, 0, UINT32_MAX, m->price, &n, w);
    rc = rc ? rc : load_ints(o, "day_table", 2 * MSIM_MAX_PERIODS, 0, 1439, v, &n, w);
    if (rc)
        return rc;
    if (n % 2)
        return simjson_bad(w, "day_table", "must hold [minute, tariff] pairs");
    m->n_periods = n / 2;
    for (size_t i = 0; i < m->n_periods; i++)
        m->period[i] = (msim_period_t){.minute = (uint16_t)v[2 * i], .tariff = (uint8_t)(v[2 * i + 1] % 256)};
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "frozen");
    if (!f)
        return K_OK;
    static const char *const names[] = {"time_ms", "total", "sharp", "peak", "flat", "valley", NULL};
    rc = cJSON_IsObject(f) ? simjson_only_known(f, names, w) : simjson_bad(w, "frozen", "must be an object");
    rc = rc ? rc : get_int(f, "time_ms", 0, INT64_MAX / 4, &m->frozen_ms, w);
    rc = rc ? rc : get_int(f, "total", 0, INT64_MAX / 2, &m->frozen_total, w);
    for (int b = 0; !rc && b < BAND_COUNT; b++)
        rc = get_int(f, names[b + 2], 0, INT64_MAX / 2, &m->frozen_band[b], w);
    return rc;
}

/* Meter n (from 1) into the msim_t ctx, named by its address once read. */
static kerr_t load_meter(const cJSON *o, size_t n, const simjson_at_t *at, void *ctx)
{
    static const char *const names[] = {
        "address", "unit", "customer", "card_serial", "card_generation", "kind", "rates", "tariff", "balance",
        "overdraft_limit", "hoarding_limit", "low_balance_threshold", "purchase_count", "purchased_total",
        "energy", "relay", "trip_commanded", "close_armed", "flags", "suspended", "online", "power_w",
        "hourly_factors", "energy_remainder", "cost_remainder", "month", "month_used", "journal", "keep_power",
        "alarm_amounts", "prices", "day_table", "freezes", "frozen", NULL};
    msim_t *s = ctx;
    msim_meter_t *m = &s->meters[n - 1];
    simjson_at_t w = *at;
    s->n = n; /* freed with the others if it fails */
    if (!cJSON_IsObject(o))
        return kmsg_set(at->msg, K_EINVAL, "meter %zu is not an object", n);
    msim_meter_defaults(m, n - 1);
    m->addr[0] = '\0';
    kerr_t rc = simjson_text(o, "address", m->addr, sizeof m->addr, &w);
    if (!rc && m->addr[0])
        simjson_at(&w, "meter %s: ", m->addr);
    rc = rc ? rc : simjson_only_known(o, names, &w);
    rc = rc ? rc : simjson_text(o, "customer", m->customer, sizeof m->customer, &w);
    rc = rc ? rc : simjson_text(o, "tariff", m->tariff_text, sizeof m->tariff_text, &w);
    rc = rc ? rc : load_kind_and_relay(o, m, &w);
    rc = rc ? rc : load_numbers(o, m, &w);
    rc = rc ? rc : load_flags_and_bools(o, m, &w);
    rc = rc ? rc : load_energy(o, m, &w);
    rc = rc ? rc : load_factors(o, m, &w);
    rc = rc ? rc : load_month(o, m, &w);
    rc = rc ? rc : simjson_list(o, "journal", "journal entry", load_credit, m, &w);
    rc = rc ? rc : load_card(o, m, &w);
    rc = rc ? rc : load_settings(o, m, &w);
    return rc ? rc : check_numbers(m, s, &w);
}

/* Addresses and unit ids must be unique. */
static kerr_t check_unique(const msim_t *s, kmsg_t *msg)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < i; j++) {
            const msim_meter_t *a = &s->meters[i], *b = &s->meters[j];
            if (strcmp(a->addr, b->addr) == 0)
                return kmsg_set(msg, K_EINVAL, "meter %s appears twice", a->addr);
            if (a->unit && a->unit == b->unit)
                return kmsg_set(msg, K_EINVAL, "meters %s and %s both have unit %d", b->addr, a->addr, a->unit);
        }
    return K_OK;
}

static kerr_t load_top(const cJSON *root, const simjson_at_t *top, void *ctx)
{
    static const char *const names[] = {"format", "version", "currency", "sim_time_ms", "sim_time", "meters", NULL};
    msim_t *s = ctx;
    int64_t version = 1;
    kerr_t rc = simjson_only_known(root, names, top);
    rc = rc ? rc : get_int(root, "version", 1, 1, &version, top);
    rc = rc ? rc : simjson_text(root, "currency", s->currency, sizeof s->currency, top);
    rc = rc ? rc : get_int(root, "sim_time_ms", 0, INT64_MAX / 4, &s->sim_ms, top);
    if (rc)
        return rc;
    const currency_t *cur = currency_find(s->currency);
    if (!cur)
        return kmsg_set(top->msg, K_EINVAL, "currency '%s' is not an ISO 4217 code this program knows", s->currency);
    s->exponent = cur->exponent;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "meters");
    int n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : -1;
    if (n < 1 || n > MSIM_MAX_METERS)
        return kmsg_set(top->msg, K_EINVAL, "'meters' must be a list of 1..%d meters", MSIM_MAX_METERS);
    if (!(s->meters = calloc((size_t)n, sizeof *s->meters)))
        return kmsg_set(top->msg, K_EIO, "out of memory");
    rc = simjson_list(root, "meters", "meter number", load_meter, s, top);
    return rc ? rc : check_unique(s, top->msg);
}

kerr_t msim_state_load(msim_t *s, kmsg_t *msg)
{
    snprintf(s->currency, sizeof s->currency, "CNY");
    kerr_t rc = simjson_read(s->state_path, MAX_STATE_BYTES, STATE_FILE, load_top, s, msg);
    if (rc)
        msim_state_free(s);
    return rc;
}

kerr_t msim_state_create(msim_t *s, size_t n, kmsg_t *msg)
{
    snprintf(s->currency, sizeof s->currency, "CNY");
    s->exponent = 2;
    if (!(s->meters = calloc(n, sizeof *s->meters)))
        return kmsg_set(msg, K_EIO, "out of memory");
    s->n = n;
    for (size_t i = 0; i < n; i++) {
        msim_meter_defaults(&s->meters[i], i);
        if (tariff_parse(s->meters[i].tariff_text, s->exponent, &s->meters[i].tariff, msg) != K_OK)
            return K_EINVAL;
    }
    return K_OK;
}
