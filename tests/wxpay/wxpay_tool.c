/* Drives the back office's WeChat Pay client (backoffice/pay/bo_wx*.c) one
 * call at a time, for wxpay_test.sh: the settings come from a back-office
 * ini file's [wechatpay] section; each result is one line on stdout; a
 * failure is its kerr name and text on stderr and exit status 10 + code.
 * Usage: wxpay_tool INI OP ARGS...
 *   create native|h5 OUT_NO AMOUNT [EXPIRES_MS] | query OUT_NO | cancel OUT_NO
 *   refund OUT_NO REFUND_NO AMOUNT TOTAL | refund-query OUT_NO REFUND_NO
 *   notify HEADERS_FILE BODY_FILE | bill YYYY-MM-DD */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/pay/bo_wx.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *b = f ? calloc(1, 1 << 20) : NULL;
    if (b)
        b[fread(b, 1, (1 << 20) - 1, f)] = '\0';
    if (f)
        fclose(f);
    return b;
}

/* Headers of a captured notification: "Name: value" lines. */
static const char *header(void *arg, const char *name)
{
    static char vs[8][1024]; /* each value stays valid while the notification is checked */
    static int next;
    char *v = vs[next++ % 8];
    for (const char *p = arg; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        size_t n = strlen(name);
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *s = p + n + 1 + (p[n + 1] == ' ');
            snprintf(v, sizeof vs[0], "%.*s", (int)strcspn(s, "\r\n"), s);
            return v;
        }
    }
    return NULL;
}

static void print_row(void *arg, const bo_prov_bill_row_t *r)
{
    (void)arg;
    printf("%s %s %lld %s\n", r->out_trade_no, r->trade_no, (long long)r->amount, r->refund ? "refund" : "payment");
}

static const char *refund_state(bo_prov_refund_state_t s)
{
    return s == BO_PROV_REFUND_SUCCESS ? "success" : s == BO_PROV_REFUND_FAILED ? "failed" : "processing";
}

static kerr_t run(bo_provider_t *p, int argc, char **argv, kmsg_t *msg)
{
    const char *op = argv[2];
    bo_prov_answer_t a;
    bo_prov_refund_t r;
    kerr_t rc = K_EINVAL;
    if (strcmp(op, "create") == 0 && argc >= 6) {
        bo_prov_order_t o = {.kind = strcmp(argv[3], "h5") == 0 ? BO_PROV_H5 : BO_PROV_NATIVE,
                             .out_trade_no = argv[4], .amount = atoll(argv[5]), .currency = "CNY",
                             .description = "Prepaid top-up", .client_ip = "203.0.113.7",
                             .expires_at = argc > 6 ? atoll(argv[6]) : 0};
        if ((rc = p->ops->create(p->ctx, &o, &a, msg)) == K_OK)
            printf("%s %s\n", bo_prov_state_name(a.state), a.url);
    } else if (strcmp(op, "query") == 0 && argc >= 4) {
        if ((rc = p->ops->query(p->ctx, argv[3], &a, msg)) == K_OK)
            printf("%s %lld %s %s\n", bo_prov_state_name(a.state), (long long)a.amount, a.trade_no[0] ? a.trade_no : "-",
                   a.paid_at ? "paid_at" : "-");
    } else if (strcmp(op, "cancel") == 0 && argc >= 4) {
        if ((rc = p->ops->cancel(p->ctx, argv[3], msg)) == K_OK)
            printf("closed\n");
    } else if (strcmp(op, "refund") == 0 && argc >= 7) {
        if ((rc = p->ops->refund(p->ctx, argv[3], argv[4], atoll(argv[5]), atoll(argv[6]), &r, msg)) == K_OK)
            printf("%s %lld %s\n", refund_state(r.state), (long long)r.amount, r.refund_no);
    } else if (strcmp(op, "refund-query") == 0 && argc >= 5) {
        if ((rc = p->ops->refund_query(p->ctx, argv[3], argv[4], &r, msg)) == K_OK)
            printf("%s %lld\n", refund_state(r.state), (long long)r.amount);
    } else if (strcmp(op, "notify") == 0 && argc >= 5) {
        char *h = slurp(argv[3]), *b = slurp(argv[4]);
        bo_prov_http_t req = {header, h, "application/json", b ? b : "", b ? strlen(b) : 0};
        bo_prov_event_t ev;
        if ((rc = p->ops->notify(p->ctx, &req, &ev, msg)) == K_OK)
            printf("%s %s %s %lld %s\n", ev.is_refund ? "refund" : "payment", bo_prov_state_name(ev.trade.state),
                   ev.trade.out_trade_no, (long long)ev.trade.amount, ev.id);
        free(h);
        free(b);
    } else if (strcmp(op, "bill") == 0 && argc >= 4) {
        rc = p->ops->bill(p->ctx, argv[3], print_row, NULL, msg);
    } else {
        kmsg_set(msg, K_EINVAL, "unknown operation or missing arguments");
    }
    return rc;
}

int main(int argc, char **argv)
{
    bo_config_t cfg;
    bo_provider_t p;
    kmsg_t msg = {{0}};
    if (argc < 3) {
        fprintf(stderr, "usage: wxpay_tool INI OP ARGS...\n");
        return 2;
    }
    kerr_t rc = bo_config_load(argv[1], &cfg, &msg);
    if (rc == K_OK)
        rc = bo_wx_config_check(&cfg.wechat, &msg);
    if (rc == K_OK)
        rc = bo_wx_open(&cfg.wechat, &p, &msg);
    if (rc == K_OK) {
        rc = run(&p, argc, argv, &msg);
        p.ops->close(p.ctx);
    }
    if (rc)
        fprintf(stderr, "%s: %s\n", kerr_str(rc), msg.text);
    return rc ? 10 + (int)rc : 0;
}
