/* The phone page's pure parts (backoffice/domain/bo_phone.c): tokens made
 * and checked (another kind, another meter, one character changed, another
 * key, expired: refused), the customer digits, order ids, the throttle's
 * delays and its fixed table, the poll's table. */
#include <string.h>

#include "backoffice/domain/bo_phone.h"
#include "ktest.h"

static void keys(bo_phone_key_t *a, bo_phone_key_t *b)
{
    bo_key_t s1, s2;
    memset(&s1, 0, sizeof s1);
    memset(&s2, 0, sizeof s2);
    s2.sk[0] = 1;
    bo_phone_key_derive(&s1, a);
    bo_phone_key_derive(&s2, b);
}

static void tokens(void **state)
{
    (void)state;
    bo_phone_key_t k, other;
    char t[BO_PHONE_TOKEN_MAX], m[BO_PHONE_METER_MAX + 1];
    keys(&k, &other);
    assert_true(bo_phone_token_make(&k, BO_PHONE_SESSION, "000000000001", 5000, t, sizeof t));
    assert_true(bo_phone_token_check(&k, BO_PHONE_SESSION, t, 4999, m, sizeof m));
    assert_string_equal(m, "000000000001");
    assert_false(bo_phone_token_check(&k, BO_PHONE_SESSION, t, 5000, m, sizeof m)); /* expired */
    assert_false(bo_phone_token_check(&k, BO_PHONE_LINK, t, 1, m, sizeof m));      /* another kind */
    assert_false(bo_phone_token_check(&other, BO_PHONE_SESSION, t, 1, m, sizeof m)); /* another key */
    char forged[BO_PHONE_TOKEN_MAX];
    memcpy(forged, t, sizeof forged);
    forged[13] = '2'; /* s.000000000002... */
    assert_false(bo_phone_token_check(&k, BO_PHONE_SESSION, forged, 1, m, sizeof m));
    memcpy(forged, t, sizeof forged);
    forged[strlen(forged) - 1] ^= 1;
    assert_false(bo_phone_token_check(&k, BO_PHONE_SESSION, forged, 1, m, sizeof m));
    assert_false(bo_phone_token_check(&k, BO_PHONE_SESSION, "", 1, m, sizeof m));
    assert_false(bo_phone_token_make(&k, BO_PHONE_LINK, "000000000000001", 5000, t, sizeof t)); /* too long */
    assert_false(bo_phone_token_make(&k, BO_PHONE_LINK, "0001.5", 5000, t, sizeof t));
}

static void digits(void **state)
{
    (void)state;
    assert_true(bo_phone_digits_match("100000000001", "0001"));
    assert_false(bo_phone_digits_match("100000000001", "0002"));
    assert_false(bo_phone_digits_match("100000000001", "001"));
    assert_false(bo_phone_digits_match("100000000001", "00001"));
    assert_false(bo_phone_digits_match("001", "0001"));
    assert_false(bo_phone_digits_match("100000000001", ""));
}

static void orders(void **state)
{
    (void)state;
    char id[BO_PHONE_ORDER_MAX], id2[BO_PHONE_ORDER_MAX], m[BO_PHONE_METER_MAX + 1];
    bo_phone_order_id("00000000000123", 'W', id, sizeof id);
    bo_phone_order_id("00000000000123", 'W', id2, sizeof id2);
    assert_int_equal(strlen(id), 32);
    assert_string_not_equal(id, id2);
    assert_true(bo_phone_order_meter(id, m, sizeof m));
    assert_string_equal(m, "00000000000123");
    assert_int_equal(bo_phone_order_tag(id), 'W');
    bo_phone_order_id("7", 'A', id, sizeof id);
    assert_int_equal(bo_phone_order_tag(id), 'A');
    assert_true(bo_phone_order_meter(id, m, sizeof m));
    assert_string_equal(m, "7");
    /* an id made before ids carried the provider: the kiosks' provider's */
    assert_true(bo_phone_order_meter("P000000000001_0123456789abcdef", m, sizeof m));
    assert_int_equal(bo_phone_order_tag("P000000000001_0123456789abcdef"), 0);
    assert_false(bo_phone_order_meter("P000000000001_W0123456789abcdef", m, sizeof m));
    assert_false(bo_phone_order_meter("P000000000001_w123456789abcdef", m, sizeof m));
    assert_int_equal(bo_phone_order_tag("Q000000000001_W123456789abcdef"), 0);
    assert_false(bo_phone_order_meter("Q000000000001_0123456789abcdef", m, sizeof m));
    assert_false(bo_phone_order_meter("P000000000001_0123456789abcdeg", m, sizeof m));
    assert_false(bo_phone_order_meter("P_0123456789abcdef", m, sizeof m));
}

static void throttle(void **state)
{
    (void)state;
    static bo_phone_throttle_t t;
    assert_int_equal(bo_phone_delay_ms(3), 0);
    assert_int_equal(bo_phone_delay_ms(4), 1000);
    assert_int_equal(bo_phone_delay_ms(5), 2000);
    assert_int_equal(bo_phone_delay_ms(60), 300000);
    for (int i = 0; i < 3; i++)
        bo_phone_fail(&t, "ip:a", 100);
    assert_int_equal(bo_phone_wait_ms(&t, "ip:a", 100), 0);
    assert_int_equal(bo_phone_fail(&t, "ip:a", 100), 4);
    assert_int_equal(bo_phone_wait_ms(&t, "ip:a", 600), 500);
    assert_int_equal(bo_phone_wait_ms(&t, "ip:b", 600), 0);
    char key[32];
    for (int i = 0; i < BO_PHONE_SLOTS; i++) { /* a full table reuses the entries idle longest */
        snprintf(key, sizeof key, "ip:%d", i);
        bo_phone_fail(&t, key, 1000 + i);
    }
    assert_int_equal(bo_phone_wait_ms(&t, "ip:a", 600), 0);
    assert_int_equal(bo_phone_fail(&t, "ip:255", 5000), 2);
    bo_phone_clear(&t, "ip:255");
    assert_int_equal(bo_phone_fail(&t, "ip:255", 5000), 1);
}

static void asked(void **state)
{
    (void)state;
    bo_phone_asked_t a[2] = {{"", 0}, {"", 0}};
    assert_true(bo_phone_ask_due(a, 2, "P1_x", 10000, 2000));
    assert_false(bo_phone_ask_due(a, 2, "P1_x", 11000, 2000));
    assert_true(bo_phone_ask_due(a, 2, "P1_x", 12000, 2000));
    assert_true(bo_phone_ask_due(a, 2, "P2_x", 12000, 2000));
    assert_true(bo_phone_ask_due(a, 2, "P3_x", 12500, 2000)); /* replaces the one asked longest ago */
    assert_false(bo_phone_ask_due(a, 2, "P3_x", 12600, 2000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokens), cmocka_unit_test(digits), cmocka_unit_test(orders),
        cmocka_unit_test(throttle), cmocka_unit_test(asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
