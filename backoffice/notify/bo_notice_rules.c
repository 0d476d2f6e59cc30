/* The notice rules (bo_notice_rules.h): crossings with hysteresis, the
 * cut-off forecast, quiet hours, and each notice's wording in Chinese and
 * English (the one place either is written). */
#include "backoffice/notify/bo_notice_rules.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[BO_NK_COUNT] = {
    [BO_NK_LOW1] = "low1",
    [BO_NK_LOW2] = "low2",
    [BO_NK_LOW3] = "low3",
    [BO_NK_ARREARS] = "arrears",
    [BO_NK_CUTOFF_DAY] = "cutoff_day",
    [BO_NK_CUTOFF_SOON] = "cutoff_soon",
    [BO_NK_SUPPLY_CUT] = "supply_cut",
    [BO_NK_SUPPLY_RESTORED] = "supply_restored",
    [BO_NK_CREDIT] = "credit",
    [BO_NK_BILL_ISSUED] = "bill_issued",
};

static const char *const family_names[BO_NF_COUNT] = {
    [BO_NF_LOW] = "low", [BO_NF_ARREARS] = "arrears", [BO_NF_CUTOFF] = "cutoff",
    [BO_NF_SUPPLY] = "supply", [BO_NF_CREDIT] = "credit", [BO_NF_BILL] = "bill",
};

static const bo_notice_family_t families[BO_NK_COUNT] = {
    [BO_NK_LOW1] = BO_NF_LOW,          [BO_NK_LOW2] = BO_NF_LOW,
    [BO_NK_LOW3] = BO_NF_LOW,          [BO_NK_ARREARS] = BO_NF_ARREARS,
    [BO_NK_CUTOFF_DAY] = BO_NF_CUTOFF, [BO_NK_CUTOFF_SOON] = BO_NF_CUTOFF,
    [BO_NK_SUPPLY_CUT] = BO_NF_SUPPLY, [BO_NK_SUPPLY_RESTORED] = BO_NF_SUPPLY,
    [BO_NK_CREDIT] = BO_NF_CREDIT,     [BO_NK_BILL_ISSUED] = BO_NF_BILL,
};

/* Each notice's subject and text; {meter}, {balance}, {amount}, {left},
 * {account} and {period} are filled in. */
typedef struct wording {
    const char *subject, *text;
} wording_t;

static const wording_t zh[BO_NK_COUNT] = {
    [BO_NK_LOW1] = {"余额不足提醒", "尊敬的用户：表号{meter}余额{balance}元，已低于{amount}元，请及时充值。"},
    [BO_NK_LOW2] = {"余额不足提醒", "尊敬的用户：表号{meter}余额{balance}元，已低于{amount}元，请尽快充值。"},
    [BO_NK_LOW3] = {"余额严重不足", "尊敬的用户：表号{meter}余额仅剩{balance}元，已低于{amount}元，请立即充值，以免停电。"},
    [BO_NK_ARREARS] = {"欠费提醒", "尊敬的用户：表号{meter}已欠费，当前余额{balance}元，请尽快充值。"},
    [BO_NK_CUTOFF_DAY] = {"即将停电提醒", "尊敬的用户：表号{meter}余额{balance}元，预计约{left}后用完并停电，请及时充值。"},
    [BO_NK_CUTOFF_SOON] = {"即将停电", "尊敬的用户：表号{meter}余额{balance}元，预计约{left}后停电，请立即充值。"},
    [BO_NK_SUPPLY_CUT] = {"停电通知", "尊敬的用户：表号{meter}已停止供电，当前余额{balance}元。充值后即可恢复供电。"},
    [BO_NK_SUPPLY_RESTORED] = {"恢复供电通知", "尊敬的用户：表号{meter}已恢复供电，当前余额{balance}元。"},
    [BO_NK_CREDIT] = {"充值到账通知", "尊敬的用户：表号{meter}充值{amount}元已到账，当前余额{balance}元。"},
    [BO_NK_BILL_ISSUED] = {"账单通知",
                           "尊敬的用户：账户{account}的{period}账单已出，应缴金额{amount}元，请到自助缴费机或营业厅缴费。"},
};

