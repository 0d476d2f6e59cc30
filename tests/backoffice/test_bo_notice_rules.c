/* The notice rules (backoffice/notify/bo_notice_rules.h), pure: each
 * kind, once per crossing with re-arming by a top-up (no flapping), the
 * cut-off forecast's two warnings, quiet hours held and released, the
 * texts in both languages; the outbox's backoff and pace. */
#include <stdlib.h>

#include "backoffice/notify/bo_ch_webhook.h"
#include "backoffice/notify/bo_notice_rules.h"
#include "backoffice/notify/bo_outbox.h"
#include "backoffice/notify/bo_sms_number.h"
#include "ktest.h"

#define MIN 60000LL
#define T0 1764547200000LL /* 2025-12-01T00:00:00Z */
#define DAYS (4 * 24 * 60 * MIN) /* readings this far apart forecast no cut-off */

static const bo_nlevels_t LV = {{2000, 1000, 500}, 100};

/* A meter's readings fed one by one, the memory carried. */
typedef struct meter {
    bo_nstate_t s;
    bo_nevent_t ev[BO_NEVENTS_MAX];
    int n;
} meter_t;

/* Feeds a reading; returns how many notices it called for. */
static int feed(meter_t *m, int64_t at, int64_t balance, bool relay_open)
{
    bo_nstate_t next;
    m->n = bo_notice_on_reading(&m->s, &LV, at, balance, relay_open, &next, m->ev);
    m->s = next;
    return m->n;
}

