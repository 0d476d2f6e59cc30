/* A prepaid meter's own rules, the same for both protocols: the credit
 * checks of dlt645-prepaid ("Recharge and open account"), the relay, the
 * alarms. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/common/simarray.h"
#include "sim/common/simkey.h"
#include "sim/metersim/credit_mac.h"
#include "sim/metersim/msim.h"

#define DI_RECHARGE 0x070102FFu
#define DI_OPEN_ACCOUNT 0x070101FFu
#define DI_REFUND 0x070103FFu /* modbus-prepaid's refund MACs */

/* A household's day in percent of the average power; sums to 2400. */
static const int64_t default_factors[24] = {50,  40,  35,  35,  35,  45,  80,  120, 110, 90,  80,  80,
                                            100, 90,  80,  80,  90,  120, 190, 220, 210, 180, 140, 100};

void msim_meter_defaults(msim_meter_t *m, size_t i)
{
    memset(m, 0, sizeof *m);
    snprintf(m->addr, sizeof m->addr, "%012zu", i + 1);
    msim_bcd12_from_text(m->addr, m->wire_addr);
    m->unit = i < MSIM_MAX_UNIT ? (int)i + 1 : 0;
    snprintf(m->customer, sizeof m->customer, "%012llu", 100000000000ull + (unsigned long long)i + 1);
    m->kind = MSIM_ELECTRICITY;
    snprintf(m->tariff_text, sizeof m->tariff_text, "single 0.5283");
    m->hoarding_limit = 1000000;
    m->alarm_threshold = 1000;
    m->power_w = 500;
    memcpy(m->factor, default_factors, sizeof m->factor);
    m->mb_result[0] = 0xFFFF;
    m->freezes = true;
}

static const char *const rates_names[MSIM_RATES_COUNT] = {[MSIM_RATES_TOU] = "tou", [MSIM_RATES_SINGLE] = "single"};

const char *msim_rates_name(msim_rates_t r)
{
    return r < MSIM_RATES_COUNT ? rates_names[r] : "?";
}

bool msim_rates_parse(const char *name, msim_rates_t *out)
{
    for (int r = 0; r < MSIM_RATES_COUNT; r++)
        if (strcmp(name, rates_names[r]) == 0) {
            *out = (msim_rates_t)r;
            return true;
        }
    return false;
}

msim_meter_t *msim_find(msim_t *s, const char *addr)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->meters[i].addr, addr) == 0)
            return &s->meters[i];
    return NULL;
}

msim_meter_t *msim_find_wire(msim_t *s, const uint8_t wire[6])
{
    for (size_t i = 0; i < s->n; i++)
        if (memcmp(s->meters[i].wire_addr, wire, 6) == 0)
            return &s->meters[i];
    return NULL;
}

msim_meter_t *msim_find_unit(msim_t *s, int unit)
{
    for (size_t i = 0; unit > 0 && i < s->n; i++)
        if (s->meters[i].unit == unit)
            return &s->meters[i];
    return NULL;
}

bool msim_low_balance(const msim_meter_t *m)
{
    return m->balance < m->alarm_threshold;
}

bool msim_pretrip(const msim_meter_t *m)
{
    return m->balance < m->alarm_threshold / 2;
}

bool msim_journal_add(msim_meter_t *m, const msim_credit_t *c)
{
    msim_credit_t *j = simarray_room(m->journal, m->n_journal, &m->cap_journal, sizeof *j, 16);
    if (!j)
        return false;
    m->journal = j;
    m->journal[m->n_journal++] = *c;
    return true;
}

/* MAC1 and MAC2 under K_meter; without a master key nothing verifies. */
static bool macs_ok(const msim_t *s, const msim_meter_t *m, const msim_credit_req_t *r)
{
    msim_mac_input_t c = {.di = r->refund ? DI_REFUND : r->open_account ? DI_OPEN_ACCOUNT : DI_RECHARGE,
                          .amount = r->amount,
                          .count = r->count,
                          .operator_code = r->operator_code};
    memcpy(c.customer, r->customer, 6);
    uint8_t kmeter[16], mac1[MSIM_MAC_LEN], mac2[MSIM_MAC_LEN];
    bool ok = s->have_key && msim_mac_key(s->master, m->wire_addr, kmeter) && msim_mac_credit(kmeter, &c, mac1, mac2);
    memset(kmeter, 0, sizeof kmeter);
    return ok && simkey_same(mac1, r->mac1, MSIM_MAC_LEN) && simkey_same(mac2, r->mac2, MSIM_MAC_LEN);
}

