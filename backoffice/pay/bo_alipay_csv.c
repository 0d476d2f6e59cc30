/* The daily bill's detail file: CSV framed by '#' lines (the account and
 * period above, the totals below), one header line naming the columns,
 * then one line per trade or refund. Columns are found by name, never by
 * place. Pure: no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_alipay_int.h"

#define CSV_COLS 40

/* The columns read, by their names in the header line. */
enum { COL_TRADE_NO, COL_OUT_TRADE_NO, COL_KIND, COL_DONE, COL_AMOUNT, COL_N };
static const char *const col_names[COL_N] = {"支付宝交易号", "商户订单号", "业务类型", "完成时间", "订单金额（元）"};

/* Splits line (modified) at commas into trimmed fields without quotes. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ' || *p == '\t' || *p == '"' || *p == '`')
            p++;
        char *e = p + strlen(p);
        while (e > p && strchr(" \t\r\"", e[-1]))
            *--e = '\0';
        f[n++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

static bool find_cols(char **f, int n, int col[COL_N])
{
    for (int c = 0; c < COL_N; c++) {
        col[c] = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(f[i], col_names[c]) == 0)
                col[c] = i;
        if (col[c] < 0)
            return false;
    }
    return true;
}

/* One data line into a row. */
static bool read_row(char **f, int n, const int col[COL_N], bo_prov_bill_row_t *row)
{
    for (int c = 0; c < COL_N; c++)
        if (col[c] >= n)
            return false;
    memset(row, 0, sizeof *row);
    const char *amount = f[col[COL_AMOUNT]];
    bool negative = amount[0] == '-';
    if (!bo_alipay_yuan_parse(amount + negative, &row->amount) || !ap_time_parse(f[col[COL_DONE]], &row->at))
        return false;
    row->refund = strcmp(f[col[COL_KIND]], "退款") == 0;
    if (!row->refund && strcmp(f[col[COL_KIND]], "交易") != 0)
        return false;
    if (row->refund && row->amount > 0)
        row->amount = -row->amount;
    snprintf(row->trade_no, sizeof row->trade_no, "%s", f[col[COL_TRADE_NO]]);
    snprintf(row->out_trade_no, sizeof row->out_trade_no, "%s", f[col[COL_OUT_TRADE_NO]]);
    return row->out_trade_no[0] && row->trade_no[0];
}

kerr_t bo_alipay_bill_csv(const char *text, size_t len, bo_prov_bill_cb fn, void *arg, kmsg_t *msg)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return kmsg_set(msg, K_EIO, "alipay: out of memory");
    memcpy(copy, text, len);
    copy[len] = '\0';
    int col[COL_N], line_no = 0;
    bool header = false;
    kerr_t rc = K_OK;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line && rc == K_OK; line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        char *f[CSV_COLS];
        if (line[0] == '#' || line[strspn(line, " \t\r")] == '\0')
            continue;
        int n = split(line, f, CSV_COLS);
        if (!header) {
            header = find_cols(f, n, col);
            if (!header)
                rc = kmsg_set(msg, K_ENOTFOUND, "alipay bill: line %d is no header with %s, %s, %s, %s, %s", line_no,
                              col_names[0], col_names[1], col_names[2], col_names[3], col_names[4]);
            continue;
        }
        bo_prov_bill_row_t row;
        if (!read_row(f, n, col, &row))
            rc = kmsg_set(msg, K_ECORRUPT, "alipay bill: line %d cannot be read", line_no);
        else
            fn(arg, &row);
    }
    free(copy);
    if (rc == K_OK && !header)
        rc = kmsg_set(msg, K_ENOTFOUND, "alipay bill: no detail header");
    return rc;
}