static const wording_t en[BO_NK_COUNT] = {
    [BO_NK_LOW1] = {"Low balance", "Meter {meter}: the balance is {balance} yuan, below {amount} yuan. Please top up."},
    [BO_NK_LOW2] = {"Low balance", "Meter {meter}: the balance is {balance} yuan, below {amount} yuan. Please top up soon."},
    [BO_NK_LOW3] = {"Very low balance",
                    "Meter {meter}: only {balance} yuan left, below {amount} yuan. Top up now to keep the supply on."},
    [BO_NK_ARREARS] = {"In arrears", "Meter {meter} is in arrears: the balance is {balance} yuan. Please top up."},
    [BO_NK_CUTOFF_DAY] = {"Supply ends soon",
                          "Meter {meter}: {balance} yuan left, expected to run out in about {left}. Please top up."},
    [BO_NK_CUTOFF_SOON] = {"Supply ends in minutes",
                           "Meter {meter}: {balance} yuan left, the supply ends in about {left}. Top up now."},
    [BO_NK_SUPPLY_CUT] = {"Supply cut",
                          "Meter {meter}: the supply is cut; the balance is {balance} yuan. A top-up restores it."},
    [BO_NK_SUPPLY_RESTORED] = {"Supply restored", "Meter {meter}: the supply is back; the balance is {balance} yuan."},
    [BO_NK_CREDIT] = {"Top-up arrived", "Meter {meter}: your top-up of {amount} yuan has arrived; the balance is {balance} yuan."},
    [BO_NK_BILL_ISSUED] = {"Your bill", "Account {account}: your bill for {period} is out; the total due is {amount} "
                                        "yuan. Please pay at the kiosk or at the counter."},
};

const char *bo_notice_kind_name(bo_notice_kind_t k)
{
    return (unsigned)k < BO_NK_COUNT ? kind_names[k] : "?";
}

const char *bo_notice_family_name(bo_notice_family_t f)
{
    return (unsigned)f < BO_NF_COUNT ? family_names[f] : "?";
}

bo_notice_family_t bo_notice_family(bo_notice_kind_t k)
{
    return (unsigned)k < BO_NK_COUNT ? families[k] : BO_NF_COUNT;
}

bool bo_notice_urgent(bo_notice_kind_t k)
{
    return k == BO_NK_CUTOFF_DAY || k == BO_NK_CUTOFF_SOON;
}

static int family_find(const char *p, size_t n)
{
    for (int f = 0; f < BO_NF_COUNT; f++)
        if (strlen(family_names[f]) == n && strncmp(family_names[f], p, n) == 0)
            return f;
    return -1;
}

bool bo_notice_wants_parse(const char *text, unsigned *mask, char *bad, size_t bad_len)
{
    *mask = strcmp(text, "all") == 0 ? BO_NF_ALL : 0;
    if (*mask || strcmp(text, "none") == 0)
        return true;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, ",");
        int f = family_find(p, n);
        if (f < 0) {
            snprintf(bad, bad_len, "%.*s", (int)n, p);
            return false;
        }
        *mask |= 1u << f;
        p += n + (p[n] == ',');
    }
    return true;
}

void bo_notice_wants_format(unsigned mask, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    if ((mask & BO_NF_ALL) == BO_NF_ALL || !(mask & BO_NF_ALL)) {
        snprintf(out, len, "%s", mask ? "all" : "none");
        return;
    }
    for (int f = 0; f < BO_NF_COUNT; f++)
        if (mask & (1u << f) && at < len)
            at += (size_t)snprintf(out + at, len - at, "%s%s", at ? "," : "", family_names[f]);
}

bool bo_nlevels_valid(const bo_nlevels_t *lv)
{
    return lv->level[2] > 0 && lv->level[1] > lv->level[2] && lv->level[0] > lv->level[1] && lv->margin >= 0;
}

int64_t bo_notice_left_ms(int64_t prev_at, int64_t prev_balance, int64_t at, int64_t balance)
{
    int64_t fell = prev_balance - balance, dt = at - prev_at;
    if (prev_at <= 0 || dt <= 0 || fell <= 0 || balance <= 0)
        return -1;
    if (balance > INT64_MAX / dt)
        return INT64_MAX;
    return balance * dt / fell;
}

#define BIT(k) (1u << (k))

