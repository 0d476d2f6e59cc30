/* The WeChat Pay client's pure parts (backoffice/pay/bo_wx*.c), without a
 * simulator: a trade bill laid out as WeChat Pay documents it (byte-order
 * mark, backtick fields, yuan, refunds, summary lines) read row by row and
 * refused when a row is not money; RFC 3339 times with offsets; states
 * mapped; base64 both ways. */
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_wx_int.h"
#include "ktest.h"

typedef struct rows {
    bo_prov_bill_row_t r[8];
    int n;
} rows_t;

static void keep(void *arg, const bo_prov_bill_row_t *row)
{
    rows_t *rs = arg;
    if (rs->n < 8)
        rs->r[rs->n++] = *row;
}

static const char bill[] =
    "\xEF\xBB\xBF交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
    "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
    "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n"
    "`2026-12-06 09:15:02,`wx8888,`1900000109,`0,`,`4200001234202612061234567890,`a1b2,`oUp,`NATIVE,`SUCCESS,"
    "`OTHERS,`CNY,`45.60,`0.00,`0,`0,`0.00,`0.00,`,`,`Top-up, meter 1,2,`,`0.27000,`0.60%,`45.60,`0.00,`\r\n"
    "`2026-12-06 23:59:59,`wx8888,`1900000109,`0,`,`4200001234202612061234567891,`c3d4,`oUp,`NATIVE,`REFUND,"
    "`OTHERS,`CNY,`0.00,`0.00,`50300,`r1,`0.5,`0.00,`ORIGINAL,`SUCCESS,`Top-up,`,`0.00000,`0.60%,`1.00,`0.50,`\r\n"
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
    "`2,`45.60,`0.50,`0.00,`0.27000,`46.60,`0.50\r\n";

static void bill_read(void **state)
{
    (void)state;
    rows_t rs = {0};
    kmsg_t msg = {{0}};
    assert_int_equal(bo_wx_bill_parse(bill, keep, &rs, &msg), K_OK);
    assert_int_equal(rs.n, 2);
    assert_string_equal(rs.r[0].out_trade_no, "a1b2");
    assert_string_equal(rs.r[0].trade_no, "4200001234202612061234567890");
    assert_int_equal(rs.r[0].amount, 4560);
    assert_false(rs.r[0].refund);
    assert_int_equal(rs.r[0].at, 1796519702000LL); /* 2026-12-06T01:15:02Z */
    assert_string_equal(rs.r[1].out_trade_no, "c3d4"); /* the first row's product name held commas */
    assert_int_equal(rs.r[1].amount, -50);
    assert_true(rs.r[1].refund);
}

static void bill_refused(void **state)
{
    (void)state;
    rows_t rs = {0};
    kmsg_t msg = {{0}};
    const char *bad_amounts[] = {"45.601", "-1.00", "4x", "1.2.3", ""};
    for (size_t i = 0; i < sizeof bad_amounts / sizeof bad_amounts[0]; i++) {
        char *b = strdup(bill), *p = strstr(b, "`0.60%,`45.60,") + 8; /* the order's amount (订单金额) */
        char *text = malloc(strlen(bill) + 16);
        *p = '\0';
        sprintf(text, "%s%s%s", b, bad_amounts[i], p + 5);
        assert_int_equal(bo_wx_bill_parse(text, keep, &rs, &msg), K_ECORRUPT);
        free(text);
        free(b);
    }
    assert_int_equal(bo_wx_bill_parse("交易时间,商户订单号\r\n", keep, &rs, &msg), K_ECORRUPT);
    assert_non_null(strstr(msg.text, "no column"));
}

static void times(void **state)
{
    (void)state;
    int64_t ms = 0;
    char out[40];
    assert_true(bo_wx_time_parse("2026-12-06T10:00:00+08:00", &ms));
    assert_int_equal(ms, 1796522400000LL);
    assert_true(bo_wx_time_parse("2026-12-06T02:00:00Z", &ms));
    assert_int_equal(ms, 1796522400000LL);
    assert_true(bo_wx_time_parse("2026-12-05T21:30:00.123-04:30", &ms));
    assert_int_equal(ms, 1796522400000LL);
    assert_false(bo_wx_time_parse("2026-12-06 10:00:00", &ms));
    assert_false(bo_wx_time_parse("2026-13-06T10:00:00+08:00", &ms));
    assert_false(bo_wx_time_parse("2026-12-06T10:00:00+0800", &ms));
    bo_wx_time_format(1796522400000LL, out, sizeof out);
    assert_string_equal(out, "2026-12-06T10:00:00+08:00");
}

static void states(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        bo_prov_state_t want;
        int64_t amount;
    } cases[] = {
        {"{\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":100,\"payer_total\":90},"
         "\"success_time\":\"2026-12-06T10:00:00+08:00\"}",
         BO_PROV_PAID, 90},
        {"{\"trade_state\":\"NOTPAY\",\"amount\":{\"total\":100}}", BO_PROV_PENDING, 100},
        {"{\"trade_state\":\"USERPAYING\",\"amount\":{\"total\":100}}", BO_PROV_PENDING, 100},
        {"{\"trade_state\":\"CLOSED\",\"amount\":{\"total\":100}}", BO_PROV_CLOSED, 100},
        {"{\"trade_state\":\"REVOKED\"}", BO_PROV_CLOSED, 0},
        {"{\"trade_state\":\"REFUND\",\"amount\":{\"total\":100}}", BO_PROV_REFUNDED, 100},
        {"{\"trade_state\":\"PAYERROR\"}", BO_PROV_FAILED, 0},
        {"{\"trade_state\":\"SOMETHING_NEW\"}", BO_PROV_UNKNOWN, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *j = cJSON_Parse(cases[i].json);
        bo_prov_answer_t a;
        bo_wx_trade_answer(j, &a);
        assert_int_equal(a.state, cases[i].want);
        assert_int_equal(a.amount, cases[i].amount);
        assert_int_equal(a.paid_at != 0, cases[i].want == BO_PROV_PAID);
        cJSON_Delete(j);
    }
}

static void base64(void **state)
{
    (void)state;
    char out[16];
    size_t len = 0;
    assert_true(bo_wx_b64((const unsigned char *)"ab", 2, out, sizeof out));
    assert_string_equal(out, "YWI=");
    assert_false(bo_wx_b64((const unsigned char *)"abcdefghijklm", 13, out, sizeof out));
    unsigned char *d = bo_wx_unb64("YWI=", &len);
    assert_non_null(d);
    assert_int_equal(len, 2);
    assert_memory_equal(d, "ab", 2);
    free(d);
    assert_null(bo_wx_unb64("YWI", &len));
    assert_null(bo_wx_unb64("Y*I=", &len));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bill_read), cmocka_unit_test(bill_refused), cmocka_unit_test(times),
        cmocka_unit_test(states),    cmocka_unit_test(base64),
    };
    return ktest_run("wx_unit", tests, sizeof tests / sizeof tests[0], argc, argv);
}
