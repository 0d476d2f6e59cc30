/* The control port's `set ADDR FIELD VALUE`: one small setter per field,
 * each checking its value before it touches the meter. */
#include <stdlib.h>
#include <string.h>

#include "sim/metersim/msim.h"

#define MAX_ENERGY_WH 1000000000000000LL

typedef const char *(*setter_fn)(msim_t *s, msim_meter_t *m, const char *v);

static const char *set_balance(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return simio_parse_int(v, INT32_MIN, INT32_MAX, &m->balance) ? NULL : "balance is whole minor units (32-bit signed)";
}

static const char *set_count(msim_t *s, msim_meter_t *m, const char *v)
{
    int64_t n;
    (void)s;
    if (!simio_parse_int(v, 0, UINT32_MAX, &n))
        return "count is 0..4294967295";
    m->count = (uint32_t)n;
    return NULL;
}

static const char *set_relay(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    if (strcmp(v, "open") != 0 && strcmp(v, "closed") != 0)
        return "relay is open or closed";
    m->relay_open = strcmp(v, "open") == 0;
    m->close_armed = m->close_armed && m->relay_open;
    return NULL;
}

static const char *set_power(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return simio_parse_int(v, 0, MSIM_MAX_POWER, &m->power_w) ? NULL : "power is whole W 0..1000000";
}

/* on/off words into *out; false for another word. */
static bool on_off(const char *v, bool *out)
{
    bool on = strcmp(v, "on") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0;
    bool off = strcmp(v, "off") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "0") == 0;
    if (on || off)
        *out = on;
    return on || off;
}

static const char *set_suspended(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return on_off(v, &m->suspended) ? NULL : "suspended is on or off";
}

static const char *set_freezes(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return on_off(v, &m->freezes) ? NULL : "freezes is on (a daily freeze) or off (none: no such data)";
}

static const char *set_energy(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return simio_parse_int(v, 0, MAX_ENERGY_WH, &m->energy_total) ? NULL : "energy is the total in whole Wh";
}

static const char *set_customer(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    if (strcmp(v, "none") == 0) {
        m->customer[0] = '\0';
        return NULL;
    }
    if (strlen(v) != 12 || strspn(v, "0123456789") != 12)
        return "customer is 12 digits, or none";
    memcpy(m->customer, v, 13);
    return NULL;
}

static const char *set_tariff(msim_t *s, msim_meter_t *m, const char *v)
{
    static kmsg_t why;
    tariff_t t;
    why.text[0] = '\0';
    if (strlen(v) >= sizeof m->tariff_text || tariff_parse(v, s->exponent, &t, &why) != K_OK ||
        tariff_validate(&t, &why) != K_OK)
        return why.text[0] ? why.text : "not a tariff";
    m->tariff = t;
    memcpy(m->tariff_text, v, strlen(v) + 1);
    return NULL;
}

/* A water meter has no bands: its energy is litres, its relay the valve. */
static const char *set_kind(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    if (strcmp(v, "water") == 0)
        m->kind = MSIM_WATER;
    else if (strcmp(v, "electricity") == 0)
        m->kind = MSIM_ELECTRICITY;
    else
        return "kind is electricity or water";
    return NULL;
}

static const char *set_hoarding(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return simio_parse_int(v, 0, INT32_MAX, &m->hoarding_limit) ? NULL : "hoarding is whole minor units";
}

static const char *set_threshold(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return simio_parse_int(v, 0, INT32_MAX, &m->alarm_threshold) ? NULL : "threshold is whole minor units";
}

static const char *set_overdraft(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return simio_parse_int(v, 0, INT32_MAX, &m->overdraft_limit) ? NULL : "overdraft is whole minor units";
}

static const char *set_unit(msim_t *s, msim_meter_t *m, const char *v)
{
    int64_t u;
    if (!simio_parse_int(v, 0, MSIM_MAX_UNIT, &u))
        return "unit is 1..247, or 0 for none";
    const msim_meter_t *other = msim_find_unit(s, (int)u);
    if (other && other != m)
        return "another meter has that unit";
    m->unit = (int)u;
    return NULL;
}

static const char *set_rates(msim_t *s, msim_meter_t *m, const char *v)
{
    (void)s;
    return msim_rates_parse(v, &m->rates) ? NULL : "rates is tou (total and four bands) or single (total only)";
}

static const struct {
    const char *name;
    setter_fn fn;
} setters[] = {
    {"balance", set_balance},     {"count", set_count},         {"relay", set_relay},
    {"power", set_power},         {"suspended", set_suspended}, {"energy", set_energy},
    {"customer", set_customer},   {"tariff", set_tariff},       {"hoarding", set_hoarding},
    {"threshold", set_threshold}, {"overdraft", set_overdraft}, {"unit", set_unit},
    {"rates", set_rates},         {"freezes", set_freezes}, {"kind", set_kind},
};

const char *msim_set_field(msim_t *s, msim_meter_t *m, const char *field, const char *value)
{
    for (size_t i = 0; i < sizeof setters / sizeof setters[0]; i++)
        if (strcmp(setters[i].name, field) == 0)
            return setters[i].fn(s, m, value);
    return "set knows balance, count, relay, power, suspended, energy, customer, tariff, hoarding, threshold, "
           "overdraft, unit, rates, freezes, kind";
}
