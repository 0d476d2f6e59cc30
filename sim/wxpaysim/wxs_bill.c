/* wxpaysim's trade bill: GET /v3/bill/tradebill answers the file's
 * address and SHA1; the file lists the day's (China time) payments and
 * refunds as WeChat Pay lays them out: a header line, rows whose every
 * field starts with a backtick, amounts in yuan, two summary lines. */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/wxpaysim/wxs.h"

static const char header[] =
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
    "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
    "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n";

/* "YYYY-MM-DD HH:MM:SS" in China's time of unix seconds s. */
static void cn_time(int64_t s, char *out, size_t size)
{
    char t[40];
    wxs_time(s, t, sizeof t);
    snprintf(out, size, "%.10s %.8s", t, t + 11);
}

static void yuan(int64_t fen, char *out, size_t size)
{
    snprintf(out, size, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* Appends text to the growing buffer b. */
static void add(char **b, size_t *len, const char *text)
{
    size_t n = strlen(text);
    char *g = realloc(*b, *len + n + 1);
    if (!g)
        return;
    memcpy(g + *len, text, n + 1);
    *b = g;
    *len += n;
}

/* The bill of day (YYYY-MM-DD) as text (malloc'd); *rows its row count. */
static char *bill_text(wxs_t *s, const char *day, int *rows)
{
    char *b = NULL, line[1024], when[24], total[24], refund[24], fee[24];
    size_t len = 0;
    int64_t sum = 0, sum_refund = 0;
    *rows = 0;
    add(&b, &len, header);
    for (size_t i = 0; i < s->n_orders; i++) {
        const wxs_order_t *o = &s->orders[i];
        cn_time(o->paid_at, when, sizeof when);
        if (!o->paid_at || strncmp(when, day, 10) != 0)
            continue;
        yuan(o->total, total, sizeof total);
        snprintf(line, sizeof line,
                 "`%s,`%s,`%s,`0,`,`%s,`%s,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`%s,`SUCCESS,`OTHERS,`CNY,`%s,`0.00,`0,`0,"
                 "`0.00,`0.00,`,`,`%s,`,`0.00000,`0.60%%,`%s,`0.00,`\r\n",
                 when, s->appid, s->mchid, o->transaction_id, o->out_trade_no, o->trade_type, total, o->description,
                 total);
        add(&b, &len, line);
        sum += o->total;
        (*rows)++;
    }
    for (size_t i = 0; i < s->n_refunds; i++) {
        const wxs_refund_t *r = &s->refunds[i];
        const wxs_order_t *o = wxs_order(s, r->out_trade_no);
        cn_time(r->done_at, when, sizeof when);
        if (!o || strcmp(r->status, "SUCCESS") != 0 || strncmp(when, day, 10) != 0)
            continue;
        yuan(o->total, total, sizeof total);
        yuan(r->amount, refund, sizeof refund);
        snprintf(line, sizeof line,
                 "`%s,`%s,`%s,`0,`,`%s,`%s,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`%s,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`%s,"
                 "`%s,`%s,`0.00,`ORIGINAL,`SUCCESS,`%s,`,`0.00000,`0.60%%,`%s,`%s,`\r\n",
                 when, s->appid, s->mchid, o->transaction_id, o->out_trade_no, o->trade_type, r->refund_id,
                 r->out_refund_no, refund, o->description, total, refund);
        add(&b, &len, line);
        sum_refund += r->amount;
        (*rows)++;
    }
    yuan(sum, total, sizeof total);
    yuan(sum_refund, refund, sizeof refund);
    yuan(0, fee, sizeof fee);
    snprintf(line, sizeof line,
             "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
             "`%d,`%s,`%s,`0.00,`%s,`%s,`%s\r\n",
             *rows, total, refund, fee, total, refund);
    add(&b, &len, line);
    return b;
}

/* The query's bill_date (YYYY-MM-DD) into day; false if none. */
static bool bill_date(const char *uri, char *day)
{
    const char *p = strstr(uri, "bill_date=");
    if (!p || strlen(p + 10) < 10 || (p[20] && p[20] != '&'))
        return false;
    snprintf(day, 11, "%.10s", p + 10);
    return day[4] == '-' && day[7] == '-';
}

void wxs_bill(wxs_t *s, const char *uri, wxs_answer_t *a)
{
    char day[11], url[400], hex[2 * SHA_DIGEST_LENGTH + 1];
    unsigned char d[SHA_DIGEST_LENGTH];
    int rows;
    if (!bill_date(uri, day)) {
        wxs_error(a, 400, "PARAM_ERROR", "bill_date");
        return;
    }
    char *text = bill_text(s, day, &rows);
    if (!text) {
        wxs_error(a, 500, "SYSTEM_ERROR", "系统错误");
        return;
    }
    SHA1((const unsigned char *)text, strlen(text), d);
    free(text);
    if (rows == 0) {
        wxs_error(a, 400, "NO_STATEMENT_EXIST", "账单文件不存在");
        return;
    }
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    snprintf(url, sizeof url, "%s/v3/billdownload/file?token=%s", s->public_url, day);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "hash_type", "SHA1");
    cJSON_AddStringToObject(j, "hash_value", hex);
    cJSON_AddStringToObject(j, "download_url", url);
    wxs_json(a, 200, j);
}

void wxs_bill_file(wxs_t *s, const char *uri, wxs_answer_t *a)
{
    const char *p = strstr(uri, "token=");
    int rows;
    if (!p || strlen(p + 6) != 10) {
        wxs_error(a, 400, "PARAM_ERROR", "token");
        return;
    }
    *a = (wxs_answer_t){.status = 200, .body = bill_text(s, p + 6, &rows), .type = "text/plain; charset=utf-8"};
}