static void add(bo_nevent_t *out, int *n, bo_notice_kind_t k, int64_t at, int64_t balance, int64_t amount)
{
    if (*n < BO_NEVENTS_MAX)
        out[(*n)++] = (bo_nevent_t){k, at, balance, amount, -1, ""};
}

/* Re-arms what the balance has risen clear of; a top-up (a rise) re-arms
 * the cut-off warnings. */
static unsigned rearm(const bo_nstate_t *s, const bo_nlevels_t *lv, int64_t balance)
{
    unsigned fired = s->fired;
    for (int i = 0; i < 3; i++)
        if (balance > lv->level[i] + lv->margin)
            fired &= ~BIT(BO_NK_LOW1 + i);
    if (balance > lv->margin)
        fired &= ~BIT(BO_NK_ARREARS);
    if (s->known && balance > s->balance)
        fired &= ~(BIT(BO_NK_CUTOFF_DAY) | BIT(BO_NK_CUTOFF_SOON));
    return fired;
}

/* The low levels and arrears: the lowest newly crossed is told. */
static void crossings(bo_nstate_t *n, const bo_nlevels_t *lv, int64_t at, int64_t balance, bo_nevent_t *out, int *cnt)
{
    int lowest = -1;
    for (int i = 0; i < 3; i++)
        if (balance < lv->level[i] && !(n->fired & BIT(BO_NK_LOW1 + i))) {
            n->fired |= BIT(BO_NK_LOW1 + i);
            lowest = i;
        }
    if (balance < 0 && !(n->fired & BIT(BO_NK_ARREARS))) {
        n->fired |= BIT(BO_NK_ARREARS);
        add(out, cnt, BO_NK_ARREARS, at, balance, 0);
    } else if (lowest >= 0) {
        add(out, cnt, (bo_notice_kind_t)(BO_NK_LOW1 + lowest), at, balance, lv->level[lowest]);
    }
}

/* The cut-off warnings from the forecast: the nearer one supersedes. */
static void cutoff(bo_nstate_t *n, int64_t left, int64_t at, int64_t balance, bo_nevent_t *out, int *cnt)
{
    bo_notice_kind_t k = left >= 0 && left <= BO_CUTOFF_SOON_MS ? BO_NK_CUTOFF_SOON
                         : left >= 0 && left <= BO_CUTOFF_DAY_MS ? BO_NK_CUTOFF_DAY
                                                                 : BO_NK_COUNT;
    if (k == BO_NK_COUNT || n->relay_open || (n->fired & BIT(k)))
        return;
    n->fired |= BIT(k) | (k == BO_NK_CUTOFF_SOON ? BIT(BO_NK_CUTOFF_DAY) : 0);
    add(out, cnt, k, at, balance, 0);
    out[*cnt - 1].left_ms = left;
}

int bo_notice_on_reading(const bo_nstate_t *s, const bo_nlevels_t *lv, int64_t at, int64_t balance, bool relay_open,
                         bo_nstate_t *next, bo_nevent_t out[BO_NEVENTS_MAX])
{
    int64_t left = s->known ? bo_notice_left_ms(s->at, s->balance, at, balance) : -1;
    return bo_notice_on_reading_left(s, lv, at, balance, relay_open, left, next, out);
}

int bo_notice_on_reading_left(const bo_nstate_t *s, const bo_nlevels_t *lv, int64_t at, int64_t balance,
                              bool relay_open, int64_t left_ms, bo_nstate_t *next, bo_nevent_t out[BO_NEVENTS_MAX])
{
    int cnt = 0;
    *next = *s;
    if (s->known && at <= s->at)
        return 0;
    *next = (bo_nstate_t){true, at, balance, relay_open, s->known ? s->at : 0, s->balance, rearm(s, lv, balance)};
    if (s->known && relay_open != s->relay_open)
        add(out, &cnt, relay_open ? BO_NK_SUPPLY_CUT : BO_NK_SUPPLY_RESTORED, at, balance, 0);
    crossings(next, lv, at, balance, out, &cnt);
    cutoff(next, left_ms, at, balance, out, &cnt);
    return cnt;
}