/* The count and customer rules of an open account. */
static msim_result_t judge_open(const msim_meter_t *m, const msim_credit_req_t *r, const char *customer)
{
    if (m->customer[0] == '\0')
        return m->count == 0 && r->count == 1 ? MSIM_APPLIED : MSIM_COUNT_MISMATCH;
    if (strcmp(m->customer, customer) != 0)
        return MSIM_CUSTOMER;
    return r->count == m->count ? MSIM_REPEATED : MSIM_COUNT_MISMATCH;
}

/* The profile's checks, in this order: MAC, customer, count, suspended,
 * hoarding limit. */
static msim_result_t judge(const msim_t *s, const msim_meter_t *m, const msim_credit_req_t *r)
{
    char customer[MSIM_NUM_LEN];
    if (!macs_ok(s, m, r))
        return MSIM_MAC_FAILED;
    if (!msim_bcd12_to_text(r->customer, customer))
        return MSIM_CUSTOMER;
    msim_result_t v;
    if (r->open_account && !r->refund) {
        v = judge_open(m, r, customer);
    } else if (strcmp(m->customer, customer) != 0) {
        v = MSIM_CUSTOMER;
    } else {
        v = r->count == m->count                      ? MSIM_REPEATED
            : (uint64_t)r->count != (uint64_t)m->count + 1 ? MSIM_COUNT_MISMATCH
                                                      : MSIM_APPLIED;
    }
    if (v == MSIM_APPLIED && r->refund)
        return m->suspended ? MSIM_SUSPENDED : (int64_t)r->amount > m->balance ? MSIM_OVER_BALANCE : MSIM_APPLIED;
    return v != MSIM_APPLIED ? v : msim_credit_limits(m, r->amount);
}

msim_result_t msim_credit_limits(const msim_meter_t *m, int64_t amount)
{
    if (m->suspended)
        return MSIM_SUSPENDED;
    if (m->balance + amount > m->hoarding_limit)
        return MSIM_HOARDING;
    return MSIM_APPLIED;
}

void msim_book_credit(msim_meter_t *m, int64_t amount, uint32_t count, bool open_account, const char *protocol)
{
    m->balance += amount;
    m->purchased += amount;
    m->count = count;
    msim_credit_t c = {.count = m->count,
                       .amount = amount,
                       .balance_after = m->balance,
                       .time_ms = kclock_wall(NULL),
                       .kind = ""};
    snprintf(c.kind, sizeof c.kind, "%s", open_account ? "open_account" : "recharge");
    snprintf(c.protocol, sizeof c.protocol, "%s", protocol);
    if (!msim_journal_add(m, &c))
        LOG_E(MSIM_LOG, "meter %s: out of memory for the journal", m->addr);
}

void msim_book_refund(msim_meter_t *m, int64_t amount, uint32_t count, const char *protocol)
{
    m->balance -= amount;
    m->purchased = m->purchased > amount ? m->purchased - amount : 0;
    m->count = count;
    msim_credit_t c = {.count = count, .amount = amount, .balance_after = m->balance, .time_ms = kclock_wall(NULL),
                       .kind = "refund"};
    snprintf(c.protocol, sizeof c.protocol, "%s", protocol);
    if (!msim_journal_add(m, &c))
        LOG_E(MSIM_LOG, "meter %s: out of memory for the journal", m->addr);
}

static void apply(msim_t *s, msim_meter_t *m, const msim_credit_req_t *r)
{
    if (r->refund) {
        msim_book_refund(m, r->amount, r->count, r->protocol);
        msim_changed(s);
        return;
    }
    if (r->open_account)
        msim_bcd12_to_text(r->customer, m->customer);
    msim_book_credit(m, r->amount, r->open_account ? 1 : r->count, r->open_account, r->protocol);
    msim_changed(s);
}

