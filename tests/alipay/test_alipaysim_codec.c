/* alipaysim's own codec (sim/alipaysim/wire.c) against the documentation:
 * forms decoded, the signing text (sorted, empty values and sign left
 * out, sign_type kept or not), signatures made and checked, the gateway's
 * JSON with '/' written "\/", yuan. */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktest.h"
#include "sim/alipaysim/alisim.h"

static void form_and_signing_text(void **state)
{
    (void)state;
    static const char body[] = "method=alipay.trade.query&timestamp=2026-12-07+10%3A00%3A00&app_id=2021&"
                               "sign_type=RSA2&empty=&sign=abc%2B%2F%3D&biz_content=%7B%22a%22%3A1%7D";
    as_kv_t kv = {.n = 0};
    assert_true(as_form_decode(&kv, body, strlen(body)));
    assert_string_equal(as_kv_get(&kv, "timestamp"), "2026-12-07 10:00:00");
    assert_string_equal(as_kv_get(&kv, "sign"), "abc+/=");
    char *t = as_signing_text(&kv, false);
    assert_string_equal(t, "app_id=2021&biz_content={\"a\":1}&method=alipay.trade.query&sign_type=RSA2&"
                           "timestamp=2026-12-07 10:00:00");
    free(t);
    t = as_signing_text(&kv, true);
    assert_null(strstr(t, "sign_type"));
    free(t);
    char *enc = as_form_encode(&kv);
    as_kv_t back = {.n = 0};
    assert_true(as_form_decode(&back, enc, strlen(enc)));
    assert_string_equal(as_kv_get(&back, "biz_content"), "{\"a\":1}");
    assert_string_equal(as_kv_get(&back, "timestamp"), "2026-12-07 10:00:00");
    free(enc);
    as_kv_clear(&kv);
    as_kv_clear(&back);
}

static void signatures(void **state)
{
    (void)state;
    EVP_PKEY *k = EVP_RSA_gen(2048);
    assert_non_null(k);
    static const char text[] = "app_id=2021&method=alipay.trade.query";
    char *sig = as_rsa_sign(k, text, strlen(text));
    assert_non_null(sig);
    assert_int_equal(strlen(sig), 344); /* 256 bytes in base64 */
    assert_true(as_rsa_verify(k, text, strlen(text), sig));
    assert_false(as_rsa_verify(k, text, strlen(text) - 1, sig));
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    assert_false(as_rsa_verify(k, text, strlen(text), sig));
    free(sig);
    EVP_PKEY_free(k);
}

static void gateway_json_and_yuan(void **state)
{
    (void)state;
    as_json_t j = {0};
    as_json_str(&j, "code", "10000");
    as_json_str(&j, "qr_code", "https://qr.alipay.com/bax1\"x");
    char *text = as_json_end(&j);
    assert_string_equal(text, "{\"code\":\"10000\",\"qr_code\":\"https:\\/\\/qr.alipay.com\\/bax1\\\"x\"}");
    free(text);
    char y[24];
    as_yuan(1, y);
    assert_string_equal(y, "0.01");
    as_yuan(123400, y);
    assert_string_equal(y, "1234.00");
    int64_t fen;
    assert_true(as_fen("12.3", &fen));
    assert_int_equal(fen, 1230);
    assert_true(as_fen("7", &fen));
    assert_int_equal(fen, 700);
    assert_false(as_fen("1.234", &fen));
    assert_false(as_fen("-1", &fen));
    char when[20];
    as_time_text(0, when);
    assert_string_equal(when, "1970-01-01 08:00:00");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(form_and_signing_text),
    cmocka_unit_test(signatures),
    cmocka_unit_test(gateway_json_and_yuan),
};

KTEST_MAIN(tests)