int bo_notice_on_relay(const bo_nstate_t *s, int64_t at, bool relay_open, int64_t balance, bo_nstate_t *next,
                       bo_nevent_t *out)
{
    *next = *s;
    next->relay_open = relay_open;
    if (s->known && s->relay_open == relay_open)
        return 0;
    *out = (bo_nevent_t){relay_open ? BO_NK_SUPPLY_CUT : BO_NK_SUPPLY_RESTORED, at, s->known ? s->balance : balance,
                         0, -1, ""};
    return 1;
}

int64_t bo_notice_release_at(int64_t now, int offset_min, int from_min, int to_min)
{
    const int64_t day = 86400000;
    if (from_min == to_min || from_min < 0 || to_min < 0)
        return now;
    int64_t local = ((now + (int64_t)offset_min * 60000) % day + day) % day;
    int64_t from = (int64_t)from_min * 60000, to = (int64_t)to_min * 60000;
    bool quiet = from < to ? local >= from && local < to : local >= from || local < to;
    return quiet ? now + ((to - local) % day + day) % day : now;
}

/* Money in minor units as yuan: "12.34", "-0.50". */
static void money(int64_t v, char *out, size_t len)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    snprintf(out, len, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

/* A time left, rounded to minutes or hours. */
static void left_words(int64_t ms, bool chinese, char *out, size_t len)
{
    int64_t min = ms < 0 ? 0 : (ms + 59999) / 60000;
    if (min < 120)
        snprintf(out, len, chinese ? "%lld分钟" : "%lld minutes", (long long)min);
    else
        snprintf(out, len, chinese ? "%lld小时" : "%lld hours", (long long)((min + 30) / 60));
}

/* Whether y-m-d1..y2-m2-d2 is one whole month. */
static bool whole_month(int y, int m, int d1, int y2, int m2, int d2)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y != y2 || m != m2 || m < 1 || m > 12 || d1 != 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d2 == days[m - 1] + (m == 2 && leap);
}

/* A bill's period: its month ("2026年11月", "2026-11"), or its first and
 * last days; "" if none. */
static void period_words(const char *period, bool chinese, char *out, size_t len)
{
    int y, m, d1, y2, m2, d2;
    if (sscanf(period, "%4d-%2d-%2d..%4d-%2d-%2d", &y, &m, &d1, &y2, &m2, &d2) != 6)
        snprintf(out, len, "%s", "");
    else if (whole_month(y, m, d1, y2, m2, d2))
        snprintf(out, len, chinese ? "%04d年%d月" : "%04d-%02d", y, m);
    else
        snprintf(out, len, chinese ? "%.10s至%s" : "%.10s to %s", period, period + 12);
}

#define N_PLACES 6

/* Copies fmt into out with the placeholders filled in; false if it does
 * not fit. */
static bool fill(const char *fmt, const char *const vals[N_PLACES], char *out, size_t len)
{
    static const char *const names[N_PLACES] = {"{meter}", "{balance}", "{amount}", "{left}", "{account}", "{period}"};
    size_t at = 0;
    for (const char *p = fmt; *p;) {
        const char *v = NULL;
        size_t skip = 1;
        for (int i = 0; *p == '{' && i < N_PLACES && !v; i++)
            if (strncmp(p, names[i], strlen(names[i])) == 0)
                v = vals[i], skip = strlen(names[i]);
        size_t n = v ? strlen(v) : 1;
        if (at + n >= len)
            return false;
        memcpy(out + at, v ? v : p, n);
        at += n;
        p += skip;
    }
    out[at] = '\0';
    return true;
}

bool bo_notice_text(const bo_nevent_t *e, const char *account, const char *meter, const char *lang, char *subject,
                    size_t subject_len, char *text, size_t text_len)
{
    bool chinese = strcmp(lang, "en") != 0;
    const wording_t *w = (unsigned)e->kind < BO_NK_COUNT ? &(chinese ? zh : en)[e->kind] : NULL;
    char balance[32], amount[32], left[32], period[48];
    if (!w || !w->text)
        return false;
    money(e->balance, balance, sizeof balance);
    money(e->amount, amount, sizeof amount);
    left_words(e->left_ms, chinese, left, sizeof left);
    period_words(e->period, chinese, period, sizeof period);
    const char *const vals[N_PLACES] = {meter, balance, amount, left, account, period};
    return (size_t)snprintf(subject, subject_len, "%s", w->subject) < subject_len && fill(w->text, vals, text, text_len);
}
