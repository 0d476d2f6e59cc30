/* Tariffs: bands over the day and across midnight, tiers and their
 * crossings, the rounding rule, overflow, and the text form. */
#include "ktest.h"

#include "core/tariff.h"

#define CNY_EXP 2

static tariff_t parse(const char *text)
{
    tariff_t t;
    kmsg_t msg = {""};
    if (tariff_parse(text, CNY_EXP, &t, &msg) != K_OK)
        fail_msg("'%s' refused: %s", text, msg.text);
    return t;
}

static int64_t energy(const tariff_t *t, const tariff_ctx_t *ctx, int64_t minor)
{
    int64_t e = -1;
    assert_int_equal(tariff_energy_for_amount(t, ctx, minor, &e), K_OK);
    return e;
}

static int64_t amount(const tariff_t *t, const tariff_ctx_t *ctx, int64_t milli)
{
    int64_t a = -1;
    assert_int_equal(tariff_amount_for_energy(t, ctx, milli, &a), K_OK);
    return a;
}

/* The rounding rule: the energy an amount buys is the most it can buy,
 * and the amount quoted for an energy buys at least that energy. */
static void check_rounding_rule(const tariff_t *t, const tariff_ctx_t *ctx)
{
    uint64_t x = 88172645463325252u; /* xorshift: the same sequence every run */
    for (int i = 0; i < 2000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t minor = (int64_t)(x % 10000000u); /* up to 100,000.00 */
        int64_t e = energy(t, ctx, minor);
        assert_true(amount(t, ctx, e) <= minor);
        assert_true(amount(t, ctx, e + 1) > minor);
        int64_t milli = (int64_t)(x % 1000000000u); /* up to 1,000,000 kWh */
        int64_t a = amount(t, ctx, milli);
        assert_true(energy(t, ctx, a) >= milli);
        if (a > 0)
            assert_true(energy(t, ctx, a - 1) < milli);
    }
}

static void single_rate(void **state)
{
    (void)state;
    tariff_t t = parse("single 0.5283");
    assert_int_equal(t.price, 528300);
    assert_int_equal(energy(&t, NULL, 100), 1892);  /* 1.00 CNY = 1.892 kWh (1.8929 rounded down) */
    assert_int_equal(amount(&t, NULL, 1892), 100);  /* 0.9995... CNY rounded up */
    assert_int_equal(amount(&t, NULL, 1893), 101);
    assert_int_equal(amount(&t, NULL, 0), 0);
    assert_int_equal(energy(&t, NULL, 0), 0);
    assert_int_equal(tariff_price_at(&t, 0, 0), 528300);
    check_rounding_rule(&t, NULL);
}

static const char tou_text[] =
    "tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 "
    "at=00:00/valley,08:00/flat,10:00/peak,11:00/sharp,13:00/flat,17:00/peak,23:00/valley";

