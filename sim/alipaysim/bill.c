/* alipaysim's daily bill: the trades paid and the refunds made on a day
 * (Beijing time) as Alipay lays them out: a zip holding the detail CSV and
 * a summary CSV, GBK-encoded, '#' lines around the table. */
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim/alipaysim/alisim.h"

static const char detail_head[] =
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
    "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
    "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n";

typedef struct text {
    char *p;
    size_t n;
} text_t;

static void add(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    char *p = n >= 0 ? realloc(t->p, t->n + (size_t)n + 1) : NULL;
    if (p) {
        memcpy(p + t->n, s, (size_t)n + 1);
        t->p = p;
        t->n += (size_t)n;
    }
    free(s);
}

static void row(text_t *d, const as_trade_t *t, bool refund, int64_t fen, int64_t at, const char *req)
{
    char made[20], done[20], yuan[24];
    as_time_text(t->created_ms, made);
    as_time_text(at, done);
    as_yuan(fen, yuan);
    add(d, "%s\t,%s\t,%s,%s,%s,%s,,,,,159****5620,%s%s,%s%s,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,%s,0.00,0.00,\n",
        t->trade_no, t->out_trade_no, refund ? "退款" : "交易", t->subject, made, done, refund ? "-" : "", yuan,
        refund ? "-" : "", yuan, req ? req : "");
}

static bool on_day(int64_t ms, const char *day)
{
    char when[20];
    as_time_text(ms, when);
    return ms && strncmp(when, day, 10) == 0;
}

/* The detail file (UTF-8); *paid, *refunded: the day's sums. */
static void detail(alisim_t *s, const char *day, text_t *d, int64_t *paid, int64_t *refunded, int *n_paid,
                   int *n_refund)
{
    add(d, "#支付宝业务明细查询\n#账号：[%s]\n#起始日期：[%s 00:00:00]   终止日期：[%s 23:59:59]\n", s->app_id, day, day);
    add(d, "#-----------------------------------------业务明细列表----------------------------------------\n%s",
        detail_head);
    for (int i = 0; i < ALISIM_TRADES; i++) {
        const as_trade_t *t = &s->trades[i];
        if (!t->used)
            continue;
        if (on_day(t->paid_ms, day)) {
            row(d, t, false, t->total, t->paid_ms, NULL);
            *paid += t->total, (*n_paid)++;
        }
        for (int r = 0; r < t->n_refunds; r++)
            if (on_day(t->refunds[r].at_ms, day)) {
                row(d, t, true, t->refunds[r].amount, t->refunds[r].at_ms, t->refunds[r].out_request_no);
                *refunded += t->refunds[r].amount, (*n_refund)++;
            }
    }
    char a[24], b[24];
    as_yuan(*paid, a);
    as_yuan(*paid - *refunded, b);
    add(d, "#-----------------------------------------业务明细列表结束------------------------------------\n");
    add(d, "#交易合计：%d笔，商家实收共%s元，商家实收（退款后）共%s元\n", *n_paid, a, b);
    as_yuan(*refunded, a);
    add(d, "#退款合计：%d笔，商家实收退款共%s元\n", *n_refund, a);
}

static char *to_gbk(const text_t *t, size_t *len)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t in_left = t->n, cap = t->n + 1, out_left = t->n;
    char *out = malloc(cap), *o = out, *in = t->p;
    bool ok = out && iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1;
    iconv_close(cd);
    if (!ok) {
        free(out);
        return NULL;
    }
    *len = t->n - out_left;
    return out;
}

static void le(unsigned char *p, uint32_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Appends a stored (method 0) member to the zip in z and its central
 * entry to cd. */
static void zip_add(text_t *z, text_t *cd, const char *name, const char *data, size_t len)
{
    size_t nl = strlen(name);
    uint32_t crc = (uint32_t)crc32(0, (const Bytef *)data, (uInt)len), off = (uint32_t)z->n;
    unsigned char h[46] = {0};
    le(h, 0x04034b50, 4), le(h + 4, 20, 2), le(h + 14, crc, 4), le(h + 18, (uint32_t)len, 4);
    le(h + 22, (uint32_t)len, 4), le(h + 26, (uint32_t)nl, 2);
    char *p = realloc(z->p, z->n + 30 + nl + len);
    if (!p)
        return;
    memcpy(p + z->n, h, 30), memcpy(p + z->n + 30, name, nl), memcpy(p + z->n + 30 + nl, data, len);
    z->p = p, z->n += 30 + nl + len;
    memset(h, 0, sizeof h);
    le(h, 0x02014b50, 4), le(h + 4, 20, 2), le(h + 6, 20, 2), le(h + 16, crc, 4), le(h + 20, (uint32_t)len, 4);
    le(h + 24, (uint32_t)len, 4), le(h + 28, (uint32_t)nl, 2), le(h + 42, off, 4);
    p = realloc(cd->p, cd->n + 46 + nl);
    if (!p)
        return;
    memcpy(p + cd->n, h, 46), memcpy(p + cd->n + 46, name, nl);
    cd->p = p, cd->n += 46 + nl;
}

unsigned char *as_bill_zip(alisim_t *s, const char *day, size_t *len)
{
    text_t d = {0}, sum = {0}, z = {0}, cd = {0};
    int64_t paid = 0, refunded = 0;
    int n_paid = 0, n_refund = 0;
    detail(s, day, &d, &paid, &refunded, &n_paid, &n_refund);
    char a[24], b[24];
    as_yuan(paid, a);
    as_yuan(paid - refunded, b);
    add(&sum, "#支付宝业务汇总查询\n#账号：[%s]\n门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）\n", s->app_id);
    add(&sum, ",合计,%d,%d,%s,%s\n", n_paid, n_refund, a, b);
    char ymd[9];
    snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", day, day + 5, day + 8);
    const text_t *files[2] = {&d, &sum};
    for (int i = 0; i < 2; i++) {
        /* the members' names are GBK too: <app>_<yyyymmdd>_业务明细.csv and ..._业务明细(汇总).csv */
        text_t name = {0};
        add(&name, "%s_%s_业务明细%s.csv", s->app_id, ymd, i ? "(汇总)" : "");
        size_t glen = 0, nlen = 0;
        char *g = to_gbk(files[i], &glen), *gname = to_gbk(&name, &nlen);
        if (g && gname) {
            gname[nlen] = '\0';
            zip_add(&z, &cd, gname, g, glen);
        }
        free(g), free(gname), free(name.p);
    }
    unsigned char end[22] = {0};
    le(end, 0x06054b50, 4), le(end + 8, 2, 2), le(end + 10, 2, 2), le(end + 12, (uint32_t)cd.n, 4);
    le(end + 16, (uint32_t)z.n, 4);
    unsigned char *out = malloc(z.n + cd.n + 22);
    if (out && z.p && cd.p) {
        memcpy(out, z.p, z.n), memcpy(out + z.n, cd.p, cd.n), memcpy(out + z.n + cd.n, end, 22);
        *len = z.n + cd.n + 22;
    } else {
        free(out);
        out = NULL;
    }
    free(d.p), free(sum.p), free(z.p), free(cd.p);
    return out;
}