static void low_levels_once_per_crossing(void **state)
{
    (void)state;
    meter_t m = {0};
    assert_int_equal(feed(&m, T0, 2500, false), 0);
    assert_int_equal(feed(&m, T0 + DAYS, 1900, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_LOW1);
    assert_int_equal(m.ev[0].amount, 2000);
    assert_int_equal(m.ev[0].at, T0 + DAYS);
    /* further down, still above level 2: nothing new */
    assert_int_equal(feed(&m, T0 + 2 * DAYS, 1500, false), 0);
    /* a reading that crosses two levels tells the lowest */
    assert_int_equal(feed(&m, T0 + 3 * DAYS, 400, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_LOW3);
    assert_int_equal(m.ev[0].amount, 500);
    /* the same reading again, or an older one: nothing, memory unchanged */
    bo_nstate_t before = m.s;
    assert_int_equal(feed(&m, T0 + 3 * DAYS, 400, false), 0);
    assert_int_equal(feed(&m, T0 + 30 * MIN, 100, false), 0);
    assert_memory_equal(&before, &m.s, sizeof before);
}

static void rearmed_only_by_a_top_up_above_the_margin(void **state)
{
    (void)state;
    meter_t m = {0};
    feed(&m, T0, 950, false); /* first reading: below levels 1 and 2: level 2 told */
    assert_int_equal(m.n, 1);
    assert_int_equal(m.ev[0].kind, BO_NK_LOW2);
    /* a rise within the margin (1000 + 100) re-arms nothing: no flapping */
    assert_int_equal(feed(&m, T0 + DAYS, 1050, false), 0);
    assert_int_equal(feed(&m, T0 + 2 * DAYS, 990, false), 0);
    /* a top-up clear of level 2 only: level 2 again, level 1 not */
    assert_int_equal(feed(&m, T0 + 3 * DAYS, 1500, false), 0);
    assert_int_equal(feed(&m, T0 + 4 * DAYS, 980, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_LOW2);
    /* a top-up clear of every level re-arms them all */
    assert_int_equal(feed(&m, T0 + 5 * DAYS, 5000, false), 0);
    assert_int_equal(feed(&m, T0 + 6 * DAYS, 1999, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_LOW1);
}

static void arrears_supersede_and_fire_once(void **state)
{
    (void)state;
    meter_t m = {0};
    feed(&m, T0, 3000, false);
    assert_int_equal(feed(&m, T0 + MIN, -50, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_ARREARS);
    assert_int_equal(m.ev[0].balance, -50);
    assert_int_equal(feed(&m, T0 + 2 * MIN, -80, false), 0);
    assert_int_equal(feed(&m, T0 + 3 * MIN, 50, false), 0); /* within the margin */
    assert_int_equal(feed(&m, T0 + 4 * MIN, -10, false), 0);
}

static void supply_cut_and_restored(void **state)
{
    (void)state;
    meter_t m = {0};
    assert_int_equal(feed(&m, T0, 3000, true), 0); /* the first reading: no change seen */
    assert_int_equal(feed(&m, T0 + MIN, 3000, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_SUPPLY_RESTORED);
    assert_int_equal(feed(&m, T0 + 2 * MIN, 3000, true), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_SUPPLY_CUT);
    assert_int_equal(feed(&m, T0 + 3 * MIN, 3000, true), 0);
}

static void relay_commands_told_once(void **state)
{
    (void)state;
    meter_t m = {0};
    bo_nstate_t next;
    bo_nevent_t e;
    feed(&m, T0, 3000, false);
    assert_int_equal(bo_notice_on_relay(&m.s, T0 + MIN, true, 0, &next, &e), 1);
    assert_int_equal(e.kind, BO_NK_SUPPLY_CUT);
    assert_int_equal(e.balance, 3000);
    m.s = next;
    assert_int_equal(feed(&m, T0 + 2 * MIN, 3000, true), 0); /* the reading agrees: not told again */
    assert_int_equal(bo_notice_on_relay(&m.s, T0 + 3 * MIN, true, 0, &next, &e), 0);
    assert_int_equal(bo_notice_on_relay(&m.s, T0 + 3 * MIN, false, 0, &next, &e), 1);
    assert_int_equal(e.kind, BO_NK_SUPPLY_RESTORED);
}

static void cutoff_warned_a_day_and_half_an_hour_before(void **state)
{
    (void)state;
    meter_t m = {0};
    /* 100 an hour: 30.00 lasts 30 hours, no warning */
    feed(&m, T0, 3100, false);
    assert_int_equal(feed(&m, T0 + 60 * MIN, 3000, false), 0);
    /* 23.00 left at 100 an hour: within a day */
    assert_int_equal(feed(&m, T0 + 480 * MIN, 2300, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_CUTOFF_DAY);
    assert_in_range(m.ev[0].left_ms, 22 * 60 * MIN, 24 * 60 * MIN);
    assert_int_equal(feed(&m, T0 + 540 * MIN, 2200, false), 0); /* not again */
    /* fast use: 1.00 a minute with 21.00 left: 21 minutes */
    assert_int_equal(feed(&m, T0 + 541 * MIN, 2100, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_CUTOFF_SOON);
    assert_int_equal(m.ev[0].left_ms, 21 * MIN);
    assert_true(bo_notice_urgent(m.ev[0].kind));
    assert_false(bo_notice_urgent(BO_NK_LOW1));
    assert_int_equal(feed(&m, T0 + 542 * MIN, 2000, false), 0);
    /* a top-up re-arms both */
    assert_int_equal(feed(&m, T0 + 600 * MIN, 9000, false), 0);
    assert_int_equal(feed(&m, T0 + 601 * MIN, 8900, false), 1);
    assert_int_equal(m.ev[0].kind, BO_NK_CUTOFF_DAY);
}

static void forecast_from_the_fall(void **state)
{
    (void)state;
    assert_int_equal(bo_notice_left_ms(T0, 2000, T0 + 60 * MIN, 1000), 60 * MIN);
    assert_int_equal(bo_notice_left_ms(0, 2000, T0, 1000), -1);            /* no reading before */
    assert_int_equal(bo_notice_left_ms(T0, 1000, T0 + MIN, 2000), -1);     /* a top-up between */
    assert_int_equal(bo_notice_left_ms(T0, 1000, T0 + MIN, 1000), -1);     /* no use */
    assert_int_equal(bo_notice_left_ms(T0, 1000, T0 + MIN, -5), -1);       /* nothing left */
}

static void quiet_hours_hold_and_release(void **state)
{
    (void)state;
    const int cn = 480; /* UTC+8 */
    int64_t midnight_local = T0 - 8 * 60 * MIN; /* 2025-12-01T00:00+08:00 */
    int64_t at_2330 = midnight_local + (23 * 60 + 30) * MIN, at_0300 = midnight_local + 3 * 60 * MIN;
    int64_t at_0700 = midnight_local + 7 * 60 * MIN, at_1200 = midnight_local + 12 * 60 * MIN;
    /* 22:00-07:00 spans midnight: held until 07:00 */
    assert_int_equal(bo_notice_release_at(at_2330, cn, 22 * 60, 7 * 60), at_0700 + 24 * 60 * MIN);
    assert_int_equal(bo_notice_release_at(at_0300, cn, 22 * 60, 7 * 60), at_0700);
    assert_int_equal(bo_notice_release_at(at_0700, cn, 22 * 60, 7 * 60), at_0700);
    assert_int_equal(bo_notice_release_at(at_1200, cn, 22 * 60, 7 * 60), at_1200);
    /* within one day: 12:00-14:00 */
    assert_int_equal(bo_notice_release_at(at_1200 + MIN, cn, 12 * 60, 14 * 60), at_1200 + 120 * MIN);
    assert_int_equal(bo_notice_release_at(at_0300, cn, 12 * 60, 14 * 60), at_0300);
    /* none */
    assert_int_equal(bo_notice_release_at(at_0300, cn, 0, 0), at_0300);
}

static void texts_in_both_languages(void **state)
{
    (void)state;
    char subject[128], text[512];
    bo_nevent_t low = {BO_NK_LOW3, T0, 450, 500, -1, ""};
    assert_true(bo_notice_text(&low, "A1", "000000000101", "zh_CN", subject, sizeof subject, text, sizeof text));
    assert_string_equal(subject, "余额严重不足");
    assert_non_null(strstr(text, "表号000000000101余额仅剩4.50元，已低于5.00元"));
    assert_true(bo_notice_text(&low, "A1", "000000000101", "en", subject, sizeof subject, text, sizeof text));
    assert_string_equal(text, "Meter 000000000101: only 4.50 yuan left, below 5.00 yuan. Top up now to keep the "
                              "supply on.");
    bo_nevent_t credit = {BO_NK_CREDIT, T0, 12345, 10000, -1, ""};
    assert_true(bo_notice_text(&credit, "A1", "M1", "", subject, sizeof subject, text, sizeof text)); /* Chinese by default */
    assert_string_equal(text, "尊敬的用户：表号M1充值100.00元已到账，当前余额123.45元。");
    bo_nevent_t soon = {BO_NK_CUTOFF_SOON, T0, 250, 0, 25 * MIN, ""};
    assert_true(bo_notice_text(&soon, "A1", "M1", "en", subject, sizeof subject, text, sizeof text));
    assert_non_null(strstr(text, "in about 25 minutes"));
    bo_nevent_t arrears = {BO_NK_ARREARS, T0, -5, 0, -1, ""};
    assert_true(bo_notice_text(&arrears, "A1", "M1", "zh_CN", subject, sizeof subject, text, sizeof text));
    assert_non_null(strstr(text, "当前余额-0.05元"));
    for (int k = 0; k < BO_NK_COUNT; k++) {
        bo_nevent_t e = {(bo_notice_kind_t)k, T0, 100, 100, MIN, ""};
        assert_true(bo_notice_text(&e, "A1", "M1", "zh_CN", subject, sizeof subject, text, sizeof text));
        assert_true(bo_notice_text(&e, "A1", "M1", "en", subject, sizeof subject, text, sizeof text));
        assert_null(strchr(text, '{')); /* every placeholder filled */
    }
    assert_false(bo_notice_text(&low, "A1", "M1", "en", subject, sizeof subject, text, 20)); /* too small: refused */
}

static void wants_parsed_and_named(void **state)
{
    (void)state;
    unsigned mask;
    char bad[16], out[64];
    assert_true(bo_notice_wants_parse("low,credit", &mask, bad, sizeof bad));
    assert_int_equal(mask, (1u << BO_NF_LOW) | (1u << BO_NF_CREDIT));
    bo_notice_wants_format(mask, out, sizeof out);
    assert_string_equal(out, "low,credit");
    assert_true(bo_notice_wants_parse("all", &mask, bad, sizeof bad));
    assert_int_equal(mask, BO_NF_ALL);
    assert_false(bo_notice_wants_parse("low,spam", &mask, bad, sizeof bad));
    assert_string_equal(bad, "spam");
    assert_int_equal(bo_notice_family(BO_NK_CUTOFF_SOON), BO_NF_CUTOFF);
    assert_string_equal(bo_notice_kind_name(BO_NK_SUPPLY_RESTORED), "supply_restored");
    assert_true(bo_notice_wants_parse("credit,bill", &mask, bad, sizeof bad));
    assert_int_equal(mask, (1u << BO_NF_CREDIT) | (1u << BO_NF_BILL));
    bo_notice_wants_format(mask, out, sizeof out);
    assert_string_equal(out, "credit,bill");
    assert_true((BO_NF_ALL & (1u << BO_NF_BILL)) != 0); /* all takes bills too */
    bo_notice_wants_format(BO_NF_ALL & ~(1u << BO_NF_BILL), out, sizeof out);
    assert_string_equal(out, "low,arrears,cutoff,supply,credit");
    assert_int_equal(bo_notice_family(BO_NK_BILL_ISSUED), BO_NF_BILL);
    assert_string_equal(bo_notice_kind_name(BO_NK_BILL_ISSUED), "bill_issued");
    assert_false(bo_notice_urgent(BO_NK_BILL_ISSUED)); /* held in quiet hours */
}

/* A bill issued: its period (a whole month as the month, else its days),
 * the total due and where to pay, in both languages. */
static void bill_text_in_both_languages(void **state)
{
    (void)state;
    static const struct {
        const char *period, *lang, *subject, *text;
        int64_t due;
    } cases[] = {
        {"2026-11-01..2026-11-30", "zh_CN", "账单通知",
         "尊敬的用户：账户A1的2026年11月账单已出，应缴金额322.34元，请到自助缴费机或营业厅缴费。", 32234},
        {"2026-11-01..2026-11-30", "en", "Your bill",
         "Account A1: your bill for 2026-11 is out; the total due is 322.34 yuan. Please pay at the kiosk or at the "
         "counter.",
         32234},
        {"2026-10-31..2026-11-02", "zh_CN", "账单通知",
         "尊敬的用户：账户A1的2026-10-31至2026-11-02账单已出，应缴金额0.60元，请到自助缴费机或营业厅缴费。", 60},
        {"2026-10-31..2026-11-02", "en", "Your bill",
         "Account A1: your bill for 2026-10-31 to 2026-11-02 is out; the total due is 0.60 yuan. Please pay at the "
         "kiosk or at the counter.",
         60},
        /* a leap year's February is whole at the 29th, a common one at the 28th; the 29th of November is not */
        {"2028-02-01..2028-02-29", "en", "Your bill",
         "Account A1: your bill for 2028-02 is out; the total due is 1.00 yuan. Please pay at the kiosk or at the "
         "counter.",
         100},
        {"2027-02-01..2027-02-28", "zh_CN", "账单通知",
         "尊敬的用户：账户A1的2027年2月账单已出，应缴金额1.00元，请到自助缴费机或营业厅缴费。", 100},
        {"2026-11-01..2026-11-29", "en", "Your bill",
         "Account A1: your bill for 2026-11-01 to 2026-11-29 is out; the total due is 1.00 yuan. Please pay at the "
         "kiosk or at the counter.",
         100},
    };
    char subject[128], text[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bo_nevent_t e = {BO_NK_BILL_ISSUED, T0, 0, cases[i].due, -1, ""};
        snprintf(e.period, sizeof e.period, "%s", cases[i].period);
        assert_true(bo_notice_text(&e, "A1", "", cases[i].lang, subject, sizeof subject, text, sizeof text));
        assert_string_equal(subject, cases[i].subject);
        assert_string_equal(text, cases[i].text);
    }
}

static void backoff_doubles_capped_with_jitter(void **state)
{
    (void)state;
    const int64_t lo = 30000, hi = 3600000;
    assert_int_equal(bo_outbox_backoff_ms(1, lo, hi, 0), 30000);
    assert_int_equal(bo_outbox_backoff_ms(2, lo, hi, 0), 60000);
    assert_int_equal(bo_outbox_backoff_ms(5, lo, hi, 0), 480000);
    assert_int_equal(bo_outbox_backoff_ms(40, lo, hi, 0), hi); /* capped, no overflow */
    for (uint32_t r = 0; r < 1000; r += 7) {
        int64_t d = bo_outbox_backoff_ms(3, lo, hi, r * 2654435761u);
        assert_in_range(d, 60000, 120000); /* half of it taken off at most */
        assert_in_range(bo_outbox_backoff_ms(30, lo, hi, r * 2654435761u), hi / 2, hi);
    }
}

static void pace_lets_through_per_second(void **state)
{
    (void)state;
    bo_outbox_pace_t p = {4, 1000, -1};
    int sent = 0;
    for (int64_t t = 0; t <= 10000; t += 10)
        sent += bo_outbox_pace_take(&p, t);
    assert_in_range(sent, 40, 41); /* 4 a second for 10 s, one at the start */
    /* a long idle does not build up a burst */
    assert_true(bo_outbox_pace_take(&p, 3600000));
    assert_false(bo_outbox_pace_take(&p, 3600010));
    /* 1000 a second taken in passes 20 ms apart (serve's worker): the pace
     * is reached, with no burst above a tenth of a second's worth */
    bo_outbox_pace_t fast = {1000, 1000, -1};
    sent = 0;
    for (int64_t t = 0; t < 10000; t += 20)
        while (bo_outbox_pace_take(&fast, t))
            sent++;
    assert_in_range(sent, 9900, 10001);
    int burst = 0;
    while (bo_outbox_pace_take(&fast, 3600000))
        burst++;
    assert_int_equal(burst, 100);
}

static void webhook_signature_and_outcomes(void **state)
{
    (void)state;
    char sig[72];
    /* RFC 4231 style check against an independent HMAC: python3 -c 'import hmac,hashlib;
     * print(hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest())' */
    bo_webhook_sign("key", 1700000000, "{}", 2, sig);
    assert_string_equal(sig, "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
    assert_int_equal(bo_webhook_outcome(200), BO_SEND_OK);
    assert_int_equal(bo_webhook_outcome(204), BO_SEND_OK);
    assert_int_equal(bo_webhook_outcome(400), BO_SEND_REJECTED);
    assert_int_equal(bo_webhook_outcome(404), BO_SEND_REJECTED);
    assert_int_equal(bo_webhook_outcome(408), BO_SEND_RETRY);
    assert_int_equal(bo_webhook_outcome(429), BO_SEND_RETRY);
    assert_int_equal(bo_webhook_outcome(503), BO_SEND_RETRY);
    assert_int_equal(bo_webhook_outcome(0), BO_SEND_RETRY);
}

/* [notices] read and checked: a bad value names its key, a webhook
 * without its URL or secret is refused saying which. */
static void notices_settings_checked(void **state)
{
    (void)state;
    bo_config_t c;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_config_load(NULL, &c, &msg), K_OK);
    assert_int_equal(c.notices.levels[2], 500);
    assert_int_equal(c.notices.quiet_from, 22 * 60);
    assert_int_equal(bo_config_set(&c, "notices.levels=3000,2000,1000", &msg), K_OK);
    assert_int_equal(c.notices.levels[0], 3000);
    assert_int_equal(bo_config_set(&c, "notices.levels=1000,2000,500", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "levels"));
    assert_int_equal(bo_config_set(&c, "notices.quiet_hours=25:00-07:00", &msg), K_EINVAL);
    assert_int_equal(bo_config_set(&c, "notices.quiet_hours=23:30-06:15", &msg), K_OK);
    assert_int_equal(c.notices.quiet_to, 6 * 60 + 15);
    assert_int_equal(bo_config_set(&c, "notices.webhook=true", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "webhook_url"));
    assert_int_equal(bo_config_set(&c, "notices.webhook_url=https://hooks.example.com/n", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "webhook_secret"));
    assert_int_equal(bo_config_set(&c, "notices.webhook_secret=0123456789abcdef", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_OK);
    assert_int_equal(bo_config_set(&c, "notices.retry_min_seconds=7200", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "retry_min_seconds"));
    assert_int_equal(bo_config_set(&c, "notices.fax=true", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "fax is not a setting"));
}

/* [sms] parsed and checked with errors naming the key; SMS and e-mail
 * enabled need their sections. */
static void sms_settings_checked(void **state)
{
    (void)state;
    bo_config_t c;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_config_load(NULL, &c, &msg), K_OK);
    assert_int_equal(c.sms.port, 2775);
    assert_false(c.sms.transmitter);
    assert_int_equal(c.sms.window, 10);
    assert_int_equal(bo_config_set(&c, "notices.sms=true", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "[sms] host"));
    assert_int_equal(bo_config_set(&c, "sms.host=smsc.example.com", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "[sms] system_id"));
    assert_int_equal(bo_config_set(&c, "sms.system_id=estate", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "[sms] source"));
    assert_int_equal(bo_config_set(&c, "sms.source=EstateServices", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL); /* a name of 14 letters */
    assert_non_null(strstr(msg.text, "11 characters"));
    assert_int_equal(bo_config_set(&c, "sms.source=106900001234", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_OK);
    assert_true(bo_sms_source_numeric(c.sms.source));
    assert_int_equal(bo_config_set(&c, "sms.bind=transmitter", &msg), K_OK);
    assert_true(c.sms.transmitter);
    assert_int_equal(bo_config_set(&c, "sms.bind=receiver", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "[sms] bind"));
    assert_int_equal(bo_config_set(&c, "sms.port=70000", &msg), K_EINVAL);
    assert_int_equal(bo_config_set(&c, "sms.window=0", &msg), K_EINVAL);
    assert_int_equal(bo_config_set(&c, "sms.timeout_seconds=5", &msg), K_OK);
    assert_int_equal(c.sms.timeout_s, 5);
    assert_int_equal(bo_config_set(&c, "sms.system_id=sixteen-letters!", &msg), K_EINVAL);
    assert_int_equal(bo_config_set(&c, "sms.password=secret", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "password is not a setting"));
    assert_int_equal(bo_config_set(&c, "notices.email=true", &msg), K_OK);
    assert_int_equal(bo_config_check(&c, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "[email] server_url"));
}

/* The outbox starts the SMS and e-mail channels [notices] enables; a
 * password file it cannot read stops it, naming the setting and never
 * the password. */
static void outbox_opens_the_channels_enabled(void **state)
{
    (void)state;
    bo_config_t c;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_config_load(NULL, &c, &msg), K_OK);
    bo_outbox_t o;
    assert_int_equal(bo_outbox_open(&o, NULL, &c, (bo_outbox_lock_t){0}, &msg), K_OK);
    for (int k = 0; k < BO_CH_COUNT; k++)
        assert_null(o.ch[k].ops);
    bo_outbox_close(&o);
    const char *set[] = {"notices.sms=true", "notices.email=true", "notices.sms_per_second=7", "sms.host=127.0.0.1",
                         "sms.system_id=estate", "sms.source=95588", "email.server_url=smtp://127.0.0.1:1",
                         "email.from=notices@example.com"};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        assert_int_equal(bo_config_set(&c, set[i], &msg), K_OK);
    assert_int_equal(bo_outbox_open(&o, NULL, &c, (bo_outbox_lock_t){0}, &msg), K_OK);
    assert_non_null(o.ch[BO_CH_SMS].ops);
    assert_int_equal(o.ch[BO_CH_SMS].ops->kind, BO_CH_SMS);
    assert_non_null(o.ch[BO_CH_EMAIL].ops);
    assert_null(o.ch[BO_CH_WEBHOOK].ops);
    assert_int_equal(o.pace[BO_CH_SMS].per_second, 7);
    /* a number the SMSC cannot reach is refused before any connection */
    char id[72] = "";
    bo_notice_msg_t m = {"low1:A1:M:1", "12ab", "zh_CN", "s", "t", "{}"};
    assert_int_equal(o.ch[BO_CH_SMS].ops->send(o.ch[BO_CH_SMS].ctx, &m, id, &msg), BO_SEND_REJECTED);
    bo_outbox_close(&o);
    assert_int_equal(bo_config_set(&c, "sms.password_file=/nonexistent/smsc.password", &msg), K_OK);
    assert_int_equal(bo_outbox_open(&o, NULL, &c, (bo_outbox_lock_t){0}, &msg), K_EIO);
    assert_non_null(strstr(msg.text, "[sms] password_file"));
}

/* Numbers as the SMS channel sends them: international digits. */
static void sms_numbers_in_international_digits(void **state)
{
    (void)state;
    char out[BO_SMS_NUMBER_MAX];
    assert_true(bo_sms_number("8613812345678", out, sizeof out));
    assert_string_equal(out, "8613812345678");
    assert_true(bo_sms_number("+86 138-1234-5678", out, sizeof out));
    assert_string_equal(out, "8613812345678");
    assert_true(bo_sms_number("00441632960961", out, sizeof out));
    assert_string_equal(out, "441632960961");
    assert_false(bo_sms_number("1234567", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(bo_sms_number("8613812345678x", out, sizeof out));
    assert_false(bo_sms_number("1234567890123456", out, sizeof out));
    assert_false(bo_sms_number("", out, sizeof out));
    assert_false(bo_sms_number("8613812345678", out, 8)); /* does not fit */
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(low_levels_once_per_crossing),
        cmocka_unit_test(rearmed_only_by_a_top_up_above_the_margin),
        cmocka_unit_test(arrears_supersede_and_fire_once),
        cmocka_unit_test(supply_cut_and_restored),
        cmocka_unit_test(relay_commands_told_once),
        cmocka_unit_test(cutoff_warned_a_day_and_half_an_hour_before),
        cmocka_unit_test(forecast_from_the_fall),
        cmocka_unit_test(quiet_hours_hold_and_release),
        cmocka_unit_test(texts_in_both_languages),
        cmocka_unit_test(wants_parsed_and_named),
        cmocka_unit_test(bill_text_in_both_languages),
        cmocka_unit_test(backoff_doubles_capped_with_jitter),
        cmocka_unit_test(pace_lets_through_per_second),
        cmocka_unit_test(webhook_signature_and_outcomes),
        cmocka_unit_test(notices_settings_checked),
        cmocka_unit_test(sms_settings_checked),
        cmocka_unit_test(outbox_opens_the_channels_enabled),
        cmocka_unit_test(sms_numbers_in_international_digits),
    };
    return ktest_run("bo_notice_rules", tests, sizeof tests / sizeof tests[0], argc, argv);
}