msim_result_t msim_credit(msim_t *s, msim_meter_t *m, const msim_credit_req_t *req)
{
    msim_result_t v = judge(s, m, req);
    if (v == MSIM_APPLIED)
        apply(s, m, req);
    LOG_I(MSIM_LOG, "meter %s: %s of %u with count %u over %s: result %d (balance %lld, count %u)", m->addr,
          req->refund ? "refund" : req->open_account ? "open account" : "recharge", req->amount, req->count, req->protocol, (int)v,
          (long long)m->balance, m->count);
    return v;
}

msim_relay_result_t msim_relay(msim_t *s, msim_meter_t *m, unsigned code, const char *protocol)
{
    switch (code) {
    case 0x1A:
        if (m->keep_power) {
            LOG_I(MSIM_LOG, "meter %s: trip refused, the meter keeps power on", m->addr);
            return MSIM_RELAY_KEEP_POWER;
        }
        m->relay_open = true;
        m->trip_commanded = true;
        m->close_armed = false;
        break;
    case 0x1B:
        m->trip_commanded = false;
        m->close_armed = m->relay_open;
        break;
    case 0x1C:
        m->relay_open = false;
        m->trip_commanded = false;
        m->close_armed = false;
        break;
    case 0x3A:
    case 0x3B:
        m->keep_power = code == 0x3A;
        msim_journal_command(s, m, m->keep_power ? "keep_on" : "keep_off", "", protocol);
        return MSIM_RELAY_DONE;
    default: return MSIM_RELAY_UNKNOWN;
    }
    LOG_I(MSIM_LOG, "meter %s: relay command %02X, relay now %s", m->addr, code, m->relay_open ? "open" : "closed");
    msim_changed(s);
    return MSIM_RELAY_DONE;
}

void msim_journal_command(msim_t *s, msim_meter_t *m, const char *kind, const char *detail, const char *protocol)
{
    msim_credit_t c = {.count = m->count, .balance_after = m->balance, .time_ms = kclock_wall(NULL)};
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    snprintf(c.detail, sizeof c.detail, "%s", detail);
    snprintf(c.protocol, sizeof c.protocol, "%s", protocol);
    if (!msim_journal_add(m, &c))
        LOG_E(MSIM_LOG, "meter %s: out of memory for the journal", m->addr);
    LOG_I(MSIM_LOG, "meter %s: %s %s", m->addr, kind, detail);
    msim_changed(s);
}

void msim_set_alarms(msim_t *s, msim_meter_t *m, const int64_t amount[2], const char *protocol)
{
    char d[64];
    m->alarm_amount[0] = amount[0];
    m->alarm_amount[1] = amount[1];
    snprintf(d, sizeof d, "%lld,%lld", (long long)amount[0], (long long)amount[1]);
    msim_journal_command(s, m, "alarms", d, protocol);
}

void msim_set_prices(msim_t *s, msim_meter_t *m, const int64_t price[BAND_COUNT], const char *protocol)
{
    char d[96];
    memcpy(m->price, price, sizeof m->price);
    snprintf(d, sizeof d, "%lld,%lld,%lld,%lld", (long long)price[0], (long long)price[1], (long long)price[2],
             (long long)price[3]);
    msim_journal_command(s, m, "prices", d, protocol);
}

bool msim_set_day_table(msim_t *s, msim_meter_t *m, const msim_period_t *p, size_t n, const char *protocol)
{
    char d[96] = "";
    if (n == 0 || n > MSIM_MAX_PERIODS)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i].minute >= 1440 || p[i].tariff < 1 || p[i].tariff > 4)
            return false;
    memcpy(m->period, p, n * sizeof *p);
    m->n_periods = n;
    for (size_t i = 0; i < n && strlen(d) + 12 < sizeof d; i++)
        snprintf(d + strlen(d), sizeof d - strlen(d), "%s%02u:%02u/%u", i ? "," : "", p[i].minute / 60u,
                 p[i].minute % 60u, p[i].tariff);
    msim_journal_command(s, m, "day_table", d, protocol);
    return true;
}

void msim_freeze(msim_meter_t *m, int64_t t_ms)
{
    if (!m->freezes || m->frozen_ms == t_ms)
        return;
    m->frozen_ms = t_ms;
    m->frozen_total = m->energy_total;
    memcpy(m->frozen_band, m->energy_band, sizeof m->frozen_band);
}
