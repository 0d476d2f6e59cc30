/* WeChat Pay's daily trade bill: GET /v3/bill/tradebill gives a download
 * address and the file's SHA1; the file is CSV whose first line names the
 * columns, each field of a row starts with a backtick, amounts are yuan
 * with two decimals, times China's, and summary lines close it. */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backoffice/pay/bo_wx_int.h"

enum { COL_TIME, COL_TRADE_NO, COL_OUT_NO, COL_STATE, COL_TOTAL, COL_SETTLED, COL_REFUND, COL_N };

/* The columns this reads, by the names in the bill's first line. */
static const char *const col_names[COL_N] = {"交易时间", "微信订单号", "商户订单号", "交易状态",
                                             "订单金额", "应结订单金额", "退款金额"};

#define MAX_FIELDS 40

/* The comma that ends the field at p: in a row (its fields each start
 * with a backtick) one followed by a backtick, so that a comma inside a
 * field (a product's name) stays in it; in the header line any comma. */
static char *field_end(char *p, bool row)
{
    char *comma = strchr(p, ',');
    while (row && comma && comma[1] != '`')
        comma = strchr(comma + 1, ',');
    return comma;
}

/* Cuts line (modified) into its fields, dropping each field's backtick. */
static int split(char *line, char **f)
{
    int n = 0;
    bool row = line[0] == '`';
    for (char *p = line; n < MAX_FIELDS;) {
        char *comma = field_end(p, row);
        if (comma)
            *comma = '\0';
        f[n++] = *p == '`' ? p + 1 : p;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

/* "12.34" yuan into 1234 fen, exactly; false if it is not that. */
static bool yuan(const char *t, int64_t *fen)
{
    long long whole = 0;
    int cents = 0, n = 0, digits = 0;
    if (sscanf(t, "%lld%n", &whole, &n) != 1 || whole < 0)
        return false;
    if (t[n] == '.') {
        for (const char *p = t + n + 1; *p; p++, digits++)
            if (*p < '0' || *p > '9' || digits == 2)
                return false;
            else
                cents = cents * 10 + (*p - '0');
        cents *= digits == 1 ? 10 : 1;
    } else if (t[n]) {
        return false;
    }
    *fen = whole * 100 + cents;
    return true;
}

/* Reads one row by the columns' places into fn. */
static kerr_t row(char **f, int n, const int *col, bo_prov_bill_cb fn, void *arg, kmsg_t *msg)
{
    bo_prov_bill_row_t r = {0};
    char when[40];
    for (int i = 0; i < COL_N; i++)
        if (col[i] >= n)
            return kmsg_set(msg, K_ECORRUPT, "a bill row with %d fields", n);
    snprintf(r.trade_no, sizeof r.trade_no, "%s", f[col[COL_TRADE_NO]]);
    snprintf(r.out_trade_no, sizeof r.out_trade_no, "%s", f[col[COL_OUT_NO]]);
    snprintf(when, sizeof when, "%.10sT%.8s+08:00", f[col[COL_TIME]], f[col[COL_TIME]] + 11);
    r.refund = strcmp(f[col[COL_STATE]], "REFUND") == 0;
    const char *amount = r.refund ? f[col[COL_REFUND]] : f[col[COL_TOTAL]];
    if (strlen(f[col[COL_TIME]]) != 19 || !bo_wx_time_parse(when, &r.at) || !yuan(amount, &r.amount))
        return kmsg_set(msg, K_ECORRUPT, "a bill row for %s with time '%s' and amount '%s'", r.out_trade_no,
                        f[col[COL_TIME]], amount);
    if (r.refund)
        r.amount = -r.amount;
    fn(arg, &r);
    return K_OK;
}

/* Finds the columns of the header line. */
static kerr_t columns(char *line, int *col, kmsg_t *msg)
{
    char *f[MAX_FIELDS];
    int n = split(line, f);
    for (int i = 0; i < COL_N; i++) {
        col[i] = MAX_FIELDS;
        for (int k = 0; k < n; k++)
            if (strcmp(f[k], col_names[i]) == 0 || (k == 0 && strstr(f[k], col_names[i])))
                col[i] = k; /* the first name may carry a byte-order mark */
        if (col[i] == MAX_FIELDS && i != COL_TOTAL)
            return kmsg_set(msg, K_ECORRUPT, "the bill has no column %s", col_names[i]);
    }
    if (col[COL_TOTAL] == MAX_FIELDS)
        col[COL_TOTAL] = col[COL_SETTLED];
    return K_OK;
}

kerr_t bo_wx_bill_parse(const char *text, bo_prov_bill_cb fn, void *arg, kmsg_t *msg)
{
    char *copy = strdup(text), *save = NULL, *f[MAX_FIELDS];
    int col[COL_N];
    if (!copy)
        return kmsg_set(msg, K_EIO, "out of memory");
    char *line = strtok_r(copy, "\n", &save);
    kerr_t rc = line ? columns(line, col, msg) : kmsg_set(msg, K_ECORRUPT, "an empty bill");
    while (rc == K_OK && (line = strtok_r(NULL, "\n", &save))) {
        line[strcspn(line, "\r")] = '\0';
        if (line[0] != '`')
            break; /* the summary: 总交易单数,... */
        rc = row(f, split(line, f), col, fn, arg, msg);
    }
    free(copy);
    return rc;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Checks the file against the SHA1 the bill's answer gave. */
static kerr_t check_hash(const cJSON *ans, const bo_wx_resp_t *file, kmsg_t *msg)
{
    unsigned char d[SHA_DIGEST_LENGTH];
    char hex[2 * SHA_DIGEST_LENGTH + 1];
    if (strcmp(str(ans, "hash_type"), "SHA1") != 0)
        return kmsg_set(msg, K_ECORRUPT, "the bill's hash_type is '%s', not SHA1", str(ans, "hash_type"));
    SHA1((const unsigned char *)file->body, file->len, d);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return strcasecmp(hex, str(ans, "hash_value")) == 0
               ? K_OK
               : kmsg_set(msg, K_ECORRUPT, "the bill's file does not match its SHA1");
}

kerr_t bo_wx__bill(void *ctx, const char *day, bo_prov_bill_cb fn, void *arg, kmsg_t *msg)
{
    bo_wx_t *wx = ctx;
    bo_wx_resp_t r, file = {0};
    cJSON *ans = NULL;
    char path[128], code[64] = "", text[256];
    snprintf(path, sizeof path, "/v3/bill/tradebill?bill_date=%.10s&bill_type=ALL", day);
    kerr_t rc = bo_wx_call_json(wx, "GET", path, NULL, &r, &ans, msg);
    if (rc == K_OK && r.status != 200)
        rc = bo_wx_refused(&r, code, sizeof code, text, sizeof text, msg);
    bool none = rc == K_EDENIED && strcmp(code, "NO_STATEMENT_EXIST") == 0; /* a day without a trade */
    if (none)
        rc = K_OK;
    if (rc == K_OK && !none && !str(ans, "download_url")[0])
        rc = kmsg_set(msg, K_ECORRUPT, "the bill's answer has no download_url");
    if (rc == K_OK && !none)
        rc = bo_wx_fetch(wx, str(ans, "download_url"), &file, msg);
    if (rc == K_OK && !none)
        rc = check_hash(ans, &file, msg);
    if (rc == K_OK && !none)
        rc = bo_wx_bill_parse(file.body, fn, arg, msg);
    cJSON_Delete(ans);
    bo_wx_resp_free(&r);
    bo_wx_resp_free(&file);
    return rc;
}
