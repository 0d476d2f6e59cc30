/* Money: parsing what people type, formatting, checked arithmetic. */
#include "ktest.h"

#include "core/kmath.h"
#include "core/money.h"

static const currency_t *cny(void)
{
    return currency_find("CNY");
}

static int64_t parse_ok(const char *text, const char *code)
{
    int64_t v = -777;
    kmsg_t msg = {""};
    kerr_t rc = money_parse(text, currency_find(code), &v, &msg);
    if (rc != K_OK)
        fail_msg("'%s' refused: %s", text, msg.text);
    return v;
}

static kerr_t parse_rc(const char *text, const char *code, kmsg_t *msg)
{
    int64_t v = -777;
    kerr_t rc = money_parse(text, currency_find(code), &v, msg);
    if (rc != K_OK)
        assert_int_equal(v, -777); /* nothing written on refusal */
    return rc;
}

static void parse_plain_amounts(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("12", "CNY"), 1200);
    assert_int_equal(parse_ok("12.3", "CNY"), 1230);
    assert_int_equal(parse_ok("12.34", "CNY"), 1234);
    assert_int_equal(parse_ok("0.05", "CNY"), 5);
    assert_int_equal(parse_ok(".5", "CNY"), 50);
    assert_int_equal(parse_ok("12.", "CNY"), 1200);
    assert_int_equal(parse_ok("  7 ", "CNY"), 700);
    assert_int_equal(parse_ok("-3.10", "CNY"), -310);
    assert_int_equal(parse_ok("500", "JPY"), 500);
    assert_int_equal(parse_ok("1.234", "KWD"), 1234);
}

static void parse_symbols_codes_grouping(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("\xC2\xA5" "50", "CNY"), 5000);       /* ¥50 */
    assert_int_equal(parse_ok("50.00 CNY", "CNY"), 5000);
    assert_int_equal(parse_ok("CNY 50", "CNY"), 5000);
    assert_int_equal(parse_ok("-\xC2\xA5" "1.50", "CNY"), -150);
    assert_int_equal(parse_ok("1,234.50", "CNY"), 123450);
    assert_int_equal(parse_ok("12,345,678", "CNY"), 1234567800);
    assert_int_equal(parse_ok("\xE2\x82\xAC" "9.99", "EUR"), 999); /* €9.99 */
}

static void parse_full_width(void **state)
{
    (void)state;
    /* "１２．５" typed with a Chinese input method */
    assert_int_equal(parse_ok("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x8E\xEF\xBC\x95", "CNY"), 1250);
}