static void tou_band_boundaries(void **state)
{
    (void)state;
    tariff_t t = parse(tou_text);
    const struct {
        unsigned minute;
        tou_band_t band;
    } cases[] = {
        {0, BAND_VALLEY},    {479, BAND_VALLEY}, {480, BAND_FLAT},    {599, BAND_FLAT},
        {600, BAND_PEAK},    {659, BAND_PEAK},   {660, BAND_SHARP},   {779, BAND_SHARP},
        {780, BAND_FLAT},    {1019, BAND_FLAT},  {1020, BAND_PEAK},   {1379, BAND_PEAK},
        {1380, BAND_VALLEY}, {1439, BAND_VALLEY}, {1440, BAND_VALLEY}, {1440 + 600, BAND_PEAK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (tariff_band_at(&t, cases[i].minute) != cases[i].band)
            fail_msg("minute %u: band %s, expected %s", cases[i].minute,
                     tariff_band_name(tariff_band_at(&t, cases[i].minute)), tariff_band_name(cases[i].band));
    }
    assert_int_equal(tariff_price_at(&t, 660, 0), 1200000);
    assert_int_equal(tariff_price_at(&t, 1380, 0), 300000);
}

static void tou_period_crossing_midnight(void **state)
{
    (void)state;
    /* valley from 23:00 to 07:00: the first switch of the day is at 07:00 */
    tariff_t t = parse("tou flat=0.6 valley=0.3 at=07:00/flat,23:00/valley");
    assert_int_equal(tariff_band_at(&t, 0), BAND_VALLEY);
    assert_int_equal(tariff_band_at(&t, 419), BAND_VALLEY);
    assert_int_equal(tariff_band_at(&t, 420), BAND_FLAT);
    assert_int_equal(tariff_band_at(&t, 1379), BAND_FLAT);
    assert_int_equal(tariff_band_at(&t, 1380), BAND_VALLEY);
    assert_int_equal(tariff_band_at(&t, 1439), BAND_VALLEY);
    /* 16 h flat, 8 h valley: blended 0.5/kWh, so 10.00 buys 20 kWh */
    assert_int_equal(energy(&t, NULL, 1000), 20000);
    check_rounding_rule(&t, NULL);
}

static void tou_estimates_and_metered_cost(void **state)
{
    (void)state;
    tariff_t t = parse(tou_text);
    /* minutes: valley 540, flat 360, peak 420, sharp 120: blended 0.625/kWh */
    assert_int_equal(energy(&t, NULL, 10000), 160000);
    assert_int_equal(amount(&t, NULL, 160000), 10000);
    tariff_ctx_t all_valley = {.weight = {[BAND_VALLEY] = 1}};
    assert_int_equal(energy(&t, &all_valley, 300), 10000); /* 3.00 at 0.3 = 10 kWh */
    const int64_t used[BAND_COUNT] = {[BAND_SHARP] = 1000, [BAND_PEAK] = 2000, [BAND_FLAT] = 3000,
                                      [BAND_VALLEY] = 4000};
    int64_t cost;
    assert_int_equal(tariff_cost_bands(&t, NULL, used, KROUND_HALF_UP, &cost), K_OK);
    assert_int_equal(cost, 600); /* 1.2 + 1.8 + 1.8 + 1.2 */
    const int64_t odd[BAND_COUNT] = {[BAND_VALLEY] = 15}; /* 0.0045 CNY */
    assert_int_equal(tariff_cost_bands(&t, NULL, odd, KROUND_HALF_UP, &cost), K_OK);
    assert_int_equal(cost, 0);
    assert_int_equal(tariff_cost_bands(&t, NULL, odd, KROUND_UP, &cost), K_OK);
    assert_int_equal(cost, 1);
    const int64_t half[BAND_COUNT] = {[BAND_FLAT] = 25}; /* exactly 0.015 CNY */
    assert_int_equal(tariff_cost_bands(&t, NULL, half, KROUND_HALF_UP, &cost), K_OK);
    assert_int_equal(cost, 2);
    check_rounding_rule(&t, NULL);
    check_rounding_rule(&t, &all_valley);
}

static const char tier_text[] = "tiered 200:0.5283 400:0.5783 -:0.8283";

static void tiers_within_and_across_steps(void **state)
{
    (void)state;
    tariff_t t = parse(tier_text);
    tariff_ctx_t start = {.month_used = 0};
    assert_int_equal(energy(&t, &start, 10566), 200000); /* exactly the first step */
    tariff_ctx_t near = {.month_used = 190000};
    /* 10 kWh at 0.5283 (5.283), then 94.717 at 0.5783 = 163.785 kWh */
    assert_int_equal(energy(&t, &near, 10000), 173785);
    /* across two steps: 105.66 + 115.66, then 78.68 at 0.8283 = 94.989 kWh */
    assert_int_equal(energy(&t, &start, 30000), 494989);
    /* one Wh each side of the first boundary: 0.11 fen, rounded up */
    tariff_ctx_t edge = {.month_used = 199999};
    assert_int_equal(amount(&t, &edge, 2), 1);
    assert_int_equal(tariff_price_at(&t, 0, 199999), 528300);
    assert_int_equal(tariff_price_at(&t, 0, 200000), 578300);
    assert_int_equal(tariff_price_at(&t, 0, 400000), 828300);
    assert_int_equal(tariff_price_at(&t, 0, INT64_MAX), 828300);
    check_rounding_rule(&t, &start);
    check_rounding_rule(&t, &near);
    tariff_ctx_t deep = {.month_used = 5000000};
    check_rounding_rule(&t, &deep);
}

static void tiers_metered_cost(void **state)
{
    (void)state;
    tariff_t t = parse(tier_text);
    tariff_ctx_t start = {.month_used = 0};
    const int64_t month[BAND_COUNT] = {[BAND_FLAT] = 450000}; /* 450 kWh */
    int64_t cost;
    assert_int_equal(tariff_cost_bands(&t, &start, month, KROUND_HALF_UP, &cost), K_OK);
    assert_int_equal(cost, 10566 + 11566 + 4142); /* 105.66 + 115.66 + 41.415 rounded */
}

static void free_first_step(void **state)
{
    (void)state;
    /* 50 kWh free each month, then 0.8 */
    tariff_t t = parse("tiered 50:0 -:0.8");
    tariff_ctx_t start = {0};
    assert_int_equal(energy(&t, &start, 80), 51000);
    assert_int_equal(amount(&t, &start, 50000), 0);
    assert_int_equal(amount(&t, &start, 50001), 1);
    assert_int_equal(energy(&t, &start, 0), 50000);
    check_rounding_rule(&t, &start);
}

static void overflow_is_refused(void **state)
{
    (void)state;
    tariff_t t = parse("single 0.000001");
    int64_t e;
    assert_int_equal(tariff_energy_for_amount(&t, NULL, INT64_MAX, &e), K_EOVERFLOW);
    tariff_t dear = parse("single 99999");
    int64_t a;
    assert_int_equal(tariff_amount_for_energy(&dear, NULL, INT64_MAX, &a), K_EOVERFLOW);
    assert_int_equal(tariff_energy_for_amount(&t, NULL, -1, &e), K_EINVAL);
}

static void refuse(const char *text, const char *expect)
{
    tariff_t t;
    kmsg_t msg = {""};
    if (tariff_parse(text, CNY_EXP, &t, &msg) == K_OK)
        fail_msg("'%s' was accepted", text);
    if (!strstr(msg.text, expect))
        fail_msg("'%s': message '%s' lacks '%s'", text, msg.text, expect);
}

static void bad_tariffs_are_refused(void **state)
{
    (void)state;
    refuse("single 0", "above zero");
    refuse("single -1", "not a price");
    refuse("single 0.5283001", "not a price");
    refuse("quarterly 1", "must start with");
    refuse("tou sharp=1 at=08:00/peak", "has no price");
    refuse("tou sharp=1 at=25:00/sharp", "not a period start");
    refuse("tou sharp=1 flat=1 at=08:00/flat,07:00/sharp", "time order");
    refuse("tou sharp=1 at=08:00/noon", "band must be");
    refuse("tou valley=0 at=00:00/valley", "no band with a price");
    refuse("tou dusk=1 at=00:00/valley", "not a band");
    refuse("tiered 200:0.5 100:0.6 -:0.7", "must end above");
    refuse("tiered 200:0.5", "unbounded");
    refuse("tiered 200:0.5 -:0", "last step");
    refuse("tiered 200-0.5 -:0.7", "upto:price");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(single_rate),
    cmocka_unit_test(tou_band_boundaries),
    cmocka_unit_test(tou_period_crossing_midnight),
    cmocka_unit_test(tou_estimates_and_metered_cost),
    cmocka_unit_test(tiers_within_and_across_steps),
    cmocka_unit_test(tiers_metered_cost),
    cmocka_unit_test(free_first_step),
    cmocka_unit_test(overflow_is_refused),
    cmocka_unit_test(bad_tariffs_are_refused),
};

KTEST_MAIN(tests)