static void parse_refusals(void **state)
{
    (void)state;
    kmsg_t msg;
    assert_int_equal(parse_rc("12.345", "CNY", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "at most 2 decimal places"));
    assert_int_equal(parse_rc("1.5", "JPY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("   ", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("abc", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("1.2.3", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("12a", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("$12", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("1,23", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("12,34,567", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("1,234,", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("1.2,3", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("+-1", "CNY", &msg), K_EINVAL);
    assert_int_equal(parse_rc("-", "CNY", &msg), K_EINVAL);
}

static void parse_overflow(void **state)
{
    (void)state;
    kmsg_t msg;
    /* INT64_MAX = 9223372036854775807 minor units */
    assert_int_equal(parse_ok("92233720368547758.07", "CNY"), INT64_MAX);
    assert_int_equal(parse_ok("-92233720368547758.08", "CNY"), INT64_MIN);
    assert_int_equal(parse_rc("92233720368547758.08", "CNY", &msg), K_EOVERFLOW);
    assert_non_null(strstr(msg.text, "too large"));
    assert_int_equal(parse_rc("99999999999999999999999", "CNY", &msg), K_EOVERFLOW);
    assert_int_equal(parse_rc("9223372036854775808", "JPY", &msg), K_EOVERFLOW);
}

static void format_styles(void **state)
{
    (void)state;
    char buf[40];
    assert_true(money_format(123450, cny(), MONEY_PLAIN, buf, sizeof buf));
    assert_string_equal(buf, "1234.50");
    assert_true(money_format(123450, cny(), MONEY_SCREEN, buf, sizeof buf));
    assert_string_equal(buf, "\xC2\xA5" "1,234.50");
    assert_true(money_format(123450, cny(), MONEY_RECEIPT, buf, sizeof buf));
    assert_string_equal(buf, "CNY 1,234.50");
    assert_true(money_format(-5, cny(), MONEY_RECEIPT, buf, sizeof buf));
    assert_string_equal(buf, "CNY -0.05");
    assert_true(money_format(-100000, cny(), MONEY_SCREEN, buf, sizeof buf));
    assert_string_equal(buf, "-\xC2\xA5" "1,000.00");
    assert_true(money_format(0, cny(), MONEY_PLAIN, buf, sizeof buf));
    assert_string_equal(buf, "0.00");
    assert_true(money_format(1234567, currency_find("JPY"), MONEY_RECEIPT, buf, sizeof buf));
    assert_string_equal(buf, "JPY 1,234,567");
    assert_true(money_format(1234, currency_find("KWD"), MONEY_PLAIN, buf, sizeof buf));
    assert_string_equal(buf, "1.234");
}

static void format_extremes_and_small_buffers(void **state)
{
    (void)state;
    char buf[40], tiny[6];
    assert_true(money_format(INT64_MIN, cny(), MONEY_RECEIPT, buf, sizeof buf));
    assert_string_equal(buf, "CNY -92,233,720,368,547,758.08");
    assert_true(money_format(INT64_MAX, cny(), MONEY_SCREEN, buf, sizeof buf));
    assert_string_equal(buf, "\xC2\xA5" "92,233,720,368,547,758.07");
    assert_false(money_format(123450, cny(), MONEY_RECEIPT, tiny, sizeof tiny));
    assert_string_equal(tiny, "");
    assert_false(money_format(1, NULL, MONEY_PLAIN, buf, sizeof buf));
}

static void format_parse_round_trip(void **state)
{
    (void)state;
    const int64_t values[] = {0, 1, 99, 100, 101, 99999, 100000, 123456789, -1, -123456789, INT64_MAX, INT64_MIN};
    const money_style_t styles[] = {MONEY_PLAIN, MONEY_SCREEN, MONEY_RECEIPT};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        for (size_t s = 0; s < 3; s++) {
            char buf[40];
            assert_true(money_format(values[i], cny(), styles[s], buf, sizeof buf));
            assert_int_equal(parse_ok(buf, "CNY"), values[i]);
        }
}

static void currencies(void **state)
{
    (void)state;
    assert_non_null(cny());
    assert_int_equal(cny()->numeric, 156);
    assert_int_equal(cny()->exponent, 2);
    assert_ptr_equal(currency_by_numeric(978), currency_find("EUR"));
    assert_null(currency_find("cny")); /* codes are exact upper case */
    assert_null(currency_find("XYZ"));
    assert_null(currency_find(NULL));
    assert_null(currency_by_numeric(1));
}

static void checked_add_sub(void **state)
{
    (void)state;
    int64_t acc = INT64_MAX - 1;
    assert_int_equal(money_add(&acc, 1), K_OK);
    assert_int_equal(acc, INT64_MAX);
    assert_int_equal(money_add(&acc, 1), K_EOVERFLOW);
    assert_int_equal(acc, INT64_MAX);
    int64_t r = 5;
    assert_int_equal(kmath_sub(INT64_MIN, 1, &r), K_EOVERFLOW);
    assert_int_equal(r, 5);
    assert_int_equal(kmath_sub(10, 3, &r), K_OK);
    assert_int_equal(r, 7);
}

static void muldiv_rounding(void **state)
{
    (void)state;
    int64_t r;
    assert_int_equal(kmath_muldiv(7, 1, 2, KROUND_DOWN, &r), K_OK);
    assert_int_equal(r, 3);
    assert_int_equal(kmath_muldiv(7, 1, 2, KROUND_UP, &r), K_OK);
    assert_int_equal(r, 4);
    assert_int_equal(kmath_muldiv(7, 1, 2, KROUND_HALF_UP, &r), K_OK);
    assert_int_equal(r, 4);
    assert_int_equal(kmath_muldiv(-7, 1, 2, KROUND_DOWN, &r), K_OK);
    assert_int_equal(r, -4);
    assert_int_equal(kmath_muldiv(-7, 1, 2, KROUND_UP, &r), K_OK);
    assert_int_equal(r, -3);
    assert_int_equal(kmath_muldiv(-7, 1, 2, KROUND_HALF_UP, &r), K_OK);
    assert_int_equal(r, -4);
    assert_int_equal(kmath_muldiv(10, 1, 3, KROUND_HALF_UP, &r), K_OK);
    assert_int_equal(r, 3);
    assert_int_equal(kmath_muldiv(6, 4, 3, KROUND_UP, &r), K_OK); /* exact: no rounding */
    assert_int_equal(r, 8);
    /* the product needs 128 bits, the result does not */
    assert_int_equal(kmath_muldiv(INT64_MAX, 1000, 1000, KROUND_DOWN, &r), K_OK);
    assert_int_equal(r, INT64_MAX);
    assert_int_equal(kmath_muldiv(INT64_MAX, 2, 1, KROUND_DOWN, &r), K_EOVERFLOW);
    assert_int_equal(kmath_muldiv(1, 1, 0, KROUND_DOWN, &r), K_EINVAL);
}

static void fixed_point_text(void **state)
{
    (void)state;
    char buf[32];
    int64_t v;
    assert_true(kmath_format_fixed(123456, 3, buf, sizeof buf));
    assert_string_equal(buf, "123.456");
    assert_true(kmath_format_fixed(-5, 3, buf, sizeof buf));
    assert_string_equal(buf, "-0.005");
    assert_true(kmath_format_fixed(42, 0, buf, sizeof buf));
    assert_string_equal(buf, "42");
    assert_int_equal(kmath_parse_fixed("0.5283", 6, &v, NULL), K_OK);
    assert_int_equal(v, 528300);
    assert_int_equal(kmath_parse_fixed("0.52831234", 6, &v, NULL), K_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(parse_plain_amounts),
    cmocka_unit_test(parse_symbols_codes_grouping),
    cmocka_unit_test(parse_full_width),
    cmocka_unit_test(parse_refusals),
    cmocka_unit_test(parse_overflow),
    cmocka_unit_test(format_styles),
    cmocka_unit_test(format_extremes_and_small_buffers),
    cmocka_unit_test(format_parse_round_trip),
    cmocka_unit_test(currencies),
    cmocka_unit_test(checked_add_sub),
    cmocka_unit_test(muldiv_rounding),
    cmocka_unit_test(fixed_point_text),
};

KTEST_MAIN(tests)
